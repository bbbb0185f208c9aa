from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from portal.mail import queue_email


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Identifiant ou adresse électronique"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": _("Indiquez votre identifiant ou votre adresse électronique.")},
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Indiquez votre mot de passe.")},
    )
    remember = forms.BooleanField(
        label=_("Se souvenir de moi (14 jours)"),
        required=False,
        help_text=_(
            "Comptes locataires, sur un appareil personnel seulement. Les comptes des "
            "bailleurs, partenaires et éditeurs se ferment avec le navigateur."
        ),
    )


def find_user(identifier: str):
    """The account named by ``identifier``: its username, else its e-mail (if unique)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model()._default_manager
    found = users.filter(username__iexact=identifier).order_by("pk").first()
    if found is None and "@" in identifier:
        matches = list(users.filter(email__iexact=identifier, is_active=True)[:2])
        found = matches[0] if len(matches) == 1 else None
    return found


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form (the same answer whether the address is known or not);
    the mail is stored first and sent by Celery like every other."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Saisissez une adresse électronique valide."),
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        queue_email(
            to=[to_email],
            subject=subject,
            body=render_to_string(email_template_name, context),
            kind="password_reset",
        )
