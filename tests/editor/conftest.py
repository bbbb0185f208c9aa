"""Fixtures of the GIE editor tests: a small site (home, news index, a note,
the member area behind its password), the editors' and validators' groups
as the migration makes them, and one account in each."""

import io
from types import SimpleNamespace

import pytest

from home.demo import get_or_create_child
from home.editors import EDITORS, VALIDATORS, sync_editor_groups
from home.factories import GroupMemberFactory
from kit_adherents import demo as kit_demo
from kit_adherents.models import KitIndexPage
from news.models import NewsIndexPage, NewsPage, NewsTheme

KIT_PASSWORD = "Mot-de-passe-Kit-2026"
EDITOR_PASSWORD = "Mot-de-passe-Editeur-2026"
VALIDATOR_PASSWORD = "Mot-de-passe-Validateur-2026"


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(size=(60, 40), color="red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def site(home):
    """Home, news index with one live note, the member area (password)."""
    # After a flush (browser tests) the migration's groups are gone: same function.
    sync_editor_groups()
    news_index = get_or_create_child(home, NewsIndexPage, "actualites", title="Actualités")
    theme, _ = NewsTheme.objects.get_or_create(slug="vie-du-reseau", defaults={"name": "Réseau"})
    note = get_or_create_child(
        news_index,
        NewsPage,
        "note-existante",
        title="Note existante",
        intro="Une note déjà en ligne.",
        theme=theme,
        body=[("heading", {"text": "Section existante"})],
    )
    kit = get_or_create_child(
        home, KitIndexPage, "espace-adherents", title="Espace adhérents", intro="<p>Kit</p>"
    )
    restriction = kit_demo.protect(kit, KIT_PASSWORD)
    return SimpleNamespace(
        home=home, news_index=news_index, note=note, kit=kit, restriction=restriction
    )


@pytest.fixture
def editor(site):
    return GroupMemberFactory(
        username="editeur",
        password=EDITOR_PASSWORD,
        group=EDITORS,
        first_name="Astrée",
        last_name="Doise",
    )


@pytest.fixture
def validator(site):
    return GroupMemberFactory(
        username="validateur", password=VALIDATOR_PASSWORD, group=VALIDATORS, first_name="Valère"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
