"""What the GIE editor may do in the Wagtail admin, and what not; the
validator approves a page submitted to the review workflow."""

import datetime as dt
import importlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, Page, Task, Workflow, WorkflowPage
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from home.editors import EDITORS, TASK_NAME, VALIDATORS, WORKFLOW_NAME, sync_editor_groups
from home.models import BannerMessage
from kit_adherents.models import KitDocument
from news.models import NewsPage, NewsTheme

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def edit_form_data(client, page, body=None):
    """The page's edit form as the admin renders it, ready to post back (the
    StreamField, drawn by the browser's script, given as ``body``)."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    if body is not None:
        add_body(data, body)
    return data


def add_body(data, blocks):
    data.update(nested_form_data({"body": streamfield(blocks)}))
    return data


EXISTING_BODY = [("heading", {"text": "Section existante"})]


def post_edit(client, page, action, **changes):
    data = edit_form_data(client, page, body=EXISTING_BODY)
    for key, value in changes.items():
        data[key] = value
    data[action] = action
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


# --- The migration --------------------------------------------------------------------


def test_the_migration_gives_editors_publishing_and_a_french_workflow():
    editors = Group.objects.get(name=EDITORS)
    validators = Group.objects.get(name=VALIDATORS)
    root = Page.get_first_root_node()
    for group in (editors, validators):
        codenames = set(
            GroupPagePermission.objects.filter(group=group, page=root).values_list(
                "permission__codename", flat=True
            )
        )
        assert {"add_page", "change_page", "publish_page", "lock_page"} <= codenames
        assert group.permissions.filter(codename="access_admin").exists()
        assert group.permissions.filter(codename="change_bannermessage").exists()
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert WorkflowPage.objects.get(page=root).workflow == workflow
    task = Task.objects.get(name=TASK_NAME).specific
    assert [t.pk for t in workflow.tasks] == [task.pk]
    assert list(task.groups.values_list("name", flat=True)) == [VALIDATORS]
    assert not Workflow.objects.filter(name__icontains="approval").exists()
    assert not Task.objects.filter(name__icontains="approval").exists()


def test_the_migration_is_idempotent():
    from django.apps import apps

    def state():
        return (
            {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()},
            GroupPagePermission.objects.count(),
            Workflow.objects.count(),
            Task.objects.count(),
            WorkflowPage.objects.count(),
        )

    before = state()
    migration = importlib.import_module("home.migrations.0004_editor_groups")
    migration.grant_editor_permissions(apps, None)
    sync_editor_groups()
    assert state() == before


# --- Pages: publish, unpublish, schedule, privacy ---------------------------------------


def test_editor_sees_publish_and_submit_on_a_news_note(editor_client, site):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[site.note.pk]))
    html = response.content.decode()
    assert 'name="action-publish"' in html
    assert f"Soumettre à {WORKFLOW_NAME}" in html
    assert "Moderators" not in html and "approval" not in html


def test_editor_creates_and_publishes_a_news_note(editor_client, site):
    url = reverse("wagtailadmin_pages:add", args=["news", "newspage", site.news_index.pk])
    data = querydict_from_html(editor_client.get(url).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Note publiée par l’éditeur",
            "slug": "note-editeur",
            "intro": "Publiée sans relecture.",
            "action-publish": "action-publish",
        }
    )
    add_body(
        data,
        [
            ("heading", {"text": "Une section"}),
            ("paragraph", rich_text("<p>Un paragraphe.</p>")),
        ],
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    note = NewsPage.objects.get(slug="note-editeur")
    assert note.live
    assert [block.block_type for block in note.body] == ["heading", "paragraph"]


def test_editor_publishes_unpublishes_and_schedules(editor_client, site, editor):
    note = site.note
    response = post_edit(editor_client, note, "action-publish", title="Note modifiée")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.title == "Note modifiée" and note.live

    response = editor_client.post(reverse("wagtailadmin_pages:unpublish", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert not note.live

    go_live = timezone.localtime() + dt.timedelta(days=2)
    response = post_edit(
        editor_client,
        note,
        "action-publish",
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert not note.live
    revision = note.scheduled_revision
    assert revision is not None and revision.approved_go_live_at is not None

    # Celery beat's task publishes it when the time has come.
    from unittest import mock

    from home.tasks import publish_scheduled_pages

    later = timezone.now() + dt.timedelta(days=3)
    with mock.patch.object(timezone, "now", return_value=later):
        publish_scheduled_pages.delay()
    note.refresh_from_db()
    assert note.live


def test_editor_changes_the_member_area_password(editor_client, site, client):
    url = reverse("wagtailadmin_pages:set_privacy", args=[site.kit.pk])
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"restriction_type": "password", "password": "Neuf-2027"})
    assert response.status_code == 200
    site.kit.refresh_from_db()
    restriction = site.kit.get_view_restrictions().get()
    assert restriction.password == "Neuf-2027"  # noqa: S105


def test_editor_edits_the_key_figures_of_the_home_page(editor_client, site):
    from home.models import KeyFigure

    KeyFigure.objects.create(page=site.home, sort_order=0, value="1 080", label="échanges")
    site.home.save_revision().publish()
    data = edit_form_data(editor_client, site.home)
    prefix = "key_figures"
    assert data[f"{prefix}-TOTAL_FORMS"] == "1"
    data[f"{prefix}-0-value"] = "1 234"
    data["action-publish"] = "action-publish"
    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[site.home.pk]), data)
    assert response.status_code == 302
    assert list(site.home.key_figures.values_list("value", flat=True)) == ["1 234"]


# --- Snippets -------------------------------------------------------------------------


def test_editor_manages_banner_messages_and_news_themes(editor_client, site):
    list_url = reverse("wagtailsnippets_home_bannermessage:list")
    assert editor_client.get(list_url).status_code == 200
    response = editor_client.post(
        reverse("wagtailsnippets_home_bannermessage:add"),
        {
            "text": "Fermeture du GIE le 24 décembre.",
            "starts_at": "2026-01-01 09:00",
            "sort_order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    message = BannerMessage.objects.get(text="Fermeture du GIE le 24 décembre.")
    response = editor_client.post(
        reverse("wagtailsnippets_home_bannermessage:delete", args=[message.pk])
    )
    assert response.status_code == 302
    assert not BannerMessage.objects.filter(pk=message.pk).exists()

    response = editor_client.post(
        reverse("wagtailsnippets_news_newstheme:add"), {"name": "Formations", "slug": "formations"}
    )
    assert response.status_code == 302
    assert NewsTheme.objects.filter(slug="formations").exists()


# --- Documents and images --------------------------------------------------------------


def test_editor_uploads_and_replaces_a_document(editor_client, site):
    kit_collection = kit_demo_collection()
    response = editor_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Guide de l’éditeur",
            "file": SimpleUploadedFile("guide.pdf", b"%PDF-1.4 v1", "application/pdf"),
            "collection": kit_collection.pk,
            "updated_on": "2026-11-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = KitDocument.objects.get(title="Guide de l’éditeur")
    assert document.collection == kit_collection
    response = editor_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": document.title,
            "file": SimpleUploadedFile("guide-v2.pdf", b"%PDF-1.4 v2", "application/pdf"),
            "collection": kit_collection.pk,
            "version_label": "v2",
            "updated_on": "2026-12-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.version_label == "v2"
    assert document.versions.count() == 1


def kit_demo_collection():
    from kit_adherents import demo as kit_demo

    return kit_demo.get_kit_collection()


def test_editor_uploads_and_replaces_an_image(editor_client, site):
    root = Collection.get_first_root_node()
    response = editor_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Affiche",
            "file": SimpleUploadedFile("affiche.png", png_bytes(), "image/png"),
            "collection": root.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Affiche")
    response = editor_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "Affiche 2027",
            "file": SimpleUploadedFile("affiche-2027.png", png_bytes(color="blue"), "image/png"),
            "collection": root.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image.refresh_from_db()
    assert image.title == "Affiche 2027" and "affiche-2027" in image.file.name


def test_too_large_uploads_are_refused_in_french(editor_client, site, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    response = editor_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Trop gros",
            "file": SimpleUploadedFile("gros.pdf", b"%PDF" + b"0" * 5000, "application/pdf"),
            "collection": Collection.get_first_root_node().pk,
            "updated_on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce fichier est trop gros (4,9\xa0Kio)" in html
    assert "La taille de fichier maximale est de 1000\xa0octets" in html
    assert "extension" not in html.split("trop gros")[1].split("</")[0]
    assert not KitDocument.objects.filter(title="Trop gros").exists()

    response = editor_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Trop grande",
            "file": SimpleUploadedFile("grande.png", png_bytes(size=(800, 800)), "image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    assert "Ce fichier est trop gros" in response.content.decode()
    assert not get_image_model().objects.filter(title="Trop grande").exists()


def test_upload_limits_come_from_the_environment(monkeypatch):
    import portal.settings.base as base

    monkeypatch.setenv("WAGTAILDOCS_MAX_UPLOAD_SIZE", "123")
    monkeypatch.setenv("WAGTAILIMAGES_MAX_UPLOAD_SIZE", "456")
    reloaded = importlib.reload(base)
    try:
        assert reloaded.WAGTAILDOCS_MAX_UPLOAD_SIZE == 123
        assert reloaded.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 456
    finally:
        monkeypatch.undo()
        importlib.reload(base)


# --- What the editor may not do ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/django-admin/",
        "/django-admin/auth/user/",
        "/bourse/espace-bailleur/",
    ],
)
def test_editor_has_no_access_to_the_bourse_staff_data(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/" not in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "wagtailusers_users:index",
        "wagtailusers_groups:index",
        "wagtailadmin_workflows:index",
        "wagtailadmin_workflows:task_index",
        "wagtailsites:index",
        "wagtailsnippets_bourse_landlord:list",
        "wagtailsnippets_exchanges_mailtemplate:list",
        "contact_inbox:index",
    ],
)
def test_editor_may_not_manage_users_groups_workflows_or_bourse_data(editor_client, name):
    response = editor_client.get(reverse(name))
    assert response.status_code in (302, 403), name
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")


def menu_labels(html: str) -> set[str]:
    """Every label of the admin's sidebar (drawn by a script from JSON)."""
    import json

    from wagtail.test.utils import WagtailTestUtils

    props = WagtailTestUtils.get_soup(html).find("script", id="wagtail-sidebar-props")
    labels = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.add(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.string))
    return labels


