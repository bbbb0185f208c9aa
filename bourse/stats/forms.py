"""The filters of the statistics pages (GET): year, department, landlord."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bourse.models import Landlord

from .tables import DEPARTMENTS, Filters, available_years


class StatsFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Année"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choisissez une année de la liste.")},
    )
    department = forms.ChoiceField(
        label=_("Département"),
        required=False,
        choices=[("", _("Tous les départements"))]
        + [(code, f"{code} – {name}") for code, name in DEPARTMENTS.items()],
        error_messages={"invalid_choice": _("Choisissez un département d’Île-de-France.")},
    )
    landlord = forms.ModelChoiceField(
        label=_("Bailleur"),
        required=False,
        queryset=Landlord.objects.none(),
        empty_label=_("Tous les bailleurs"),
        error_messages={"invalid_choice": _("Choisissez un bailleur de la liste.")},
    )

    def __init__(self, *args, landlords=None, public=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = public
        self.fields["year"].choices = [("", _("Toutes les années"))] + [
            (year, str(year)) for year in available_years()
        ]
        if landlords is None:
            self.fields.pop("landlord")
        else:
            self.fields["landlord"].queryset = landlords.order_by("name")

    def filters(self, landlord=None) -> Filters:
        data = self.cleaned_data if self.is_bound else {}
        return Filters(
            year=data.get("year"),
            department=data.get("department") or "",
            landlord=landlord if landlord is not None else data.get("landlord"),
            public=self.public,
        )
