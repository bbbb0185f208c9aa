"""Demo content of the member area: the kit with its six sections, private
documents (small generated PDFs), one document with two versions, the shared
password, a member and a non-member account, and the landlords' directory.

Idempotent: everything is looked up by a natural key and created when missing.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.models import (
    BaseViewRestriction,
    Collection,
    CollectionViewRestriction,
    PageViewRestriction,
)

from bourse.models import Landlord
from bourse.validators import luhn_check_digit
from home.demo import DEMO_VIDEO_TRANSCRIPT, demo_video, get_or_create_child

from .models import KitDocument, KitIndexPage, KitSectionPage, LandlordDirectoryPage

KIT_PASSWORD = "Adherents-IDF-2026"  # noqa: S105 (demo only, given in the README)
KIT_COLLECTION = "Kit adhérents"
DEMO_ACCOUNTS = {
    # username: (password, first name, last name, member?)
    "membre": ("Demo-Membre-2026", "Dominique", "Membre", True),
    "locataire-demo": ("Demo-Locataire-2026", "Lou", "Locataire", False),
}


# --- Files ---------------------------------------------------------------------------

_LATIN1 = str.maketrans(
    {"’": "'", "‘": "'", "–": "-", "—": "-", "œ": "oe", "…": "...", "«": '"', "»": '"'}
)


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A small one-page PDF (fpdf2 core fonts: Latin-1 text)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title.translate(_LATIN1))
    pdf.set_author("GIE Echanger Habiter")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, title.translate(_LATIN1))
    pdf.ln(4)
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line.translate(_LATIN1))
        pdf.ln(2)
    pdf.ln(6)
    pdf.set_font("helvetica", "I", 9)
    pdf.multi_cell(0, 5, "Document de démonstration - réservé aux bailleurs adhérents.")
    return bytes(pdf.output())


def slug_filename(title: str, suffix: str = "") -> str:
    from django.utils.text import slugify

    return f"{slugify(title)[:60]}{suffix}.pdf"


# --- Collection and restriction -------------------------------------------------------


def get_kit_collection() -> Collection:
    """The private collection of the kit's files (a random collection password
    that nobody types: visitors type the kit's page password)."""
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.get_children().filter(name=KIT_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=KIT_COLLECTION)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        CollectionViewRestriction.objects.create(
            collection=collection,
            restriction_type=BaseViewRestriction.PASSWORD,
            password=secrets.token_urlsafe(32),
        )
    return collection


def protect(page, password: str = KIT_PASSWORD) -> PageViewRestriction:
    restriction = PageViewRestriction.objects.filter(
        page=page, restriction_type=BaseViewRestriction.PASSWORD
    ).first()
    if restriction is None:
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=BaseViewRestriction.PASSWORD, password=password
        )
    return restriction


def get_or_create_document(
    collection, title, description, *, version_label="", updated_on=None, lines=None
):
    document = KitDocument.objects.filter(collection=collection, title=title).first()
    if document is not None:
        return document
    document = KitDocument(
        title=title,
        collection=collection,
        description=description,
        version_label=version_label,
        updated_on=updated_on or timezone.localdate(),
    )
    content = make_pdf(title, [description, *(lines or [])])
    document.file.save(slug_filename(title), ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def load_procedure_book(collection) -> KitDocument:
    """The landlord procedure book: "mars 2021", replaced by "juin 2021"."""
    title = "Book de procédures bailleur"
    document = KitDocument.objects.filter(collection=collection, title=title).first()
    if document is not None:
        return document
    document = get_or_create_document(
        collection,
        title,
        "Le guide des procédures des bailleurs adhérents pour traiter les dossiers d’échange.",
        version_label="mars 2021",
        updated_on=dt.date(2021, 3, 15),
        lines=["Version de mars 2021."],
    )
    content = make_pdf(
        title + " (juin 2021)",
        [
            "Motif « Renonciation locataire » expliqué.",
            "Nouveau processus pour les sollicitations des locataires.",
            "Rappel sur le caractère participatif du dispositif.",
            "Information sur la réactivation automatique des comptes.",
            "Saisie de la période de déménagement par les bailleurs.",
        ],
    )
    document.replace_file(
        ContentFile(content, name=slug_filename(title, "-juin-2021")),
        version_label="juin 2021",
        updated_on=dt.date(2021, 6, 1),
    )
    return document


# --- Accounts and landlords -----------------------------------------------------------


def load_accounts() -> None:
    User = get_user_model()
    members, _ = Group.objects.get_or_create(name=getattr(settings, "KIT_MEMBER_GROUP", "Membres"))
    for username, (password, first_name, last_name, member) in DEMO_ACCOUNTS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                f"{username}@echangerhabiter.example",
                password,
                first_name=first_name,
                last_name=last_name,
            )
        if member:
            user.groups.add(members)