def test_editor_menu_shows_only_editorial_entries(editor_client):
    labels = menu_labels(editor_client.get(reverse("wagtailadmin_home")).content.decode())
    assert {"Pages", "Bandeau déroulant", "Thèmes d’actualité", "Documents", "Images"} <= labels
    forbidden = {"Utilisateurs", "Groupes", "Bailleurs", "Messages de contact", "Sites"}
    assert not labels & forbidden, labels
    assert "Paramètres" not in labels


# --- The review workflow ------------------------------------------------------------------


def test_validator_approves_a_note_the_editor_submitted(editor_client, site, validator, client):
    note = site.note
    response = post_edit(editor_client, note, "action-submit", title="Note à relire")
    assert response.status_code == 302
    note.refresh_from_db()
    state = note.current_workflow_state
    assert state is not None and state.workflow.name == WORKFLOW_NAME
    assert note.title == "Note existante"  # the live version waits for the approval
    task_state = state.current_task_state
    assert task_state.task.name == TASK_NAME

    action_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[note.pk, "approve", task_state.pk]
    )
    # The editor is not a validator: no approval.
    response = editor_client.post(action_url, {"comment": ""})
    assert response.status_code in (302, 403)
    note.refresh_from_db()
    assert note.title == "Note existante"

    client.force_login(validator)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Note à relire" in dashboard
    response = client.post(action_url, {"comment": "Relu, parfait."})
    assert response.status_code in (200, 302)
    note.refresh_from_db()
    assert note.live and note.title == "Note à relire"
    assert note.current_workflow_state is None
