"""Forms of the exchange-file screens: they parse input; the rules are in ``workflow``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bourse.models import Landlord

from .alerts import RULES
from .models import CalDecision, Step
from .workflow import MAX_REASON_LENGTH, InvalidData, valid_nur


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ActionForm(forms.Form):
    """Every action form carries the step the user saw (optimistic check)."""

    expected_step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)

    def __init__(self, *args, file=None, parties=None, action=None, party=None, **kwargs):
        self.file = file
        self.parties = parties or []
        self.action = action
        self.party = party
        super().__init__(*args, **kwargs)
        if file is not None:
            self.fields["expected_step"].initial = file.step

    def action_data(self) -> dict:
        return {}


class ConfirmForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Le motif est obligatoire.")},
    )

    def action_data(self):
        return {"reason": self.cleaned_data["reason"]}


class DateForm(ActionForm):
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"required": _("Saisissez la date."), "invalid": _("Date invalide.")},
    )
    LABELS = {
        "set_move_date": _("Date de déménagement"),
        "edit_move_date": _("Nouvelle date de déménagement"),
        "set_completion": _("Quelle est la date de réalisation de l’échange ?"),
        "edit_completion": _("Nouvelle date de réalisation de l’échange"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = self.LABELS.get(self.action, _("Date"))
        if self.file is not None and self.action == "edit_move_date":
            self.fields["date"].initial = self.file.move_date
        if self.file is not None and self.action == "edit_completion":
            self.fields["date"].initial = self.file.completed_on

    def action_data(self):
        return {"date": self.cleaned_data["date"]}


class MoveDateForm(DateForm):
    """The move date; the move period may be changed in the same action (recorded)."""

    period_start = forms.DateField(
        label=_("Nouveau début de la période de déménagement (facultatif)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Date invalide.")},
    )
    period_end = forms.DateField(
        label=_("Nouvelle fin de la période de déménagement (facultatif)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Date invalide.")},
    )

    def action_data(self):
        data = super().action_data()
        if self.cleaned_data.get("period_start") or self.cleaned_data.get("period_end"):
            data["period_start"] = self.cleaned_data.get("period_start")
            data["period_end"] = self.cleaned_data.get("period_end")
        return data


class NurCorrectionForm(ActionForm):
    """A landlord corrects a household's NUR, with a reason (``workflow.valid_nur``)."""

    nur = forms.CharField(
        label=_("NUR corrigé"),
        max_length=40,
        help_text=_("18 caractères, par exemple 075 06 23 012345 GDPUB (avec ou sans espaces)."),
        error_messages={"required": _("Saisissez le NUR.")},
    )
    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Le motif est obligatoire.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.party is not None:
            self.fields["nur"].initial = self.party.nur

    def action_data(self):
        return {"nur": self.cleaned_data["nur"], "reason": self.cleaned_data["reason"]}


class MovePeriodForm(ActionForm):
    start = forms.DateField(
        label=_("Début de la période de déménagement"),
        widget=DateInput(),
        error_messages={"required": _("Saisissez le début."), "invalid": _("Date invalide.")},
    )
    end = forms.DateField(
        label=_("Fin de la période de déménagement"),
        widget=DateInput(),
        error_messages={"required": _("Saisissez la fin."), "invalid": _("Date invalide.")},
    )

    def action_data(self):
        return {"start": self.cleaned_data["start"], "end": self.cleaned_data["end"]}


