"""Fixtures of the member area tests: a small kit (password, private
collection, documents with versions, a private image), visitors of every
kind, and the browser fixtures (Playwright + Debian's Chromium)."""

import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from wagtail.images import get_image_model
from wagtail.models import Collection

from home.demo import get_or_create_child
from kit_adherents import demo as kit_demo
from kit_adherents.models import KitDocument, KitIndexPage, KitSectionPage, LandlordDirectoryPage
from news import demo as news_demo

KIT_PASSWORD = "Mot-de-passe-Kit-2026"
SECRET_WORD = "Zanzibarique"  # appears only inside the kit


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Files of each test in its own folder (test runs may share a machine)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(color="red", size=(120, 80)) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def make_image(title, collection, color="red"):
    Image = get_image_model()
    image = Image(title=title, collection=collection)
    image.file = ImageFile(io.BytesIO(png_bytes(color)), name=f"{title.lower()}.png")
    image.save()
    return image


@pytest.fixture
def kit(home):
    """A protected kit with one section, documents and a private image."""
    collection = kit_demo.get_kit_collection()
    index = get_or_create_child(
        home, KitIndexPage, "espace-adherents", title="Espace adhérents", intro="<p>Kit</p>"
    )
    restriction = kit_demo.protect(index, KIT_PASSWORD)
    guide = kit_demo.get_or_create_document(
        collection,
        f"Guide {SECRET_WORD}",
        f"Le guide {SECRET_WORD} des adhérents.",
        version_label="2026",
    )
    book = kit_demo.load_procedure_book(collection)
    section = get_or_create_child(
        index,
        KitSectionPage,
        "fonctionnement-pratique",
        title="Fonctionnement pratique",
        intro=f"Rubrique {SECRET_WORD} réservée.",
        items=[kit_demo.doc_item(guide), kit_demo.doc_item(book)],
    )
    directory = get_or_create_child(
        section,
        LandlordDirectoryPage,
        "fonctionnement-des-organismes",
        title="Fonctionnement de chaque organisme",
    )
    news = news_demo.load_member_news(section)
    public_collection = Collection.get_first_root_node()
    public_doc = KitDocument(title="Plaquette publique", collection=public_collection)
    public_doc.file.save("plaquette-publique.pdf", ContentFile(b"%PDF-1.4 public"), save=False)
    public_doc._set_document_file_metadata()
    public_doc.save()
    private_image = make_image("Affiche", collection, "blue")
    public_image = make_image("Logo", public_collection, "green")
    return SimpleNamespace(
        index=index,
        restriction=restriction,
        collection=collection,
        section=section,
        directory=directory,
        news=news,
        guide=guide,
        book=book,
        old_version=book.older_versions().first(),
        public_doc=public_doc,
        private_image=private_image,
        public_image=public_image,
    )


@pytest.fixture
def users(db):
    from django.contrib.auth.models import Permission

    User = get_user_model()
    members, _ = Group.objects.get_or_create(name="Membres")
    member = User.objects.create_user("membre", "m@example.org", "x")
    member.groups.add(members)
    tenant = User.objects.create_user("locataire", "l@example.org", "x")
    editor = User.objects.create_user("editeur", "e@example.org", "x")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editor.groups.add(editors)
    return SimpleNamespace(member=member, tenant=tenant, editor=editor)


def password_url(kit) -> str:
    return f"/_util/authenticate_with_password/{kit.restriction.pk}/{kit.index.pk}/"


def enter_password(client, kit, password, return_url="/espace-adherents/"):
    return client.post(password_url(kit), {"password": password, "return_url": return_url})


VISITORS = ["anonymous", "wrong_password", "right_password", "member", "tenant", "editor"]
HAS_ACCESS = {"right_password", "member", "editor"}


@pytest.fixture
def visitor_client(kit, users):
    """``visitor_client(kind)``: a client in the given situation."""

    def make(kind: str) -> Client:
        client = Client()
        if kind == "wrong_password":
            response = enter_password(client, kit, "pas-le-bon")
            assert response.status_code == 200
        elif kind == "right_password":
            response = enter_password(client, kit, KIT_PASSWORD)
            assert response.status_code == 302
        elif kind in ("member", "tenant", "editor"):
            client.force_login(getattr(users, kind))
        return client

    return make


# --- Browser (fixtures in tests/conftest.py) ---------------------------------

from tests.axe import assert_no_axe_violations  # noqa: E402

__all__ = ["assert_no_axe_violations"]
