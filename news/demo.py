"""Demo news notes, themes and webinars (filled from the June 2021 seed).

Idempotent: pages are looked up by slug, themes by slug, documents and
images by title; nothing is created twice.
"""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from fpdf import FPDF
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from home.demo import demo_video, get_or_create_child, heading, paragraph
from home.editors import WORKFLOW_NAME
from kit_adherents.models import KitSectionPage

from .models import NewsIndexPage, NewsPage, NewsTheme, WebinarIndexPage, WebinarPage

COLLECTION_NAME = "Actualités"
ORGANISMS_DOC_TITLE = "Fonctionnement de chaque organisme pour le traitement des dossiers d’échange"
MILESTONE_IMAGE_TITLE = "1000 locataires ayant échangé"

THEMES = [
    ("evolutions-plateforme", "Évolutions de la plateforme"),
    ("vie-du-reseau", "Vie du réseau"),
    ("formations", "Formations et webinaires"),
]

# Seed: « Actions de communication – Formation des bailleurs ».
TRAININGS = [
    ("PARIS HABITAT – ELOGIE-SIEMP – BATIGERE", dt.date(2021, 2, 23), 14, 62),
    ("SEQENS – RATP HABITAT – ERIGERE – EMMAÜS HABITAT", dt.date(2021, 2, 18), 20, 58),
    (
        "IMMOBILIERE 3F – 3F SEINE-ET-MARNE – 1001 VIES HABITAT – CDC HABITAT SOCIAL",
        dt.date(2021, 2, 16),
        119,
        75,
    ),
    ("RIVP – ICF LA SABLIERE – SEINE-SAINT-DENIS HABITAT", dt.date(2021, 2, 11), 15, 55),
    ("HABITAT SOCIAL FRANCAIS – OPH AUBERVILLIERS – OPH BAGNOLET", dt.date(2021, 2, 9), 1, 45),
    ("VALOPHIS HABITAT – ANTIN RESIDENCES – PLAINE COMMUNE HABITAT", dt.date(2021, 3, 23), 2, 50),
    (
        "MC – VAL DU LOING HABITAT – LOGIREP – OPH COURBEVOIE HABITAT",
        dt.date(2021, 2, 2),
        10,
        65,
    ),
]


def load(home) -> None:
    themes = load_themes()
    collection = get_collection()
    index = get_or_create_child(
        home,
        NewsIndexPage,
        "actualites",
        title="Actualités",
        intro="Les notes d’actualités du GIE Echanger Habiter : évolutions de la plateforme, "
        "vie du réseau des bailleurs adhérents, formations.",
    )
    document = get_organisms_document(collection)
    image = get_milestone_image(collection)
    video = demo_video(collection)
    for slug, fields in notes(themes, document, image, video):
        get_or_create_child(index, NewsPage, slug, **fields)
    load_webinars(home, video)


def load_themes() -> dict[str, NewsTheme]:
    themes = {}
    for slug, name in THEMES:
        themes[slug], _created = NewsTheme.objects.get_or_create(slug=slug, defaults={"name": name})
    return themes


