"""Forms of the patrimoine screens: the upload and the dwellings' filters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bourse.models import Commune, Landlord
from bourse.models import Typology as TypologyChoices

from .reader import max_upload_bytes

UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


class PatrimoineUploadForm(forms.Form):
    """Upload of a patrimoine file. Only a super administrator chooses the landlord."""

    landlord = forms.ModelChoiceField(
        label=_("Bailleur"),
        queryset=Landlord.objects.none(),
        empty_label=_("— choisir un bailleur —"),
        error_messages={
            "required": _("Choisissez le bailleur dont c’est le patrimoine."),
            "invalid_choice": _("Ce bailleur n’existe pas ou ne vous est pas accessible."),
        },
    )
    file = forms.FileField(
        label=_("Fichier patrimoine (CSV ou XLSX)"),
        help_text=_("CSV (UTF-8 ou Windows-1252, séparateur « ; » ou « , ») ou classeur XLSX."),
        error_messages={
            "required": _("Choisissez le fichier à importer."),
            "empty": _("Le fichier envoyé est vide."),
            "invalid": _("Aucun fichier n’a été reçu : vérifiez le formulaire."),
        },
    )
    full_snapshot = forms.BooleanField(
        label=_("Fichier complet"),
        required=False,
        initial=True,
        help_text=_(
            "Cochez si le fichier contient tout votre patrimoine : les logements absents "
            "rendront leurs locataires inéligibles (rien n’est supprimé)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Simulation, sans rien enregistrer"),
        required=False,
        help_text=_(
            "Vérifie le fichier et montre ce qui changerait, sans rien modifier. "
            "Vous pourrez ensuite appliquer le même fichier."
        ),
    )

    def __init__(self, *args, landlords=None, **kwargs):
        """``landlords``: the choice offered to a super administrator; None hides the field."""
        super().__init__(*args, **kwargs)
        if landlords is None:
            del self.fields["landlord"]
        else:
            self.fields["landlord"].queryset = landlords
        self.fields["file"].widget.attrs["accept"] = ",".join(UPLOAD_SUFFIXES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = getattr(settings, "PATRIMOINE_MAX_UPLOAD_BYTES", max_upload_bytes())
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "Le fichier pèse %(size)s Mo : la taille maximale est de %(max)s Mo. "
                    "Découpez-le ou enregistrez-le en CSV."
                ),
                params={"size": megabytes(upload.size), "max": megabytes(limit)},
                code="too_large",
            )
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _("Format non accepté : envoyez un fichier .csv ou .xlsx."), code="suffix"
            )
        return upload


class DwellingFilterForm(forms.Form):
    """Filters of the patrimoine list (all optional, GET)."""

    ELIGIBILITY = (
        ("", _("Tous")),
        ("oui", _("Éligibles")),
        ("non", _("Non éligibles")),
    )
    SNAPSHOT = (
        ("", _("Tous")),
        ("oui", _("Présents dans le dernier fichier")),
        ("non", _("Absents du dernier fichier complet")),
    )
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Référence du logement, du locataire ou adresse"),
    )
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"), queryset=Landlord.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False
    )
    typology = forms.ChoiceField(
        label=_("Typologie"),
        required=False,
        choices=[("", _("Toutes"))] + list(TypologyChoices.choices),
    )
    eligible = forms.ChoiceField(label=_("Éligibilité"), required=False, choices=ELIGIBILITY)
    in_snapshot = forms.ChoiceField(label=_("Dernier fichier"), required=False, choices=SNAPSHOT)

    def __init__(self, *args, landlords=None, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if landlords is None:
            del self.fields["landlord"]
        else:
            self.fields["landlord"].queryset = landlords
        self.fields["commune"].queryset = communes if communes is not None else Commune.objects
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.insee_code})"
