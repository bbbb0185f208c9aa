import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

SEARCH_URL = "/recherche/"


@pytest.fixture
def make_document(home):
    def make(title, collection=None):
        document = get_document_model()(
            title=title,
            file=ContentFile(b"%PDF-1.4 demo", name="document.pdf"),
            collection=collection or Collection.get_first_root_node(),
        )
        document.save()
        return document

    return make


@pytest.fixture
def private_collection():
    collection = Collection.get_first_root_node().add_child(name="Kit adhérents")
    sub = collection.add_child(name="Procédures")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="kit-2026",
    )
    return collection, sub, restriction


def test_public_document_is_found(client, make_document):
    document = make_document("Affiche de la bourse")
    html = client.get(SEARCH_URL, {"q": "affiche"}).content.decode()
    assert "Affiche de la bourse" in html
    assert document.url in html
    assert "Document PDF" in html


def test_private_documents_are_hidden_from_visitors_without_access(
    client, make_document, private_collection
):
    collection, sub, _restriction = private_collection
    make_document("Lettre type aux communes", collection=collection)
    make_document("Lettre de procédure interne", collection=sub)
    make_document("Lettre d’information publique")
    html = client.get(SEARCH_URL, {"q": "lettre"}).content.decode()
    assert "Lettre d’information publique" in html
    assert "Lettre type aux communes" not in html
    assert "Lettre de procédure interne" not in html
    assert "1 résultat pour" in html


def test_private_documents_are_found_after_passing_the_restriction(
    client, make_document, private_collection
):
    collection, sub, restriction = private_collection
    make_document("Lettre type aux communes", collection=collection)
    make_document("Lettre de procédure interne", collection=sub)
    # Private collections follow the member area's access (kit_adherents.access):
    # their own password is never typed; a signed-in member passes.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    member = get_user_model().objects.create_user("membre-test", password="x")
    member.groups.add(Group.objects.get_or_create(name="Membres")[0])
    client.force_login(member)
    response = client.get(SEARCH_URL, {"q": "lettre"})
    html = response.content.decode()
    assert "Lettre type aux communes" in html
    assert "Lettre de procédure interne" in html
    assert "private" in response["Cache-Control"]


def test_pages_and_documents_paginate_together(client, make_page, make_document):
    for number in range(7):
        make_page(f"Page cadastre {number}", "cadastre")
    for number in range(6):
        make_document(f"Plan cadastre {number}")
    first = client.get(SEARCH_URL, {"q": "cadastre"}).content.decode()
    second = client.get(SEARCH_URL, {"q": "cadastre", "page": 2}).content.decode()
    assert "13 résultats" in first
    assert first.count('class="search-result') == 10
    assert second.count('class="search-result') == 3
    everything = first + second
    assert all(f"Page cadastre {n}" in everything for n in range(7))
    assert all(f"Plan cadastre {n}" in everything for n in range(6))