def get_collection() -> Collection:
    root = Collection.get_first_root_node()
    if root is None:  # made by Wagtail's migrations; missing after a flush
        root = Collection.add_root(name="Root")
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def _pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (core fonts: Latin-1 text only)."""
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author("GIE Echanger Habiter")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())


def get_organisms_document(collection):
    Document = get_document_model()
    existing = Document.objects.filter(title=ORGANISMS_DOC_TITLE).first()
    if existing is not None:
        return existing
    content = _pdf_bytes(
        "Fonctionnement de chaque organisme - dossiers d'echange inter-bailleurs",
        [
            "Document destine a l'ensemble des bailleurs adherents du dispositif "
            "Echanger Habiter (version de juin 2021).",
            "Il recense, pour chaque bailleur :",
            "- le fonctionnement de l'organisme pour le traitement des dossiers d'echange ;",
            "- un second contact en cas de difficulte pour joindre la personne en charge "
            "du dossier.",
            "En cas de difficulte pour contacter la personne en charge du traitement du "
            "dossier, appuyez-vous sur ce document pour connaitre le fonctionnement du "
            "bailleur concerne.",
        ],
    )
    document = Document(title=ORGANISMS_DOC_TITLE, collection=collection)
    document.file.save("fonctionnement-organismes-2021-06.pdf", ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def get_milestone_image(collection):
    """A simple generated illustration « 1000 locataires ayant échangé »."""
    Image = get_image_model()
    existing = Image.objects.filter(title=MILESTONE_IMAGE_TITLE).first()
    if existing is not None:
        return existing
    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (800, 400), (11, 79, 138))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((24, 24, 776, 376), outline=(255, 255, 255), width=4)
    draw.text((60, 120), "1000", fill=(255, 255, 255), font_size=140)
    draw.text(
        (60, 290), "locataires ayant echange - 24/04/2021", fill=(255, 255, 255), font_size=34
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = Image(
        title=MILESTONE_IMAGE_TITLE,
        collection=collection,
        file=ImageFile(io.BytesIO(buffer.getvalue()), name="1000-locataires.png"),
    )
    image.save()
    return image


def _training_table():
    rows = [["Bailleurs invités", "Date", "Participants"]]
    for landlords, date, participants, _minutes in TRAININGS:
        rows.append([landlords, date.strftime("%d/%m/%Y"), str(participants)])
    return {
        "caption": "Actions de communication – Formation des bailleurs",
        "table": {"data": rows, "first_row_is_table_header": True, "first_col_is_header": False},
        "first_col_is_header": False,
    }


def june_2021_body(document):
    return [
        heading("Les nouveautés"),
        paragraph(
            "<p><b>Nouveau document pour faciliter les échanges inter-bailleurs.</b> "
            "Création et mise à disposition d’un document destiné à l’ensemble des bailleurs "
            "adhérents du dispositif Echanger Habiter et ayant vocation à faciliter le "
            "traitement des dossiers d’échange inter-bailleurs.</p>"
            "<p>En cas de difficulté pour contacter la personne en charge du traitement du "
            "dossier, vous pouvez vous baser sur ce document afin de disposer de davantage "
            "d’informations sur le fonctionnement du bailleur concerné. Il recense par "
            "bailleur :</p><ul><li>le fonctionnement de chaque organisme pour le traitement "
            "des dossiers d’échange ;</li><li>un 2<sup>e</sup> contact en cas de difficulté "
            "pour joindre la personne en charge du dossier.</li></ul>"
        ),
        ("document", {"document": document, "label": ""}),
        paragraph("<p><b>Statistiques mensuelles : tableau « Evolution des échanges »</b></p>"),
        (
            "change",
            {
                "before": "<p>La mise à jour du tableau « Evolution des échanges » dans les "
                "statistiques mensuelles se faisait tous les soirs sur le mois en cours. "
                "Lorsque la date de réalisation de l’échange d’un dossier était renseignée "
                "sur le mois suivant, l’échange n’était pas comptabilisé : les données de "
                "ce tableau n’étaient donc pas fiables.</p>",
                "now": "<p>La mise à jour de ce tableau se fait désormais tous les soirs sur "
                "tous les mois, afin de pallier le renseignement tardif de l’échange réalisé "
                "sur la plateforme et ainsi présenter des statistiques fiables.</p>",
            },
        ),
        (
            "deployed",
            {"date": dt.date(2021, 3, 23), "text": "mise à jour quotidienne sur tous les mois"},
        ),
        paragraph(
            "<p><b>Période de déménagement.</b> Ajout d’une étape pour les agents et "
            "administrateurs bailleur : la période de déménagement doit désormais être saisie "
            "par l’un des deux bailleurs <b>en concertation avec l’autre bailleur et les "
            "locataires</b>. Les bailleurs se concertent ensuite pour fixer une date de "
            "déménagement correspondant à cette période ; une fois l’échange réalisé, la date "
            "de réalisation est saisie sur la plateforme.</p>"
        ),
        (
            "deployed",
            {
                "date": dt.date(2021, 6, 1),
                "text": "saisie de la période de déménagement par les bailleurs",
            },
        ),
        heading("La mise à jour des contenus de la plateforme"),
        paragraph(
            "<ul><li>Mise à jour de l’accord d’échange téléchargeable depuis l’interface des "
            "dossiers d’échange : ajout de la mention du désistement des locataires.</li>"
            "<li>Mise à jour des messages COVID-19 : suppression de la notion de "
            "« ralentissement » sur la page d’accueil et sur le bandeau déroulant.</li>"
            "<li>Ajout d’un message sur le bandeau déroulant pour informer de la panne "
            "informatique de 1001 Vies Habitat.</li>"
            "<li>Documentation : ajout de la durée de chacune des vidéos sur la page dédiée "
            "aux webinaires.</li>"
            "<li>Mise à jour des mails automatiques suite au déploiement de l’évolution "
            "« période de déménagement souhaitée ».</li></ul>"
        ),
        heading("Les actions de sensibilisation et de communication"),
        paragraph(
            "<p><b>Sollicitations locataire – nouveau mode opératoire.</b> Le formulaire de "
            "contact est accessible en page d’accueil et sur l’interface locataire. Les "
            "réponses sont apportées directement au locataire si la sollicitation est d’ordre "
            "technique, et transmises à son bailleur si elle concerne son dossier.</p>"
        ),
        (
            "callout",
            {
                "level": "attention",
                "title": "",
                "text": "<p>Le bailleur reste le contact privilégié de son locataire. Nos "
                "coordonnées ne doivent pas être communiquées aux locataires.</p>",
            },
        ),
        paragraph(
            "<p><b>Activation compte locataire – statut « enregistré ».</b> Ne pas activer "
            "un compte locataire en statut « Enregistré » : l’annonce s’activera "
            "automatiquement une fois les 3 étapes renseignées (profil, fiche logement et "
            "critères de recherche).</p>"
        ),
        (
            "callout",
            {
                "level": "info",
                "title": "Réactivation des comptes",
                "text": "<p>Ne pas réactiver un compte locataire inéligible dans le fichier "
                "patrimoine pour éviter les incompréhensions entre bailleurs et "
                "locataires.</p>",
            },
        ),
        ("table", _training_table()),
        heading("Le logigramme des dossiers d’échange"),
        (
            "process_steps",
            {
                "title": "Les grandes étapes des dossiers d’échange",
                "steps": [
                    {
                        "number": 6,
                        "title": "Attente dates de déménagement",
                        "actor": "COORDINATION BAILLEURS – CONCERTATION LOCATAIRES",
                        "description": "<p>Saisie d’une période de déménagement par "
                        "<b>l’un des deux bailleurs</b>.</p>",
                    },
                    {
                        "number": 7,
                        "title": "Déménagement programmé",
                        "actor": "COORDINATION BAILLEURS – CONCERTATION LOCATAIRES",
                        "description": "<p>Saisie d’une date de déménagement par <b>l’un des "
                        "deux bailleurs</b>. Date modifiable après validation.</p>",
                    },
                    {
                        "number": 8,
                        "title": "Échange réalisé",
                        "actor": "BAILLEURS 1 OU 2",
                        "description": "<p>Saisie de la date de réalisation de l’échange par "
                        "<b>l’un des deux bailleurs</b>. Date modifiable après validation.</p>",
                    },
                ],
            },
        ),
        (
            "callout",
            {
                "level": "info",
                "title": "",
                "text": "<p>En cas d’erreur de saisie, il est possible de <b>réactiver un "
                "dossier</b> ou de le <b>réinitialiser</b> à l’étape précédente (bouton "
                "« Annuler l’action »).</p>",
            },
        ),
        heading("Les ressources utiles"),
        paragraph(
            "<p>Le kit adhérents de l’espace adhérents rassemble les documents utiles :</p>"
            "<ul><li><b>Présentation générale d’Echanger Habiter</b> : support de "
            "présentation, vidéo et rapport d’activité 2019 ;</li>"
            "<li><b>Processus d’adhésion</b> : courrier d’appel à manifestation d’intérêt et "
            "formulaire d’adhésion ;</li>"
            "<li><b>Fonctionnement pratique de la plateforme</b> : charte de bonnes "
            "pratiques, guide de procédure bailleur, logigramme des dossiers d’échange, "
            "tutoriels vidéo et notes d’actualités ;</li>"
            "<li><b>Kit communication</b> : affiches, cartes et plaquette de "
            "présentation.</li></ul>"
        ),
    ]


def notes(themes, document, image, video):
    return [
        (
            "note-actualites-juin-2021",
            {
                "title": "Note d’actualités – juin 2021",
                "date": dt.date(2021, 6, 4),
                "reference": "FAB18 – 018a",
                "theme": themes["evolutions-plateforme"],
                "intro": "Nouveautés de la plateforme, mise à jour des contenus, actions de "
                "sensibilisation, logigramme des dossiers d’échange et ressources utiles.",
                "body": june_2021_body(document),
            },
        ),
        (
            "val-d-oise-habitat-rejoint-la-bourse",
            {
                "title": "Val d’Oise Habitat rejoint la bourse d’échange",
                "date": dt.date(2021, 5, 28),
                "reference": "FAB18 – 017c",
                "theme": themes["vie-du-reseau"],
                "intro": "Nouvel adhérent intégré sur la plateforme depuis janvier 2021 : "
                "Val d’Oise Habitat.",
                "body": [
                    paragraph(
                        "<p>Val d’Oise Habitat a été intégré sur la plateforme le 28/05/2021. "
                        "Ses locataires éligibles peuvent désormais publier leur annonce et "
                        "proposer un échange aux locataires des autres bailleurs adhérents.</p>"
                    ),
                    (
                        "deployed",
                        {"date": dt.date(2021, 5, 28), "text": "intégration du fichier patrimoine"},
                    ),
                ],
            },
        ),
        (
            "correctifs-printemps-2021",
            {
                "title": "Correctifs déployés au printemps 2021",
                "date": dt.date(2021, 5, 12),
                "reference": "FAB18 – 017b",
                "theme": themes["evolutions-plateforme"],
                "intro": "Les anomalies signalées par les bailleurs et corrigées avec "
                "l’éditeur de la plateforme.",
                "body": [
                    heading("Anomalie sur les dossiers d’échange"),
                    paragraph(
                        "<p>Des dossiers clôturés apparaissaient toujours comme « en cours » : "
                        "le bouton « Annuler l’action » ne s’affiche désormais plus lorsqu’un "
                        "dossier est clos suite à la décision de la CAL.</p>"
                    ),
                    ("deployed", {"date": dt.date(2021, 5, 11), "text": ""}),
                    heading("Anomalie sur une interface locataire"),
                    paragraph(
                        "<p>Un locataire recevait le mail « Votre compte a été réactivé » sans "
                        "avoir réactivé son annonce.</p>"
                    ),
                    ("deployed", {"date": dt.date(2021, 5, 5), "text": ""}),
                    (
                        "callout",
                        {
                            "level": "info",
                            "title": "",
                            "text": "<p>Si vous rencontrez d’autres problématiques, "
                            "n’hésitez pas à nous les communiquer afin que nous mettions en "
                            "place le suivi d’un correctif avec l’éditeur.</p>",
                        },
                    ),
                ],
            },
        ),
        (
            "1000-locataires-ayant-echange",
            {
                "title": "1000 locataires ayant échangé",
                "date": dt.date(2021, 4, 26),
                "reference": "FAB18 – 017a",
                "theme": themes["vie-du-reseau"],
                "intro": "Le 24/04/2021, la bourse a franchi le cap des 1000 locataires ayant "
                "échangé leur logement.",
                "listing_image": image,
                "body": [
                    paragraph(
                        "<p>Le 24/04/2021, nous avons atteint sur la plateforme les "
                        "<b>1000 locataires ayant échangé</b> via ce dispositif. Merci à "
                        "l’ensemble des bailleurs adhérents pour leur mobilisation.</p>"
                    ),
                    (
                        "image",
                        {
                            "image": image,
                            "alt_text": "1000 locataires ayant échangé le 24/04/2021",
                            "caption": "Un cap franchi grâce à l’engagement des bailleurs.",
                        },
                    ),
                ],
            },
        ),
        (
            "note-actualites-mars-2021",
            {
                "title": "Note d’actualités – mars 2021",
                "date": dt.date(2021, 3, 26),
                "reference": "FAB18 – 016a",
                "theme": themes["formations"],
                "intro": "Bilan des formations des bailleurs de février 2021 et nouvelle "
                "mise à jour des statistiques mensuelles.",
                "body": [
                    heading("Formation des bailleurs"),
                    paragraph(
                        "<p>Sept sessions de formation ont réuni les agents des bailleurs "
                        "adhérents en février et mars 2021. Les enregistrements sont "
                        "disponibles sur la page des webinaires.</p>"
                    ),
                    (
                        "video",
                        {
                            "title": "Formation des bailleurs – session du 16/02/2021",
                            "document": video,
                            "url": "",
                            "duration": TRAININGS[2][3],
                            "description": "",
                        },
                    ),
                    heading("Statistiques mensuelles"),
                    ("deployed", {"date": dt.date(2021, 3, 23), "text": ""}),
                ],
            },
        ),
    ]


def load_webinars(home, video) -> None:
    index = get_or_create_child(
        home,
        WebinarIndexPage,
        "webinaires",
        title="Webinaires et formations",
        intro="Les enregistrements des formations des bailleurs adhérents, avec leur durée.",
    )
    for number, (landlords, date, participants, minutes) in enumerate(TRAININGS, start=1):
        get_or_create_child(
            index,
            WebinarPage,
            f"formation-bailleurs-{number}",
            title=f"Formation des bailleurs n°{number} – {date.strftime('%d/%m/%Y')}",
            date=date,
            landlords="\n".join(part.strip() for part in landlords.split(" – ")),
            participants=participants,
            video_document=video,  # the demo's short self-hosted video (home.demo)
            duration=minutes,
            summary="Présentation de la plateforme Echanger Habiter aux agents des bailleurs "
            "invités : dossiers d’échange, fichier patrimoine et statistiques.",
        )


REVIEW_NOTE_SLUG = "note-actualites-juillet-2021"


def load_note_in_review() -> NewsPage | None:
    """A draft note the editor submitted to the GIE's review workflow (the other
    notes were published directly): the validator sees it on the admin's
    dashboard and approves it, which publishes it. Needs the demo accounts."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Workflow

    index = NewsIndexPage.objects.first()
    editor = get_user_model().objects.filter(username="editeur").first()
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    if index is None or editor is None or workflow is None:
        return None
    existing = index.get_children().filter(slug=REVIEW_NOTE_SLUG).first()
    if existing is not None:
        return existing.specific
    note = NewsPage(
        title="Note d’actualités – juillet 2021",
        slug=REVIEW_NOTE_SLUG,
        date=dt.date(2021, 7, 6),
        reference="FAB18 – 019a",
        theme=NewsTheme.objects.filter(slug="evolutions-plateforme").first(),
        intro="Les évolutions de l’été : relances automatiques et nouveaux motifs de clôture.",
        body=[
            heading("Relances automatiques"),
            paragraph(
                "<p>Les bailleurs reçoivent une relance quand un dossier d’échange reste "
                "sans réponse plus de quinze jours.</p>"
            ),
            (
                "callout",
                {
                    "level": "info",
                    "title": "À noter",
                    "text": "<p>La relance part aussi vers le second contact du bailleur.</p>",
                },
            ),
        ],
        live=False,
        owner=editor,
    )
    index.add_child(instance=note)
    note.save_revision(user=editor)
    workflow.start(note, editor)
    return note


