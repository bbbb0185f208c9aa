"""The one sign-in page, sign-out and password reset (every kind of account)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import RedirectView

from portal import spaces

from . import sign_in_refusal
from .forms import PasswordResetForm, SignInForm, find_user
from .sessions import start_session
from .throttle import TOO_MANY_ATTEMPTS, password_reset_limited, sign_in_limited


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    user = request.user
    if request.method != "POST" and user.is_authenticated:
        target = spaces.safe_next(request, user, wanted)
        if target or not wanted:
            return redirect(target or spaces.home_url(user))
    form = SignInForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST":
        limited = sign_in_limited(request)  # every POST counts, valid or not
        if limited:
            form.is_valid()
            form.add_error(None, TOO_MANY_ATTEMPTS)
        elif form.is_valid():
            found = find_user(form.cleaned_data["username"])
            account = None
            if found is not None:
                account = authenticate(
                    request,
                    username=found.get_username(),
                    password=form.cleaned_data["password"],
                )
            if account is None:
                form.add_error(
                    None, _("Identifiant, adresse électronique ou mot de passe incorrect.")
                )
            else:
                refusal = sign_in_refusal(account)
                if refusal is not None:
                    form.add_error(None, refusal.message)
                else:
                    login(request, account)
                    start_session(request, account, remember=form.cleaned_data["remember"])
                    target = spaces.safe_next(request, account, wanted)
                    return HttpResponseRedirect(target or spaces.home_url(account))
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": wanted,
            "refusal": refusal,
            # Signed in, but the page asked for is not open to this account.
            "denied": user.is_authenticated and request.method != "POST",
        },
    )


@never_cache
def sign_out(request):
    if request.method == "POST":
        logout(request)
        messages.success(request, _("Vous êtes déconnecté."))
        return redirect("accounts:login")
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "accounts/sign_out.html")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL.rstrip("/")}  # never the request's host

    def form_valid(self, form):
        if password_reset_limited(self.request):
            return redirect(self.success_url)  # the same answer: nothing to learn
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(never_cache, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class OldSignInRedirect(RedirectView):
    """The former doors (``/admin/login/``, ``/locataire/connexion/``…): bookmarks keep
    working; they never read a password."""

    permanent = False
    query_string = True

    def get_redirect_url(self, *args, **kwargs):
        self.url = reverse("accounts:login")
        return super().get_redirect_url(*args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)
