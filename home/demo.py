"""Demo content of the home app: site root, home page, standard pages,
banner messages and the editor and validator accounts."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from portal.siteurl import site_hostname_port, sync_default_site

from . import accessibility_statement as statement
from . import figures
from .editors import EDITORS, VALIDATORS, sync_editor_groups
from .models import BannerMessage, HomePage, KeyFigure, StandardPage

DEMO_PASSWORDS = {
    "admin": "Demo-Admin-2026",
    "editeur": "Demo-Editeur-2026",
    "validateur": "Demo-Validateur-2026",
}


# The three figures are computed from the bourse (bourse.stats.figures, through home.figures); the
# typed values are only a fallback.
DEMO_KEY_FIGURES = [
    ("1 080", "locataires ayant échangé", figures.TENANTS_EXCHANGED),
    ("3 200", "annonces actives", figures.ACTIVE_LISTINGS),
    ("42", "bailleurs adhérents", figures.MEMBER_LANDLORDS),
]


def get_or_create_child(parent, model, slug, **fields):
    """Return the child page ``slug`` of ``parent``, creating it when missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def paragraph(html: str) -> tuple:
    return ("paragraph", html)


def heading(text: str) -> tuple:
    return ("heading", {"text": text})


# The demo's one video: 8 seconds, 640 × 360, no sound, 20 KB, made with ffmpeg
# (a title card and the three steps of an exchange) and kept in the repository, so that
# every video of the demo plays from the site itself.
DEMO_VIDEO = settings.BASE_DIR / "static" / "demo" / "presentation-echanger-habiter.mp4"
DEMO_VIDEO_TITLE = "Présentation d’Echanger Habiter (vidéo de démonstration, 8 s)"
DEMO_VIDEO_TRANSCRIPT = (
    "Sans son. Echanger Habiter : échanger son logement social en Île-de-France. "
    "1. Je publie mon annonce. 2. Je contacte un autre locataire. "
    "3. Nos bailleurs instruisent le dossier."
)