LANDLORDS = [
    # name, joined, website, handling text, second contact
    (
        "Paris Habitat",
        dt.date(2016, 3, 1),
        "https://www.parishabitat.fr",
        "Les dossiers sont instruits par l’agence de gestion du logement quitté ; la "
        "pré-instruction est faite sous 7 jours par le chargé de clientèle.",
        ("Service des mutations", "mutations@paris-habitat.example", "01 99 00 10 01"),
    ),
    (
        "Elogie-Siemp",
        dt.date(2016, 3, 1),
        "https://www.elogie-siemp.paris",
        "Un référent unique par dossier au service attributions ; les CAL se tiennent "
        "chaque semaine.",
        ("Pôle attributions", "attributions@elogie-siemp.example", "01 99 00 10 02"),
    ),
    (
        "Batigère",
        dt.date(2017, 1, 9),
        "https://www.batigere.fr",
        "Les demandes d’échange sont centralisées au siège puis confiées à l’agence.",
        ("Cellule échanges", "echanges@batigere.example", "01 99 00 10 03"),
    ),
    (
        "Seqens",
        dt.date(2017, 6, 1),
        "https://www.seqens.fr",
        "Chaque direction territoriale traite ses dossiers ; contact 2 après la CAL : "
        "l’assistante de gestion locative.",
        ("Direction territoriale", "mobilite@seqens.example", "01 99 00 10 04"),
    ),
    (
        "RATP Habitat",
        dt.date(2018, 2, 1),
        "https://www.ratphabitat.fr",
        "Instruction au service clientèle, CAL mensuelle ; prévoir un délai pour la visite.",
        ("Service clientèle", "clientele@ratp-habitat.example", "01 99 00 10 05"),
    ),
    (
        "1001 Vies Habitat",
        dt.date(2016, 9, 1),
        "https://www.1001vieshabitat.fr",
        "Le traitement est momentanément ralenti (panne informatique) : privilégiez le 2e contact.",
        ("Cellule mutations", "mutations@1001vies.example", "01 99 00 10 06"),
    ),
    (
        "Val d’Oise Habitat",
        dt.date(2021, 1, 4),
        "https://www.valdoisehabitat.fr",
        "Nouvel adhérent depuis janvier 2021 : un chargé d’échanges par secteur.",
        ("Chargée d’échanges", "echanges@valdoisehabitat.example", "01 99 00 10 07"),
    ),
    (
        "Immobilière 3F",
        dt.date(2016, 3, 1),
        "https://www.groupe3f.fr",
        "Pré-instruction par l’agence, instruction par le pôle attributions régional.",
        ("Pôle attributions", "attributions@3f.example", "01 99 00 10 08"),
    ),
    (
        "RIVP",
        dt.date(2016, 3, 1),
        "https://www.rivp.fr",
        "Les dossiers sont suivis par la direction de la gestion locative ; CAL bimensuelle.",
        ("Gestion locative", "echanges@rivp.example", "01 99 00 10 09"),
    ),
    (
        "Valophis Habitat",
        dt.date(2017, 3, 1),
        "https://www.valophis.fr",
        "Un interlocuteur unique par dossier, joignable par courriel.",
        ("Service mobilité", "mobilite@valophis.example", "01 99 00 10 10"),
    ),
]


def load_landlords() -> None:
    for index, (name, joined, website, handling, contact) in enumerate(LANDLORDS, start=1):
        if Landlord.objects.filter(name=name).exists():
            continue
        prefix = f"9990{index:05d}0001"  # fictitious SIREN 9990xxxxx, Luhn key appended
        contact_name, email, phone = contact
        landlord = Landlord(
            name=name,
            siret=prefix + luhn_check_digit(prefix),
            joined_on=joined,
            website=website,
            active=True,
            handling_text=f"<p>{handling}</p>",
            second_contact_name=contact_name,
            second_contact_email=email,
            second_contact_phone=phone,
        )
        landlord.full_clean()
        landlord.save()


