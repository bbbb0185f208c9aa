from django import forms
from django.utils.translation import gettext_lazy as _

from bourse.tenants.contacts import validate_nur


class AcceptForm(forms.Form):
    """Accepting a chain; the NUR is asked only when the household has none yet."""

    nur = forms.CharField(
        label=_("Votre numéro unique régional (NUR)"),
        max_length=40,
        required=False,
        help_text=_(
            "18 caractères, par exemple 075 06 23 012345 GDPUB (avec ou sans espaces) : il "
            "figure sur l’attestation d’enregistrement de votre demande de logement social."
        ),
    )

    def __init__(self, *args, needs_nur=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_nur = needs_nur
        if not needs_nur:
            del self.fields["nur"]
        else:
            self.fields["nur"].required = True
            self.fields["nur"].error_messages["required"] = _(
                "Indiquez votre NUR pour accepter la chaîne."
            )

    def clean_nur(self):
        return validate_nur(self.cleaned_data["nur"])