def demo_video(collection, **fields):
    """The demo video as a document of ``collection`` (created once per collection)."""
    Document = get_document_model()
    found = Document.objects.filter(collection=collection, title=DEMO_VIDEO_TITLE).first()
    if found is not None:
        return found
    document = Document(title=DEMO_VIDEO_TITLE, collection=collection, **fields)
    document.file.save(DEMO_VIDEO.name, ContentFile(DEMO_VIDEO.read_bytes()), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def ensure_root() -> Page:
    """The tree roots (normally made by Wagtail's migrations; recreated after a
    flush of the test database): locale, root page, root collection."""
    Locale.objects.get_or_create(language_code="fr")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    return root


def load_site() -> HomePage:
    root = ensure_root()
    home = HomePage.objects.first()
    if home is None:
        # Replace Wagtail's default welcome page with ours.
        Site.objects.filter(is_default_site=True).delete()
        for page in root.get_children().filter(slug="home"):
            page.delete()
        home = HomePage(
            title="Accueil",
            slug="accueil",
            headline="Échangez votre logement social en Île-de-France",
            intro=(
                "<p>Echanger Habiter est la bourse d’échange de logements des bailleurs "
                "sociaux d’Île-de-France : les locataires publient leur annonce, "
                "trouvent un logement qui leur convient et échangent avec l’accord de "
                "leurs bailleurs.</p>"
            ),
            milestone_text="1 000 locataires ayant échangé le 24/04/2021",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = site_hostname_port()
        Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name="Echanger Habiter",
        )
    sync_default_site()  # an existing site follows SITE_URL too
    if not home.key_figures.exists():
        for order, (value, label, source) in enumerate(DEMO_KEY_FIGURES):
            KeyFigure.objects.create(
                page=home, sort_order=order, value=value, label=label, source=source
            )
    for _value, label, source in DEMO_KEY_FIGURES:  # figures made before they were computed
        home.key_figures.filter(label=label, source="").update(source=source)
    load_standard_pages(home)
    load_banner()
    return home


PRIVACY_SLUG = "donnees-personnelles"
PRIVACY_BODY = [
    heading("Finalité"),
    paragraph(
        "<p>Vos données servent uniquement à la mise en relation des locataires "
        "et au suivi des échanges par les bailleurs.</p>"
    ),
    heading("Combien de temps vos données sont conservées"),
    paragraph(
        "<p>Le portail applique chaque nuit les durées ci-dessous ; ce tableau est "
        "celui qu’il applique réellement.</p>"
    ),
    ("retention_table", None),
    heading("Qui consulte vos données"),
    paragraph(
        "<p>Seul le personnel de votre bailleur (et, pour les dossiers d’échange, celui "
        "des bailleurs des autres foyers) et l’administrateur de la bourse voient vos "
        "données. Chaque consultation de votre fiche, de votre dossier, de votre "
        "accord d’échange ou de vos messages est enregistrée (qui, quand, quel écran) "
        "et ce journal est conservé 12 mois.</p>"
    ),
    heading("Vos droits"),
    paragraph(
        "<p>Depuis votre espace locataire, rubrique « Mes données » :</p><ul>"
        "<li><b>Télécharger mes données</b> : un fichier ZIP avec votre profil, votre "
        "annonce et ses photos, vos demandes de contact, conversations, dossiers "
        "d’échange, consentements et alertes, lisibles (JSON) et ouvrables dans un "
        "tableur (CSV).</li>"
        "<li><b>Supprimer mon compte</b> : vos données personnelles sont effacées "
        "aussitôt et vous êtes déconnecté partout. Tant qu’un dossier d’échange est en "
        "cours, la suppression est refusée : votre bailleur a besoin de vos données "
        "pour le mener à terme.</li></ul>"
    ),
    heading("Contact"),
    paragraph(
        "<p>Pour exercer vos autres droits (accès, rectification, opposition, "
        "limitation) ou pour toute question, adressez-vous à votre bailleur, ou "
        "écrivez-nous au moyen du formulaire de contact du portail. Vous pouvez aussi "
        "saisir la CNIL (www.cnil.fr).</p>"
    ),
]


STANDARD_PAGES = [
    (
        "faq",
        "Questions fréquentes",
        "Les réponses aux questions les plus posées par les locataires.",
        [
            heading("Qui peut s’inscrire ?"),
            paragraph(
                "<p>Les locataires d’un bailleur adhérent dont le logement figure comme "
                "éligible dans le fichier patrimoine de leur bailleur.</p>"
            ),
            heading("Où trouver ma référence locataire ?"),
            paragraph(
                "<p>Elle est imprimée sur votre avis d’échéance (quittance de loyer). "
                "En cas de doute, contactez votre bailleur.</p>"
            ),
            heading("Mon annonce n’apparaît pas dans les résultats"),
            paragraph(
                "<p>Votre annonce devient active d’elle-même quand les trois étapes sont "
                "complètes : profil, fiche logement et critères de recherche.</p>"
            ),
        ],
    ),
    (
        "mentions-legales",
        "Mentions légales",
        "Éditeur, hébergement et sources des données du portail.",
        [
            heading("Éditeur"),
            paragraph("<p>GIE Echanger Habiter, Île-de-France.</p>"),
            heading("Sources des données"),
            paragraph(
                "<p>Communes, intercommunalités, codes postaux et populations : jeu de "
                "données « découpage administratif » d’Etalab (licence MIT, © Etalab). "
                "Coordonnées : GeoNames (CC BY 4.0, © GeoNames).</p>"
            ),
        ],
    ),
    (statement.SLUG, statement.TITLE, statement.INTRO, statement.body()),
    (
        PRIVACY_SLUG,
        "Données personnelles",
        "Comment vos données sont traitées sur le portail (RGPD).",
        PRIVACY_BODY,
    ),
    (
        "charte",
        "Charte des bonnes pratiques",
        "Les engagements des bailleurs adhérents et des locataires.",
        [
            heading("Un dispositif participatif"),
            paragraph(
                "<p>Chaque bailleur traite les dossiers d’échange dans les délais convenus "
                "et reste le contact privilégié de ses locataires.</p>"
            ),
        ],
    ),
]


def load_standard_pages(home: HomePage) -> None:
    for slug, title, intro, body in STANDARD_PAGES:
        get_or_create_child(
            home,
            StandardPage,
            slug,
            title=title,
            intro=intro,
            body=body,
            last_reviewed=dt.date(2026, 11, 1),
        )
    update_privacy_page(home)
    statement.update_page(home)


def update_privacy_page(home: HomePage) -> None:
    """A privacy notice made before the retention table existed gets the new text
    (once: a page that shows the table is left as the editors keep it)."""
    page = home.get_children().filter(slug=PRIVACY_SLUG).first()
    if page is None:
        return
    page = page.specific
    if any(block.block_type == "retention_table" for block in page.body):
        return
    page.body = PRIVACY_BODY
    page.save_revision().publish()


def load_banner() -> None:
    if BannerMessage.objects.exists():
        return
    now = timezone.now()
    BannerMessage.objects.create(
        text=(
            "Panne informatique chez 1001 Vies Habitat : le traitement des dossiers "
            "d’échange de ce bailleur est momentanément ralenti."
        ),
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=60),
        sort_order=1,
    )
    BannerMessage.objects.create(
        text="Nouveau : la note d’actualités de juin 2021 est en ligne.",
        link_url="",
        starts_at=now - dt.timedelta(days=2),
        ends_at=None,
        sort_order=2,
    )
    BannerMessage.objects.create(
        text="Maintenance programmée du 12 au 13 mars : le site a été indisponible.",
        starts_at=now - dt.timedelta(days=30),
        ends_at=now - dt.timedelta(days=20),
        sort_order=3,
    )
    BannerMessage.objects.create(
        text="Webinaire de présentation de la bourse aux nouveaux adhérents le mois prochain.",
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=40),
        sort_order=4,
    )


def load_accounts() -> None:
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin",
            "admin@echangerhabiter.example",
            DEMO_PASSWORDS["admin"],
            first_name="Camille",
            last_name="Admin",
        )
    # The editors' and validators' groups, their permissions and the review
    # workflow (made by migration home.0004; again here after a database flush).
    sync_editor_groups()
    accounts = [
        ("editeur", "Astrée", "Doise", EDITORS),
        ("validateur", "Valère", "Relu", VALIDATORS),
    ]
    for username, first_name, last_name, group_name in accounts:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                f"{username}@echangerhabiter.example",
                DEMO_PASSWORDS[username],
                first_name=first_name,
                last_name=last_name,
            )
        user.groups.add(Group.objects.get(name=group_name))