# --- Pages --------------------------------------------------------------------------------


def doc_item(document, description=""):
    return ("document", {"document": document, "description": description})


def video_item(title, description, video):
    """A video of the kit: the demo's short self-hosted video (``home.demo.demo_video``),
    a document of the kit's private collection."""
    return (
        "video",
        {
            "title": title,
            "description": description,
            "duration": "0:08",
            "url": "",
            "video": video,
            "transcript": DEMO_VIDEO_TRANSCRIPT,
        },
    )


def link_item(title, description, url="", page=None):
    return ("link", {"title": title, "description": description, "url": url, "page": page})


def load(home):
    """Build the member area under ``home`` (idempotent)."""
    load_accounts()
    load_landlords()
    collection = get_kit_collection()
    today = timezone.localdate()

    def doc(title, description, **kwargs):
        return get_or_create_document(collection, title, description, **kwargs)

    video = demo_video(
        collection,
        description="Le parcours d’un échange en trois étapes, sans son.",
        updated_on=dt.date(2021, 6, 1),
    )

    kit = get_or_create_child(
        home,
        KitIndexPage,
        "espace-adherents",
        title="Espace adhérents",
        intro=(
            "<p>Cet espace est réservé aux bailleurs adhérents de la bourse Echanger "
            "Habiter. Pour obtenir vos accès, contactez l’Aorif ou le GIE.</p>"
        ),
    )
    protect(kit)

    sections = [
        (
            "presentation-generale",
            "Présentation générale d’Echanger Habiter",
            "Support de présentation, vidéo du fonctionnement général et rapport d’activité.",
            lambda: [
                doc_item(
                    doc(
                        "Support de présentation d’Echanger Habiter",
                        "La bourse d’échange en quelques diapositives.",
                        version_label="2021",
                        updated_on=dt.date(2021, 2, 1),
                    )
                ),
                video_item(
                    "Vidéo de présentation du fonctionnement général",
                    "Le parcours d’un échange, de l’annonce au déménagement.",
                    video,
                ),
                doc_item(
                    doc(
                        "Rapport d’activité 2019",
                        "Les chiffres et faits marquants de 2019.",
                        version_label="2019",
                        updated_on=dt.date(2020, 5, 15),
                    )
                ),
            ],
        ),
        (
            "processus-adhesion",
            "Processus d’adhésion",
            "Courrier d’appel à manifestation d’intérêt, formulaire d’adhésion.",
            lambda: [
                doc_item(
                    doc(
                        "Courrier d’appel à manifestation d’intérêt",
                        "Le courrier adressé aux bailleurs qui souhaitent adhérer.",
                        updated_on=dt.date(2020, 9, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Formulaire d’adhésion",
                        "À retourner signé au GIE.",
                        version_label="2024",
                        updated_on=dt.date(2024, 1, 10),
                    )
                ),
                link_item(
                    "Questionnaire d’adhésion en ligne",
                    "Le questionnaire à remplir avant la convention.",
                    url="https://questionnaire.echangerhabiter.example/adhesion",
                ),
            ],
        ),
        (
            "fichier-patrimoine",
            "Fichier patrimoine",
            "Créer et importer le fichier patrimoine sur la plateforme.",
            lambda: [
                doc_item(
                    doc(
                        "Guide du fichier patrimoine",
                        "Colonnes attendues, formats (CSV, XLSX) et contrôles à l’import.",
                        version_label="novembre 2026",
                        updated_on=today - dt.timedelta(days=5),
                    )
                ),
                doc_item(
                    doc(
                        "Modèle de fichier patrimoine",
                        "Un exemple de fichier à compléter chaque mois.",
                        updated_on=dt.date(2022, 9, 1),
                    )
                ),
            ],
        ),
        (
            "fonctionnement-global",
            "Fonctionnement global du dispositif",
            "Schéma de fonctionnement, logigramme et support de formation.",
            lambda: [
                doc_item(
                    doc(
                        "Schéma de fonctionnement global du dispositif",
                        "Qui fait quoi : GIE, Aatiko, bailleurs, locataires, partenaires.",
                        version_label="septembre 2022",
                        updated_on=dt.date(2022, 9, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Logigramme de la solution",
                        "Le fonctionnement de la solution en une page.",
                        updated_on=dt.date(2021, 6, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Support de formation Aatiko",
                        "Le support des sessions de formation des agents.",
                        updated_on=dt.date(2021, 4, 1),
                    )
                ),
            ],
        ),
        (
            "fonctionnement-pratique",
            "Fonctionnement pratique de la plateforme",
            "Charte, courriers types, book de procédures, statistiques, logigramme, tutoriels.",
            lambda: [
                ("subheading", "Règles et procédures"),
                doc_item(
                    doc(
                        "Charte de bonnes pratiques",
                        "Les engagements des bailleurs adhérents.",
                        version_label="édition 2026",
                        updated_on=today - dt.timedelta(days=12),
                    )
                ),
                doc_item(load_procedure_book(collection)),
                doc_item(
                    doc(
                        "Logigramme des dossiers d’échange",
                        "Les étapes d’un dossier, des NUR à la réalisation de l’échange.",
                        version_label="juin 2021",
                        updated_on=dt.date(2021, 6, 1),
                    )
                ),
                ("subheading", "Collectivités non positionnées"),
                doc_item(
                    doc(
                        "Courrier type n° 1 : présentation du dispositif",
                        "Premier courrier à une collectivité non positionnée.",
                        updated_on=dt.date(2020, 10, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Courrier type n° 2 : relance",
                        "Relance d’une collectivité sans réponse.",
                        updated_on=dt.date(2020, 10, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Courrier type n° 3 : demande de positionnement",
                        "Demande formelle d’adhésion ou d’opposition.",
                        updated_on=dt.date(2020, 10, 1),
                    )
                ),
                ("subheading", "Statistiques et tutoriels"),
                doc_item(
                    doc(
                        "Présentation des statistiques de la plateforme",
                        "Lire l’« Évolution des échanges » et les statistiques mensuelles.",
                        version_label="mars 2021",
                        updated_on=dt.date(2021, 3, 23),
                    )
                ),
                video_item(
                    "Tutoriel : saisir la période de déménagement",
                    "La nouvelle étape déployée le 1er juin 2021.",
                    video,
                ),
                video_item(
                    "Webinaire : les dossiers d’échange",
                    "Formation des agents bailleurs.",
                    video,
                ),
            ],
        ),
        (
            "kit-communication",
            "Kit communication",
            "Affiches, cartes et plaquette pour informer les locataires.",
            lambda: [
                doc_item(
                    doc(
                        "Affiche Echanger Habiter (A3)",
                        "À afficher dans les halls.",
                        updated_on=dt.date(2021, 5, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Cartes de communication",
                        "À remettre aux locataires en agence.",
                        updated_on=dt.date(2021, 5, 1),
                    )
                ),
                doc_item(
                    doc(
                        "Plaquette de présentation",
                        "La bourse d’échange expliquée aux locataires.",
                        version_label="2026",
                        updated_on=today - dt.timedelta(days=30),
                    )
                ),
            ],
        ),
    ]
    pages = {}
    for slug, title, intro, items in sections:
        existing = kit.get_children().filter(slug=slug).first()
        if existing is not None:
            pages[slug] = existing.specific
            continue
        pages[slug] = get_or_create_child(
            kit, KitSectionPage, slug, title=title, intro=intro, items=items()
        )

    practical = pages["fonctionnement-pratique"]
    get_or_create_child(
        practical,
        LandlordDirectoryPage,
        "fonctionnement-des-organismes",
        title="Fonctionnement de chaque organisme",
        intro=(
            "<p>Pour faciliter les échanges inter-bailleurs : le fonctionnement de chaque "
            "organisme pour le traitement des dossiers d’échange et un 2e contact en cas de "
            "difficulté pour joindre la personne en charge du dossier.</p>"
        ),
    )
    return kit


def practical_section(kit):
    """The demo's "Fonctionnement pratique" section (where a members-only note goes)."""
    return kit.get_children().get(slug="fonctionnement-pratique").specific
