"""The accessibility statement (RGAA 4.1), written from the audit of issue 19.

The audit is data (``AUDIT``): each RGAA criterion evaluated on the sample, its
result and how it was checked; the compliance rate shown on the page is computed
from it (criteria met / criteria applicable and evaluated), so that the page
never claims more than was checked. The demo loads it as the body of the
« Déclaration d’accessibilité » page (``/accessibilite/``); editors keep it up to
date in Wagtail afterwards.
"""

import datetime as dt

SLUG = "accessibilite"
TITLE = "Déclaration d’accessibilité"
INTRO = (
    "Le GIE Echanger Habiter s’engage à rendre son portail accessible, conformément "
    "à l’article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration "
    "s’applique au portail Echanger Habiter."
)
AUDIT_DATE = dt.date(2026, 12, 3)
RGAA_CRITERIA = 106

# How a criterion was checked.
TOOLS = "outils"  # axe-core, Nu HTML Checker, Lighthouse, on every page of every role
KEYBOARD = "parcours"  # keyboard journeys and measurements in a browser (automated tests)
HAND = "main"  # by hand in the browser

# (criterion, what it asks, result: "C" met, "NC" not met, "NA" not applicable, how)
AUDIT = [
    ("1.1", "Images porteuses d’information : alternative textuelle", "C", TOOLS),
    ("1.2", "Images de décoration ignorées", "C", TOOLS),
    ("3.2", "Contraste du texte", "C", TOOLS),
    ("3.3", "Contraste des composants d’interface (indicateur de focus 3:1)", "C", KEYBOARD),
    ("6.1", "Liens explicites", "C", TOOLS),
    ("6.2", "Liens avec un intitulé", "C", TOOLS),
    ("8.1", "Type de document défini", "C", TOOLS),
    ("8.2", "Code source valide", "C", TOOLS),
    ("8.3", "Langue par défaut présente", "C", TOOLS),
    ("8.5", "Titre de page présent", "C", TOOLS),
    ("8.6", "Titre de page pertinent (filtres et pages de résultats)", "C", HAND),
    ("9.1", "Titres hiérarchisés", "C", TOOLS),
    ("9.3", "Listes correctement structurées", "C", TOOLS),
    ("10.4", "Texte lisible à 200 %", "C", KEYBOARD),
    ("10.7", "Focus visible", "C", KEYBOARD),
    ("10.11", "Pas de défilement horizontal à 320 px", "C", KEYBOARD),
    ("11.1", "Champs de formulaire étiquetés", "C", TOOLS),
    ("11.10", "Contrôle de saisie : erreurs signalées et expliquées", "C", KEYBOARD),
    ("12.1", "Deux systèmes de navigation (menu, recherche)", "C", HAND),
    ("12.6", "Zones de regroupement identifiées (régions)", "C", TOOLS),
    ("12.7", "Lien d’évitement vers le contenu", "C", KEYBOARD),
    ("12.8", "Ordre de tabulation cohérent", "C", KEYBOARD),
    ("12.9", "Pas de piège au clavier", "C", KEYBOARD),
    ("13.3", "Documents bureautiques accessibles (PDF)", "NC", HAND),
    ("13.8", "Contenu en mouvement contrôlable (bandeau déroulant)", "C", KEYBOARD),
]

NOT_COMPLIANT = [
    "Les documents PDF du kit adhérents ne sont pas des PDF balisés (critère 13.3). "
    "L’accord d’échange, lui, est un PDF balisé (PDF/UA) dont la lisibilité par un "
    "lecteur d’écran n’a pas encore été vérifiée à la main.",
]
DEROGATIONS = [
    "La carte de la recherche de logement (service de cartographie en ligne) : la liste "
    "des annonces, première vue de la page, donne les mêmes informations.",
]
NOT_CHECKED = (
    "pas encore vérifiés, la restitution par les lecteurs d’écran (NVDA, JAWS, "
    "VoiceOver), les critères des thématiques cadres, multimédia hors démonstration, "
    "tableaux complexes et consultation au-delà de ceux listés, soit "
    "{missing} critères sur {total}. L’interface d’administration des éditeurs "
    "(Wagtail) n’est pas dans le périmètre."
)
SAMPLE = [
    "Accueil",
    "Connexion",
    "Contact (formulaire)",
    "Mentions légales",
    "Déclaration d’accessibilité",
    "Recherche sur le site",
    "Page introuvable",
    "Note d’actualités de juin 2021",
    "Un webinaire avec sa vidéo",
    "Statistiques publiques",
    "Espace locataire : tableau de bord, recherche de logement et carte, une annonce",
    "Espace bailleur : liste des dossiers d’échange, un dossier et ses actions",
    "Espace partenaire et espace adhérents",
]


