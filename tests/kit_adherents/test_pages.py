"""Page types of the member area and their admin forms."""

import pytest

from home.models import HomePage
from kit_adherents.models import KitIndexPage, KitSectionPage, LandlordDirectoryPage
from news.models import NewsPage

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    assert KitIndexPage.can_create_at(HomePage())
    assert KitSectionPage in KitIndexPage.allowed_subpage_models()
    assert set(KitSectionPage.allowed_subpage_models()) == {LandlordDirectoryPage, NewsPage}
    assert KitSectionPage in NewsPage.allowed_parent_page_models()


def test_admin_edit_forms_load(kit, admin_client):
    for page in (kit.index, kit.section, kit.directory):
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page
    response = admin_client.get(f"/admin/documents/edit/{kit.book.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="version_label"' in body and 'name="updated_on"' in body


def test_admin_can_add_a_document_to_a_section(kit, admin_client):
    """Publishing through the admin: the StreamField keeps the editor's order."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "title": kit.section.title,
            "slug": kit.section.slug,
            "intro": "Nouvelle introduction",
            "items": streamfield(
                [
                    ("subheading", "Documents"),
                    ("document", {"document": kit.book.pk, "description": ""}),
                    ("document", {"document": kit.guide.pk, "description": "Résumé"}),
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(f"/admin/pages/{kit.section.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    kit.section.refresh_from_db()
    assert [b.block_type for b in kit.section.items] == ["subheading", "document", "document"]
    assert kit.section.items[1].value["document"] == kit.book


def test_admin_refuses_a_public_document_in_a_section(kit, admin_client):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "title": kit.section.title,
            "slug": kit.section.slug,
            "intro": "",
            "items": streamfield(
                [("document", {"document": kit.public_doc.pk, "description": ""})]
            ),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(f"/admin/pages/{kit.section.pk}/edit/", data)
    assert response.status_code == 200  # the form again, with the block's error
    assert "collection priv" in response.content.decode()  # JSON-escaped accents
    kit.section.refresh_from_db()
    assert [b.value["document"] for b in kit.section.items] == [kit.guide, kit.book]