class CalDatesForm(ActionForm):
    """One CAL date per household."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for party in self.parties:
            self.fields[f"cal_{party.pk}"] = forms.DateField(
                label=_("Date de la CAL — ménage %(n)s (%(landlord)s)")
                % {"n": party.position, "landlord": party.landlord.name},
                widget=DateInput(),
                initial=party.cal_date,
                error_messages={
                    "required": _("Saisissez la date de cette CAL."),
                    "invalid": _("Date invalide."),
                },
            )

    def action_data(self):
        return {
            "cal_dates": {party.pk: self.cleaned_data[f"cal_{party.pk}"] for party in self.parties}
        }


class CalDecisionForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("Décision de la CAL"),
        choices=CalDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la décision de la CAL.")},
    )

    def action_data(self):
        return {"decision": self.cleaned_data["decision"]}


FORMS = {
    "schedule_cal": CalDatesForm,
    "edit_cal_dates": CalDatesForm,
    "record_cal_decision": CalDecisionForm,
    "set_move_period": MovePeriodForm,
    "set_move_date": MoveDateForm,
    "edit_move_date": MoveDateForm,
    "set_completion": DateForm,
    "edit_completion": DateForm,
    "close_by_landlord": ReasonForm,
    "renounce": ReasonForm,
    "correct_nur": NurCorrectionForm,
}


def form_for(action, *args, **kwargs) -> ActionForm:
    party = kwargs.get("party")
    prefix = f"{action}-{party.pk}" if party is not None else action
    return FORMS.get(action, ConfirmForm)(*args, action=action, prefix=prefix, **kwargs)


def decorate(form: ActionForm) -> ActionForm:
    """Bootstrap classes, and errors tied to their fields for assistive technologies."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.RadioSelect):
            continue
        widget.attrs["class"] = "form-control"
        described = [f"{form[name].auto_id}-aide"] if field.help_text else []
        if form.is_bound and form.errors.get(name):
            widget.attrs["aria-invalid"] = "true"
            described.insert(0, f"{form[name].auto_id}-erreur")
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)
    return form


# --- Dashboard filters ---------------------------------------------------------------

STATUS_CHOICES = [
    ("en_cours", _("En cours")),
    ("realises", _("Échanges réalisés")),
    ("clos", _("Clos")),
    ("tous", _("Tous")),
]
AGE_CHOICES = [
    ("", _("Toutes")),
    ("moins_1_mois", _("Moins d’un mois")),
    ("1_3_mois", _("De 1 à 3 mois")),
    ("plus_3_mois", _("Plus de 3 mois")),
]


class DashboardFilterForm(forms.Form):
    statut = forms.ChoiceField(label=_("Statut"), choices=STATUS_CHOICES, required=False)
    alerte = forms.ChoiceField(
        label=_("Alerte"),
        required=False,
        choices=[("", _("Toutes")), ("oui", _("Au moins une alerte"))]
        + [(str(int(a)), f"{int(a)}. {rule.short}") for a, rule in RULES.items()],
    )
    etape = forms.ChoiceField(
        label=_("Étape"),
        required=False,
        choices=[("", _("Toutes"))] + [(s.value, s.label) for s in Step],
    )
    anciennete = forms.ChoiceField(
        label=_("Ancienneté (depuis les NUR)"), choices=AGE_CHOICES, required=False
    )
    bailleur = forms.ModelChoiceField(
        label=_("Bailleur"),
        queryset=Landlord.objects.order_by("name"),
        required=False,
        empty_label=_("Tous"),
    )

    def __init__(self, *args, show_landlord=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_landlord:
            del self.fields["bailleur"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def validate_nur(value: str) -> str:
    """The canonical NUR, or ``ValidationError``: THE rule is ``workflow.valid_nur``
    (structure of the SNE number, accepted with or without spaces)."""
    try:
        return valid_nur(value)
    except InvalidData as error:
        raise ValidationError(str(error), code="invalid_nur") from error


class NurForm(forms.Form):
    """A tenant enters or corrects their NUR (tenant area, exchange file)."""

    nur = forms.CharField(
        label=_("Votre numéro unique régional (NUR)"),
        max_length=40,
        help_text=_(
            "18 caractères, par exemple 075 06 23 012345 GDPUB (avec ou sans espaces) : il "
            "figure sur l’attestation d’enregistrement de votre demande de logement social."
        ),
        error_messages={"required": _("Indiquez votre NUR.")},
    )

    def clean_nur(self):
        return validate_nur(self.cleaned_data["nur"])
