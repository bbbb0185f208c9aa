from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from bourse.audit.models import Screen


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AccessLogFilterForm(forms.Form):
    """The access log's filters: staff member, tenant, period, screen."""

    staff = StaffChoiceField(
        label=_("Membre du personnel"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    tenant = forms.CharField(
        label=_("Locataire"),
        required=False,
        max_length=100,
        help_text=_("Nom, adresse électronique ou numéro du compte."),
    )
    start = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Saisissez une date valide (JJ/MM/AAAA).")},
    )
    end = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Saisissez une date valide (JJ/MM/AAAA).")},
    )
    screen = forms.ChoiceField(
        label=_("Écran"), required=False, choices=[("", _("Tous")), *Screen.choices]
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data


class DeleteAccountForm(forms.Form):
    """The confirmation step of « Supprimer mon compte »."""

    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe pour confirmer.")},
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que mon compte et mon annonce seront supprimés définitivement."),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Le mot de passe est incorrect."))
        return password
