"""StreamField blocks shared by every content page.

``BodyStreamBlock`` is the body of standard pages and news notes; the list
``COMMON_BLOCKS`` can be reused by other stream blocks (member kit…).

Every block declares a template under ``templates/blocks/<block>.html``, an
icon, a label and a ``preview_value``. Nothing here calls the network at
render time: videos are either uploaded files or a provider URL turned into
a privacy-friendly ``<iframe>`` address by :func:`video_embed_url`.
"""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# --------------------------------------------------------------------------
# Pure helpers (tested in tests/news/test_video.py)
# --------------------------------------------------------------------------

VIDEO_FILE_EXTENSIONS = ("mp4", "webm")

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{3,12}$")
_DAILYMOTION_ID = re.compile(r"^[A-Za-z0-9]{5,12}$")
_PEERTUBE_ID = re.compile(r"^[A-Za-z0-9-]{10,36}$")
_HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _youtube_start(query: dict) -> int | None:
    raw = (query.get("t") or query.get("start") or [""])[0].rstrip("s")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def video_embed_url(url: str) -> str | None:
    """Turn a YouTube, Vimeo, Dailymotion or PeerTube page address into the
    address of a privacy-friendly player (no tracking cookie where the
    provider offers it), or ``None`` when the address is not recognised.

    Pure function: no network access.
    """
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    if host.startswith("www."):
        host = host[4:]
    if host.startswith("m."):
        host = host[2:]
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)

    # YouTube → youtube-nocookie.com
    if host in ("youtube.com", "youtube-nocookie.com", "youtu.be", "music.youtube.com"):
        video_id = None
        if host == "youtu.be" and segments:
            video_id = segments[0]
        elif segments[:1] == ["watch"] or (not segments and "v" in query):
            video_id = (query.get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            video_id = segments[1]
        if video_id and _YOUTUBE_ID.match(video_id):
            embed = f"https://www.youtube-nocookie.com/embed/{video_id}"
            start = _youtube_start(query)
            return f"{embed}?start={start}" if start else embed
        return None

    # Vimeo → player with "do not track"
    if host in ("vimeo.com", "player.vimeo.com"):
        numeric = [s for s in segments if _VIMEO_ID.match(s)]
        if numeric:
            return f"https://player.vimeo.com/video/{numeric[0]}?dnt=1"
        return None

    # Dailymotion
    if host in ("dailymotion.com", "dai.ly", "geo.dailymotion.com"):
        video_id = None
        if host == "dai.ly" and segments:
            video_id = segments[0]
        elif host == "geo.dailymotion.com":
            video_id = (query.get("video") or [""])[0]
        elif "video" in segments:
            index = segments.index("video")
            if index + 1 < len(segments):
                video_id = segments[index + 1].split("_")[0]
        if video_id and _DAILYMOTION_ID.match(video_id):
            return f"https://geo.dailymotion.com/player.html?video={video_id}"
        return None

    # PeerTube (any instance): /w/<id>, /videos/watch/<id>, /videos/embed/<id>
    video_id = None
    if len(segments) == 2 and segments[0] == "w":
        video_id = segments[1]
    elif len(segments) == 3 and segments[0] == "videos" and segments[1] in ("watch", "embed"):
        video_id = segments[2]
    if video_id and _PEERTUBE_ID.match(video_id) and _HOSTNAME.match(host):
        port = f":{parts.port}" if parts.port and parts.port != 443 else ""
        netloc = (parts.hostname or host).lower() + port
        return f"https://{netloc}/videos/embed/{video_id}?warningTitle=0&p2p=0"
    return None


def video_provider(url: str) -> str:
    """Human name of the provider of a video URL (for the fallback link)."""
    embed = video_embed_url(url) or ""
    if "youtube-nocookie.com" in embed:
        return "YouTube"
    if "vimeo.com" in embed:
        return "Vimeo"
    if "dailymotion.com" in embed:
        return "Dailymotion"
    if embed:
        return "PeerTube"
    return ""


def format_duration(minutes) -> str:
    """``65`` → ``"1 h 05"``, ``45`` → ``"45 min"``, ``120`` → ``"2 h"``."""
    if minutes is None or minutes == "":
        return ""
    if isinstance(minutes, dt.timedelta):
        minutes = round(minutes.total_seconds() / 60)
    minutes = int(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def iso_duration(minutes) -> str:
    """``65`` → ``"PT1H5M"`` (for ``<time datetime>``)."""
    if minutes is None or minutes == "":
        return ""
    if isinstance(minutes, dt.timedelta):
        minutes = round(minutes.total_seconds() / 60)
    hours, rest = divmod(int(minutes), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Titre"), max_length=200)

    class Meta:
        icon = "title"
        label = _("Titre de section")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Les nouveautés"}


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Texte")
        template = "blocks/paragraph_block.html"
        preview_value = (
            "<p>Création et mise à disposition d’un document destiné à l’ensemble des "
            "bailleurs adhérents du dispositif Echanger Habiter.</p>"
        )


class ChangeBlock(blocks.StructBlock):
    """« Auparavant / À présent »: what an evolution of the platform changed."""

    before = blocks.RichTextBlock(
        label=_("Auparavant"), features=["bold", "italic", "link", "ul", "ol"]
    )
    now = blocks.RichTextBlock(
        label=_("À présent"), features=["bold", "italic", "link", "ul", "ol"]
    )

    class Meta:
        icon = "history"
        label = _("Auparavant / À présent")
        template = "blocks/change_block.html"
        preview_value = {
            "before": "<p>La mise à jour du tableau « Evolution des échanges » se faisait "
            "tous les soirs sur le mois en cours.</p>",
            "now": "<p>La mise à jour de ce tableau se fait désormais tous les soirs sur "
            "tous les mois.</p>",
        }


class DeployedBlock(blocks.StructBlock):
    """« Évolution déployée et active depuis le 23/03/2021 »."""

    date = blocks.DateBlock(label=_("Déployé le"))
    text = blocks.CharBlock(
        label=_("Précision"),
        required=False,
        max_length=250,
        help_text=_("Facultatif : ce qui a été déployé."),
    )

    class Meta:
        icon = "date"
        label = _("Déployé le")
        template = "blocks/deployed_block.html"
        preview_value = {"date": dt.date(2021, 3, 23), "text": ""}


class CalloutBlock(blocks.StructBlock):
    level = blocks.ChoiceBlock(
        label=_("Niveau"),
        choices=[("info", _("Information")), ("attention", _("Attention"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("Texte"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = _("Encadré (information, attention)")
        template = "blocks/callout_block.html"
        preview_value = {
            "level": "attention",
            "title": "",
            "text": "<p>Le bailleur reste le contact privilégié de son locataire.</p>",
        }


class ProcessStepBlock(blocks.StructBlock):
    number = blocks.IntegerBlock(label=_("Numéro"), min_value=0, max_value=999)
    title = blocks.CharBlock(label=_("Étape"), max_length=120)
    actor = blocks.CharBlock(
        label=_("Acteur"),
        required=False,
        max_length=120,
        help_text=_("Par exemple : « COORDINATION BAILLEURS »."),
    )
    description = blocks.RichTextBlock(
        label=_("Description"), required=False, features=["bold", "italic", "link"]
    )

    class Meta:
        icon = "order"
        label = _("Étape")


class ProcessStepsBlock(blocks.StructBlock):
    """The « logigramme »: numbered steps, each with an actor."""

    title = blocks.CharBlock(label=_("Titre"), required=False, max_length=200)
    steps = blocks.ListBlock(ProcessStepBlock(), label=_("Étapes"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Étapes (logigramme)")
        template = "blocks/process_steps_block.html"
        preview_value = {
            "title": "Les grandes étapes des dossiers d’échange",
            "steps": [
                {
                    "number": 6,
                    "title": "Attente dates de déménagement",
                    "actor": "COORDINATION BAILLEURS",
                    "description": "<p>Saisie d’une période de déménagement par "
                    "<b>l’un des deux bailleurs</b>.</p>",
                },
                {
                    "number": 7,
                    "title": "Déménagement programmé",
                    "actor": "COORDINATION BAILLEURS",
                    "description": "<p>Saisie d’une date de déménagement.</p>",
                },
            ],
        }


class CaptionedTableBlock(blocks.StructBlock):
    """A table whose first row is the header row; the caption is required."""

    caption = blocks.CharBlock(
        label=_("Légende"),
        max_length=250,
        help_text=_("Obligatoire : décrit le tableau pour tous les lecteurs."),
    )
    table = TableBlock(
        label=_("Tableau"),
        help_text=_("La première ligne est la ligne d’en-tête."),
        table_options={"contextMenu": True, "startRows": 3, "startCols": 3},
    )
    first_col_is_header = blocks.BooleanBlock(
        label=_("La première colonne est aussi un en-tête"), required=False
    )

    class Meta:
        icon = "table"
        label = _("Tableau")
        template = "blocks/table_block.html"
        preview_value = {
            "caption": "Formation des bailleurs",
            "table": {
                "data": [
                    ["Bailleurs invités", "Date", "Participants"],
                    ["PARIS HABITAT – ELOGIE-SIEMP – BATIGERE", "23/02/2021", "14"],
                    ["SEQENS – RATP HABITAT – ERIGERE – EMMAÜS HABITAT", "18/02/2021", "20"],
                ],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
            },
            "first_col_is_header": False,
        }


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Texte alternatif"),
        max_length=250,
        help_text=_("Décrit l’image pour les personnes qui ne la voient pas."),
    )
    caption = blocks.CharBlock(label=_("Légende"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Intitulé du lien"),
        required=False,
        max_length=200,
        help_text=_("Par défaut, le titre du document."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Lien vers un document")
        template = "blocks/document_link_block.html"


class VideoValue(blocks.StructValue):
    @property
    def embed_url(self) -> str | None:
        return video_embed_url(self.get("url") or "")

    @property
    def provider(self) -> str:
        return video_provider(self.get("url") or "")

    @property
    def duration_display(self) -> str:
        return format_duration(self.get("duration"))

    @property
    def duration_iso(self) -> str:
        return iso_duration(self.get("duration"))

    @property
    def file_type(self) -> str:
        document = self.get("document")
        extension = (document.file_extension if document else "").lower()
        return "video/webm" if extension == "webm" else "video/mp4"


class VideoBlock(blocks.StructBlock):
    """An uploaded video file (MP4) or a YouTube / Vimeo / Dailymotion /
    PeerTube address, shown with its title and duration."""

    title = blocks.CharBlock(label=_("Titre de la vidéo"), max_length=200)
    document = DocumentChooserBlock(
        label=_("Fichier vidéo (MP4)"),
        required=False,
        help_text=_("Un fichier MP4 téléversé dans les documents…"),
    )
    url = blocks.URLBlock(
        label=_("… ou adresse de la vidéo"),
        required=False,
        help_text=_("YouTube, Vimeo, Dailymotion ou PeerTube."),
    )
    duration = blocks.IntegerBlock(label=_("Durée (minutes)"), min_value=1, max_value=24 * 60)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "media"
        label = _("Vidéo")
        template = "blocks/video_block.html"
        value_class = VideoValue
        preview_value = {
            "title": "Webinaire : la période de déménagement",
            "document": None,
            "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "duration": 65,
            "description": "",
        }

    def clean(self, value):
        value = super().clean(value)
        document, url = value.get("document"), value.get("url")
        if bool(document) == bool(url):
            message = _("Choisissez soit un fichier vidéo, soit une adresse de vidéo.")
            raise StructBlockValidationError(
                block_errors={"document": ValidationError(message), "url": ValidationError(message)}
            )
        if url and video_embed_url(url) is None:
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Adresse non reconnue : YouTube, Vimeo, Dailymotion ou PeerTube.")
                    )
                }
            )
        if document and document.file_extension.lower() not in VIDEO_FILE_EXTENSIONS:
            raise StructBlockValidationError(
                block_errors={
                    "document": ValidationError(_("Le fichier doit être une vidéo MP4 ou WebM."))
                }
            )
        return value


class FAQBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Réponse"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "help"
        label = _("Question / réponse")
        template = "blocks/faq_block.html"
        preview_value = {
            "question": "Où trouver ma référence locataire ?",
            "answer": "<p>Elle est imprimée sur votre avis d’échéance.</p>",
        }


class RetentionTableBlock(blocks.StaticBlock):
    """The retention table of personal data, as the portal applies it: the page
    shows what the code does, so the two never disagree. Its template
    (``templates/blocks/retention_table_block.html``) draws the table provided by
    the bourse (``{% retention_table %}`` of ``bourse.privacy``): this module
    knows nothing of the bourse."""

    class Meta:
        icon = "table"
        label = _("Durées de conservation des données (tableau du portail)")
        admin_text = _(
            "Affiche le tableau des durées de conservation des données personnelles, "
            "tenu à jour automatiquement par le portail."
        )
        template = "blocks/retention_table_block.html"


COMMON_BLOCKS = [
    ("heading", HeadingBlock()),
    ("paragraph", ParagraphBlock()),
    ("change", ChangeBlock()),
    ("deployed", DeployedBlock()),
    ("callout", CalloutBlock()),
    ("process_steps", ProcessStepsBlock()),
    ("table", CaptionedTableBlock()),
    ("image", ImageBlock()),
    ("document", DocumentLinkBlock()),
    ("video", VideoBlock()),
    ("faq", FAQBlock()),
]


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    change = ChangeBlock()
    deployed = DeployedBlock()
    callout = CalloutBlock()
    process_steps = ProcessStepsBlock()
    table = CaptionedTableBlock()
    image = ImageBlock()
    document = DocumentLinkBlock()
    video = VideoBlock()
    faq = FAQBlock()

    class Meta:
        label = _("Contenu")


class StandardPageBodyBlock(BodyStreamBlock):
    """A standard page's body: the common blocks, and the portal's retention table
    (for the privacy notice)."""

    retention_table = RetentionTableBlock()
