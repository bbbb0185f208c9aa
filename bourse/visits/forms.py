"""The slots form: up to three rows (day, time, duration), the first required. The
rules are ``services.validate_slots``; its refusal is shown as the form's error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services

DURATION_CHOICES = [
    (30, _("30 min")),
    (45, _("45 min")),
    (60, _("1 h")),
    (90, _("1 h 30")),
    (120, _("2 h")),
]


class SlotsForm(forms.Form):
    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.rows = []
        for index in range(1, services.MAX_SLOTS + 1):
            required = index == 1
            self.fields[f"day_{index}"] = forms.DateField(
                label=_("Jour"),
                required=required,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={
                    "required": _("Indiquez le jour du premier créneau."),
                    "invalid": _("Indiquez une date valide (jj/mm/aaaa)."),
                },
            )
            self.fields[f"time_{index}"] = forms.TimeField(
                label=_("Heure de début"),
                required=required,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                error_messages={
                    "required": _("Indiquez l’heure du premier créneau."),
                    "invalid": _("Indiquez une heure valide (hh:mm)."),
                },
            )
            self.fields[f"duration_{index}"] = forms.TypedChoiceField(
                label=_("Durée"),
                choices=DURATION_CHOICES,
                coerce=int,
                initial=60,
                required=False,
                empty_value=60,
                error_messages={"invalid_choice": _("Choisissez une durée de la liste.")},
            )
            self.rows.append(
                (index, self[f"day_{index}"], self[f"time_{index}"], self[f"duration_{index}"])
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        slots = []
        for index in range(1, services.MAX_SLOTS + 1):
            day, start = data.get(f"day_{index}"), data.get(f"time_{index}")
            if day is None and start is None:
                continue
            if day is None or start is None:
                raise forms.ValidationError(
                    _("Créneau %(n)s : indiquez le jour et l’heure, ou laissez-les vides.")
                    % {"n": index}
                )
            slots.append(services.slot_at(day, start, data.get(f"duration_{index}") or 60))
        try:
            data["slots"] = services.validate_slots(slots, self.now)
        except services.VisitError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class PickForm(forms.Form):
    slot = forms.IntegerField(
        error_messages={
            "required": _("Choisissez l’un des créneaux proposés."),
            "invalid": _("Choisissez l’un des créneaux proposés."),
        }
    )
