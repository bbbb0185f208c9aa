"""Forms of the partner space: the contingent's filters, and the AMO's new partner account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bourse.forms import AgentCreateForm
from bourse.models import Reservataire, ReservataireKind
from bourse.stats.forms import StatsFilterForm


def partner_reservataires():
    """Reservataires a partner account may belong to (a landlord's own contingent is not)."""
    return Reservataire.objects.exclude(kind=ReservataireKind.LANDLORD).order_by("kind", "name")


class ContingentFilterForm(StatsFilterForm):
    """Year and department; for the AMO, also the reservataire whose contingent to show."""

    reservataire = forms.ModelChoiceField(
        label=_("Réservataire"),
        required=False,
        queryset=Reservataire.objects.none(),
        empty_label=_("Choisissez un réservataire"),
        error_messages={"invalid_choice": _("Choisissez un réservataire de la liste.")},
    )

    def __init__(self, *args, choose_reservataire=False, **kwargs):
        super().__init__(*args, public=False, **kwargs)
        if choose_reservataire:
            self.fields["reservataire"].queryset = partner_reservataires()
        else:
            self.fields.pop("reservataire")


class PartnerCreateForm(AgentCreateForm):
    """A new partner account: who, and the reservataire whose contingent they follow."""

    reservataire = forms.ModelChoiceField(
        label=_("Réservataire"),
        queryset=Reservataire.objects.none(),
        help_text=_("Le partenaire verra les chiffres du contingent de ce réservataire."),
        error_messages={
            "required": _("Choisissez le réservataire du partenaire."),
            "invalid_choice": _("Choisissez un réservataire de la liste."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, landlords=None, **kwargs)
        self.fields["reservataire"].queryset = partner_reservataires()
