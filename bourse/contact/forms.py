"""The public contact form and the inbox's action forms.

Prefilling from the tenant area: a view passes ``initial`` built by
``ContactForm.initial_for_tenant(...)``; the sender kind, landlord and tenant
reference are then preselected, and the tenant can still correct them.
"""

import filetype
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from bourse.models import Landlord

from .models import SenderKind, Topic

MESSAGE_MAX_LENGTH = 5000
ATTACHMENT_MAX_BYTES = getattr(settings, "CONTACT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
ATTACHMENT_TYPES = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}
UNKNOWN_LANDLORD = "inconnu"
PRIVACY_NOTICE_URL = "/donnees-personnelles/"


def single_line(value: str) -> None:
    """No line breaks or control characters: they could forge mail headers."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value or ""):
        raise ValidationError(
            _("Ce champ ne peut contenir ni retour à la ligne ni caractère de contrôle."),
            code="control_characters",
        )


def landlord_choices():
    choices = [
        ("", _("— Choisissez votre bailleur —")),
        (UNKNOWN_LANDLORD, _("Je ne sais pas / mon bailleur n’est pas dans la liste")),
    ]
    choices += [(str(pk), name) for pk, name in Landlord.objects.active().values_list("pk", "name")]
    return choices


class ContactForm(forms.Form):
    sender_kind = forms.ChoiceField(
        label=_("Vous êtes"), choices=SenderKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("Nom et prénom"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        validators=[single_line],
        help_text=_("La réponse vous sera envoyée à cette adresse. Format : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    landlord = forms.ChoiceField(
        label=_("Votre bailleur"),
        required=False,
        help_text=_("Obligatoire si vous êtes locataire."),
    )
    landlord_other = forms.CharField(
        label=_("Nom de votre bailleur, s’il n’est pas dans la liste"),
        max_length=200,
        required=False,
        validators=[single_line],
    )
    tenant_reference = forms.CharField(
        label=_("Votre référence locataire"),
        max_length=50,
        required=False,
        validators=[single_line],
        help_text=_(
            "Obligatoire si vous êtes inscrit sur la plateforme. "
            "Elle figure sur votre avis d’échéance (quittance de loyer)."
        ),
    )
    topic = forms.ChoiceField(label=_("Objet de votre demande"), choices=())
    body = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("5 000 caractères au maximum."),
        error_messages={
            "required": _("Écrivez votre message."),
            "max_length": _(
                "Votre message est trop long : %(limit_value)s caractères au maximum "
                "(il en compte %(show_value)s). Raccourcissez-le ou joignez un document PDF."
            ),
        },
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (facultatif)"),
        required=False,
        help_text=_("Capture d’écran ou document : PNG, JPEG ou PDF, 5 Mo au maximum."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf"}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _(
                "Vous devez accepter le traitement de vos données pour envoyer le message."
            )
        },
    )
    # Honeypot: hidden from people (and from assistive technologies); bots fill it.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].choices = landlord_choices()
        self.fields["topic"].choices = [("", _("— Choisissez l’objet —")), *Topic.grouped_choices()]
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _(
                "J’accepte que mes données soient utilisées pour traiter ma demande, "
                "et transmises à mon bailleur si elle le concerne."
            ),
            PRIVACY_NOTICE_URL,
            _("En savoir plus sur vos données personnelles (nouvelle fenêtre)"),
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_action = reverse("contact:form")
        # crispy writes enctype itself for a form with a file field (once).
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            HTML(
                '<p class="small">{}</p>'.format(
                    escape(
                        _(
                            "Les champs marqués d’un astérisque (*) sont obligatoires. "
                            "Si vous êtes locataire, indiquez aussi votre bailleur et, "
                            "si vous êtes inscrit, votre référence locataire."
                        )
                    )
                )
            ),
            Fieldset(_("Vous"), "sender_kind", "name", "email"),
            Fieldset(
                _("Si vous êtes locataire"),
                "landlord",
                "landlord_other",
                "tenant_reference",
            ),
            Fieldset(_("Votre demande"), "topic", "body", "attachment"),
            "consent",
            Div("website", css_class="d-none", aria_hidden="true"),
            Submit("submit", _("Envoyer le message")),
        )

    @staticmethod
    def initial_for_tenant(*, name="", email="", landlord=None, tenant_reference=""):
        """What the tenant area passes as ``initial`` for a signed-in tenant."""
        return {
            "sender_kind": SenderKind.REGISTERED_TENANT,
            "name": name,
            "email": email,
            "landlord": str(landlord.pk) if landlord else "",
            "tenant_reference": tenant_reference,
        }

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n").replace("\x00", "")
        if not body.strip():
            raise ValidationError(_("Écrivez votre message."), code="required")
        return body

    def clean_landlord(self):
        value = self.cleaned_data.get("landlord")
        if value in ("", UNKNOWN_LANDLORD):
            return value
        try:
            return Landlord.objects.active().get(pk=int(value))
        except (ValueError, Landlord.DoesNotExist):
            raise ValidationError(_("Choisissez un bailleur de la liste.")) from None

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                _("Le fichier est trop volumineux : 5 Mo au maximum."), code="too_large"
            )
        upload.seek(0)
        kind = filetype.guess(upload.read(8192))
        upload.seek(0)
        if kind is None or kind.mime not in ATTACHMENT_TYPES:
            raise ValidationError(
                _("Seuls les fichiers PNG, JPEG ou PDF sont acceptés."), code="file_type"
            )
        upload.detected_extension = ATTACHMENT_TYPES[kind.mime]
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("sender_kind")
        if kind in SenderKind.tenants():
            if not data.get("landlord"):
                self.add_error(
                    "landlord",
                    _(
                        "Choisissez votre bailleur, ou « Je ne sais pas » "
                        "s’il n’est pas dans la liste."
                    ),
                )
            if kind == SenderKind.REGISTERED_TENANT and not data.get("tenant_reference"):
                self.add_error("tenant_reference", _("Indiquez votre référence locataire."))
        return data

    @property
    def landlord_instance(self):
        value = self.cleaned_data.get("landlord")
        return value if isinstance(value, Landlord) else None


class TextActionForm(forms.Form):
    text = forms.CharField(
        label=_("Texte"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class OptionalTextActionForm(forms.Form):
    text = forms.CharField(
        label=_("Commentaire (facultatif)"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ForwardForm(OptionalTextActionForm):
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"), queryset=Landlord.objects.none(), empty_label=_("— Choisissez —")
    )
    field_order = ["landlord", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = Landlord.objects.all()