def load_member_news(section):
    """A members-only news note in a section of the member area (the demo's practical
    section, after ``kit_adherents.demo.load``), when news notes may live in the kit."""
    if KitSectionPage not in NewsPage.allowed_parent_page_models():
        return None
    return get_or_create_child(
        section,
        NewsPage,
        "note-adherents-juin-2021",
        title="Note d’actualités aux adhérents – juin 2021",
        date=dt.date(2021, 6, 15),
        reference="FAB18 – 018b",
        intro=(
            "Nouveau document sur le fonctionnement de chaque organisme, book de procédures "
            "mis à jour (juin 2021) et logigramme des dossiers d’échange."
        ),
        body=MEMBER_NOTE_BODY,
    )


# Réservée aux adhérents: what the kit gained in June 2021 (seed « Note d'actualités »).
MEMBER_NOTE_BODY = [
    heading("Nouveau document pour faciliter les échanges inter-bailleurs"),
    paragraph(
        "<p>Un document destiné à l’ensemble des bailleurs adhérents du dispositif "
        "Echanger Habiter facilite le traitement des dossiers d’échange inter-bailleurs. "
        "Il recense, pour chaque bailleur :</p>"
        "<ul><li>le fonctionnement de l’organisme pour le traitement des dossiers "
        "d’échange ;</li><li>un second contact en cas de difficulté pour joindre la "
        "personne en charge du dossier.</li></ul>"
        "<p>En cas de difficulté pour contacter la personne en charge du traitement d’un "
        "dossier, appuyez-vous sur ce document pour connaître le fonctionnement du bailleur "
        "concerné. Il se trouve dans la rubrique « Fonctionnement pratique de la "
        "plateforme » de cet espace.</p>"
    ),
    heading("Book de procédures bailleur mis à jour (juin 2021)"),
    paragraph(
        "<ul><li>le motif « Renonciation locataire » expliqué ;</li>"
        "<li>le nouveau processus pour les sollicitations des locataires ;</li>"
        "<li>un rappel sur le caractère participatif du dispositif ;</li>"
        "<li>la réactivation automatique des annonces ;</li>"
        "<li>la saisie de la période de déménagement par les bailleurs, en concertation "
        "avec l’autre bailleur et les locataires (étape active depuis le 1er juin "
        "2021).</li></ul>"
    ),
    heading("Logigramme des dossiers d’échange"),
    paragraph(
        "<p>Le logigramme mis à jour en juin 2021 reprend chaque étape d’un dossier, de la "
        "transmission des NUR à la réalisation de l’échange, avec la nouvelle étape de la "
        "période de déménagement. L’accord d’échange téléchargeable depuis les dossiers "
        "mentionne désormais le désistement : en cas de renonciation d’un locataire, les "
        "bailleurs ne peuvent être tenus pour responsables et aucun ménage ne peut "
        "prétendre à un dédommagement.</p>"
    ),
]
