from django import forms
from django.utils.translation import gettext_lazy as _

from bourse.contact_details import MASKING_NOTICE, has_contact_details

from .models import BODY_MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"),
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MASKING_NOTICE,
        error_messages={
            "required": _("Écrivez un message."),
            "max_length": _("Votre message compte %(show_value)s caractères : 5 000 au plus."),
        },
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi signalez-vous ce message ? (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )


class ShareForm(forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    phone = forms.CharField(
        label=_("Numéro à partager"),
        required=False,
        max_length=30,
        help_text=_("Laissé vide : le numéro de votre profil."),
    )


class PreferencesForm(forms.Form):
    display_name = forms.CharField(
        label=_("Nom affiché aux autres ménages"),
        required=False,
        max_length=40,
        help_text=_(
            "Facultatif. Sinon : votre prénom et l’initiale de votre nom. N’y mettez ni votre "
            "nom de famille, ni vos coordonnées."
        ),
    )
    mail_with_text = forms.BooleanField(
        label=_("Recopier le texte du message dans le courriel qui m’en avertit"), required=False
    )
    sms = forms.BooleanField(
        label=_(
            "M’avertir aussi par SMS (si j’ai accepté les alertes par SMS avec un numéro "
            "de portable)"
        ),
        required=False,
    )

    def clean_display_name(self):
        value = " ".join(self.cleaned_data["display_name"].split())
        if has_contact_details(value) or "@" in value or any(c.isdigit() for c in value):
            raise forms.ValidationError(
                _("Le nom affiché ne peut contenir ni chiffres ni adresse.")
            )
        return value