def compliance_rate() -> tuple[int, int, int]:
    """(met, applicable evaluated, rate in %) from ``AUDIT``."""
    applicable = [row for row in AUDIT if row[2] != "NA"]
    met = sum(1 for row in applicable if row[2] == "C")
    return met, len(applicable), round(100 * met / len(applicable))


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def body() -> list[tuple]:
    """The statement's StreamField blocks (heading / paragraph)."""
    met, applicable, rate = compliance_rate()
    evaluated = len(AUDIT)
    how = {TOOLS: 0, KEYBOARD: 0, HAND: 0}
    for row in AUDIT:
        how[row[3]] += 1
    date = f"{AUDIT_DATE.day} décembre {AUDIT_DATE.year}"
    return [
        ("heading", {"text": "État de conformité"}),
        (
            "paragraph",
            "<p>Le portail Echanger Habiter est <b>partiellement conforme</b> au "
            "référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1, "
            "en raison des non-conformités énumérées ci-dessous.</p>",
        ),
        ("heading", {"text": "Résultats des tests"}),
        (
            "paragraph",
            f"<p>L’audit interne du {date} a évalué {evaluated} des {RGAA_CRITERIA} "
            f"critères du RGAA sur l’échantillon de pages ci-dessous : {met} critères "
            f"sur {applicable} applicables sont respectés, soit un taux de conformité "
            f"de <b>{rate} %</b> sur les critères évalués. Ce taux ne vaut pas pour "
            f"l’ensemble du référentiel : "
            + NOT_CHECKED.format(missing=RGAA_CRITERIA - evaluated, total=RGAA_CRITERIA)
            + "</p>",
        ),
        ("heading", {"text": "Contenus non accessibles"}),
        ("paragraph", "<p>Non-conformités :</p>" + _list(NOT_COMPLIANT)),
        ("paragraph", "<p>Dérogation pour charge disproportionnée : aucune.</p>"),
        (
            "paragraph",
            "<p>Contenus non soumis à l’obligation d’accessibilité :</p>" + _list(DEROGATIONS),
        ),
        ("heading", {"text": "Établissement de cette déclaration"}),
        (
            "paragraph",
            f"<p>Cette déclaration a été établie le {date} par l’équipe du portail, "
            "par un audit interne (ce n’est pas un audit indépendant). Méthode : "
            f"{how[TOOLS]} critères vérifiés par des outils sur toutes les pages de "
            "chaque profil (visiteur, locataire, adhérent, partenaire, agent et "
            "administrateur de bailleur, AMO) — axe-core 4.14 (WCAG 2.1 AA), "
            "le validateur HTML Nu et Lighthouse ; "
            f"{how[KEYBOARD]} critères par des parcours au clavier seul et des mesures "
            "dans le navigateur Chromium (connexion, recherche avec filtres, contact, "
            "actions d’un dossier ; affichage à 320 px de large et texte à 200 %) ; "
            f"{how[HAND]} critères à la main dans le navigateur.</p>",
        ),
        ("paragraph", "<p>Échantillon de pages :</p>" + _list(SAMPLE)),
        ("heading", {"text": "Retour d’information et contact"}),
        (
            "paragraph",
            "<p>Si vous n’arrivez pas à accéder à un contenu ou à un service, écrivez-nous "
            'au moyen du <a href="/contact/">formulaire de contact</a> (sujet « Autre ») '
            "pour être orienté vers une alternative accessible ou obtenir le contenu "
            "sous une autre forme. Nous répondons sous 10 jours ouvrés.</p>",
        ),
        ("heading", {"text": "Voies de recours"}),
        (
            "paragraph",
            "<p>Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un "
            "contenu ou à un service du portail, que vous nous l’avez signalé et que "
            "vous n’avez pas obtenu de réponse satisfaisante, vous pouvez :</p><ul>"
            "<li>écrire un message au Défenseur des droits "
            "(formulaire en ligne sur le site defenseurdesdroits.fr) ;</li>"
            "<li>contacter le délégué du Défenseur des droits dans votre région ;</li>"
            "<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : "
            "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.</li></ul>",
        ),
        ("heading", {"text": "Schéma pluriannuel de mise en accessibilité 2027-2029"}),
        (
            "paragraph",
            "<ul>"
            "<li><b>2027</b> : audit complet des 106 critères par un prestataire "
            "indépendant, avec tests aux lecteurs d’écran ; documents du kit adhérents "
            "publiés en PDF balisés ou en pages HTML ; titre de la recherche de logement.</li>"
            "<li><b>2028</b> : formation des éditeurs du GIE à la rédaction accessible "
            "(alternatives des images, titres, liens, sous-titres des webinaires) ; "
            "contrôle automatique de chaque page publiée.</li>"
            "<li><b>2029</b> : nouvel audit complet et mise à jour de cette déclaration ; "
            "plan d’action annuel publié chaque année.</li>"
            "</ul>"
            "<p>Chaque évolution du portail passe les contrôles automatiques décrits "
            "ci-dessus avant sa mise en ligne.</p>",
        ),
    ]


def update_page(home) -> None:
    """The demo's statement page made before this audit gets its text (once: a
    page that already shows the compliance rate is left as the editors keep it)."""
    page = home.get_children().filter(slug=SLUG).first()
    if page is None:
        return
    page = page.specific
    if "taux de conformité" in str(page.body):
        return
    page.body = body()
    page.intro = INTRO
    page.save_revision().publish()
