"""Registration and e-mail confirmation: sign-up form, "check your inbox", the
confirmation link and a new link on request."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from portal.http import never_cache_response

from .. import lifecycle, services
from ..forms import RegistrationForm, ResendConfirmationForm
from ..models import TenantProfile
from ..notifications import send_email_confirmation
from ..permissions import tenant_profile
from ..tokens import email_confirmation_token, user_pk_from_uid
from .steps import next_step_url


@never_cache
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def register(request):
    if tenant_profile(request.user) is not None:
        return redirect("tenants:dashboard")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(
                None, _("Trop de tentatives d’inscription : patientez une heure et réessayez.")
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                profile = services.register_tenant(
                    landlord=data["landlord"],
                    tenant_reference=data["tenant_reference"],
                    housing_reference=data["housing_reference"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_name=data["birth_name"],
                    email=data["email"],
                    password=data["password"],
                )
            except services.RegistrationError as error:
                form.add_error(error.field, error.message)
            else:
                request.session["tenants_registered_email"] = profile.user.email
                return redirect("tenants:register_done")
    landlords = form.fields["landlord"].queryset.select_related(
        "tenant_reference_help_image", "housing_reference_help_image"
    )
    help_images = [
        landlord
        for landlord in landlords
        if landlord.tenant_reference_help_image_id or landlord.housing_reference_help_image_id
    ]
    return never_cache_response(
        render(
            request,
            "tenants/register.html",
            {
                "form": form,
                "help_landlords": help_images,
                "not_eligible": any(
                    str(services.NOT_ELIGIBLE_MESSAGE) == str(e) for e in form.non_field_errors()
                ),
            },
        )
    )


@never_cache
def register_done(request):
    return never_cache_response(
        render(
            request,
            "tenants/register_done.html",
            {"email": request.session.get("tenants_registered_email", "")},
        )
    )


@never_cache
def confirm_email(request, uidb64, token):
    pk = user_pk_from_uid(uidb64)
    profile = (
        TenantProfile.objects.select_related("user", "listing")
        .filter(user_id=pk, anonymised_at__isnull=True)
        .first()
        if pk
        else None
    )
    if profile is None or not email_confirmation_token.check_token(profile.user, token):
        return never_cache_response(render(request, "tenants/confirm_invalid.html", status=400))
    services.confirm_email(profile)
    refusal = lifecycle.sign_in_refusal(profile)
    if refusal:
        messages.error(request, refusal)
        return redirect(settings.LOGIN_URL)
    logout(request)
    login(request, profile.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Votre adresse est confirmée. Complétez les trois étapes pour publier votre annonce."),
    )
    return redirect(next_step_url(profile.listing))


@never_cache
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not getattr(request, "limited", False):
        email = form.cleaned_data["email"]
        profile = (
            TenantProfile.objects.select_related("user")
            .filter(
                user__email__iexact=email,
                email_confirmed_at__isnull=True,
                anonymised_at__isnull=True,
            )
            .first()
        )
        if profile is not None:
            send_email_confirmation(profile)
        # Same answer whether the address is known or not.
        messages.success(
            request,
            _(
                "Si un compte en attente de confirmation utilise cette adresse, un nouveau lien "
                "vient d’y être envoyé."
            ),
        )
        return redirect(settings.LOGIN_URL)
    return never_cache_response(render(request, "tenants/resend_confirmation.html", {"form": form}))
