"""The note page: every block type renders, previous/next links."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(db):
    Document = get_document_model()
    doc = Document(title="Fonctionnement de chaque organisme")
    doc.file.save("organismes.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 2048), save=False)
    doc._set_document_file_metadata()
    doc.save()
    return doc


@pytest.fixture
def video_file(db):
    Document = get_document_model()
    doc = Document(title="Webinaire enregistré")
    doc.file.save("webinaire.mp4", ContentFile(b"\x00" * 64), save=False)
    doc.save()
    return doc


@pytest.fixture
def image(db):
    return get_image_model().objects.create(title="Cap des 1000", file=get_test_image_file())


def full_body(document, video_file, image):
    return [
        ("heading", {"text": "Les nouveautés"}),
        ("paragraph", "<p>Nouveau document pour faciliter les échanges inter-bailleurs.</p>"),
        (
            "change",
            {
                "before": "<p>Tous les soirs sur le mois en cours.</p>",
                "now": "<p>Tous les soirs sur tous les mois.</p>",
            },
        ),
        ("deployed", {"date": dt.date(2021, 3, 23), "text": "statistiques fiables"}),
        (
            "callout",
            {
                "level": "attention",
                "title": "",
                "text": "<p>Le bailleur reste le contact privilégié de son locataire.</p>",
            },
        ),
        ("callout", {"level": "info", "title": "Bon à savoir", "text": "<p>Information.</p>"}),
        (
            "process_steps",
            {
                "title": "Les grandes étapes",
                "steps": [
                    {
                        "number": 6,
                        "title": "Attente dates de déménagement",
                        "actor": "COORDINATION BAILLEURS",
                        "description": "<p>Saisie d’une période.</p>",
                    },
                    {
                        "number": 7,
                        "title": "Déménagement programmé",
                        "actor": "",
                        "description": "",
                    },
                ],
            },
        ),
        (
            "table",
            {
                "caption": "Formation des bailleurs",
                "first_col_is_header": True,
                "table": {
                    "data": [
                        ["Bailleurs invités", "Date", "Participants"],
                        ["PARIS HABITAT", "23/02/2021", "14"],
                    ],
                    "first_row_is_table_header": True,
                },
            },
        ),
        ("image", {"image": image, "alt_text": "Affiche des 1000 locataires", "caption": "Cap"}),
        ("document", {"document": document, "label": ""}),
        (
            "video",
            {
                "title": "Présentation en vidéo",
                "document": None,
                "url": "https://vimeo.com/76979871",
                "duration": 65,
                "description": "",
            },
        ),
        (
            "video",
            {
                "title": "Webinaire enregistré",
                "document": video_file,
                "url": "",
                "duration": 42,
                "description": "Version téléchargeable.",
            },
        ),
        ("faq", {"question": "Qui peut s’inscrire ?", "answer": "<p>Les locataires.</p>"}),
    ]


def test_note_with_every_block_type_renders(client, make_note, themes, document, video_file, image):
    from home.blocks import BodyStreamBlock

    body = full_body(document, video_file, image)
    assert {name for name, _ in body} == set(BodyStreamBlock.base_blocks)
    note = make_note(
        "Note d’actualités – juin 2021",
        reference="FAB18 – 018a",
        intro="Les nouveautés du mois.",
        theme=themes["evolutions"],
        body=body,
    )
    response = client.get(note.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1>Note d’actualités – juin 2021</h1>",
        "FAB18 – 018a",
        '<time datetime="2021-06-04">4 juin 2021</time>',
        "Évolutions de la plateforme",
        '<h2 class="h3 mt-4">Les nouveautés</h2>',
        "Auparavant",
        "À présent",
        "Tous les soirs sur tous les mois.",
        'Évolution déployée et active depuis le <time datetime="2021-03-23">23/03/2021</time>',
        "alert-warning",
        "Le bailleur reste le contact privilégié",
        "Information : Bon à savoir",
        "Étape 6 : </span>Attente dates de déménagement",
        "COORDINATION BAILLEURS",
        "<caption",
        "Formation des bailleurs",
        '<th scope="col">Bailleurs invités</th>',
        '<th scope="row">PARIS HABITAT</th>',
        'alt="Affiche des 1000 locataires"',
        "<figcaption",
        "Fonctionnement de chaque organisme",
        "(PDF – 2\xa0Ko)",
        'src="https://player.vimeo.com/video/76979871?dnt=1"',
        'title="Présentation en vidéo"',
        "Durée : 1 h 05",
        "<video",
        'type="video/mp4"',
        "Durée : 42 min",
        "<summary",
        "Qui peut s’inscrire ?",
    ]:
        assert text in html, text
    assert html.count("<h1") == 1


def test_previous_and_next_notes(client, news_index, make_note):
    march = make_note("Mars", date=dt.date(2021, 3, 26))
    april = make_note("Avril", date=dt.date(2021, 4, 26))
    june = make_note("Juin", date=dt.date(2021, 6, 4))
    make_note("Brouillon", date=dt.date(2021, 5, 1), publish=False)
    private = make_note("Réservée", date=dt.date(2021, 5, 15))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert april.previous_note() == march
    assert april.next_note() == june
    assert march.previous_note() is None
    assert june.next_note() is None

    html = client.get(april.url).content.decode()
    assert f'href="{march.url}" rel="prev"' in html
    assert f'href="{june.url}" rel="next"' in html
    assert "Brouillon" not in html and "Réservée" not in html
    assert "Note suivante" not in client.get(june.url).content.decode()


def test_same_day_notes_are_ordered_by_id(make_note):
    first = make_note("Premier", date=dt.date(2021, 6, 4))
    second = make_note("Second", date=dt.date(2021, 6, 4))
    assert first.next_note() == second
    assert second.previous_note() == first


def test_search_fields_cover_reference_and_body():
    from news.models import NewsPage

    names = {field.field_name for field in NewsPage.search_fields}
    assert {"title", "intro", "body", "reference"} <= names
