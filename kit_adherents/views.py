"""Views of the member area: rate-limited password form, older versions."""

import mimetypes

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import get_usage
from wagtail import views as wagtail_views
from wagtail.documents.views import serve as wagtaildocs_serve
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from portal.http import never_cache_response
from portal.storage import private_file_response

from . import access
from .models import KitDocumentVersion

RATE_GROUP = "kit_adherents.password"


def _usage(request, increment: bool):
    return get_usage(
        request,
        group=RATE_GROUP,
        key="ip",
        rate=getattr(settings, "KIT_PASSWORD_RATE", "10/10m"),
        method="POST",
        increment=increment,
    )


def password_attempts_blocked(request) -> bool:
    """True once this address has used up its failed attempts (shared cache)."""
    usage = _usage(request, increment=False)
    if usage is None:  # RATELIMIT_FAIL_OPEN and the cache is down
        return False
    if usage["limit"] == 0:  # the cache failed: fail closed
        return True
    return usage["count"] >= usage["limit"]


def record_failed_attempt(request) -> None:
    _usage(request, increment=True)


RATE_LIMIT_MESSAGE = gettext_lazy(
    "Trop de mots de passe erronés ont été saisis depuis votre adresse. "
    "Par sécurité, la saisie est bloquée pendant quelques minutes : réessayez dans "
    "10 minutes ou connectez-vous avec votre compte adhérent."
)


def rate_limited_response(request, page, restriction, action_url):
    """The password form again, with the limit's message and status 429; the
    submitted password is not even checked."""
    form = PasswordViewRestrictionForm(
        instance=restriction, initial={"return_url": request.POST.get("return_url", "")}
    )
    form._errors = ErrorDict(
        {NON_FIELD_ERRORS: form.error_class([RATE_LIMIT_MESSAGE], error_class="nonfield")}
    )
    response = page.serve_password_required_response(request, form, action_url)
    response.status_code = 429
    response["Retry-After"] = "600"
    return never_cache_response(response)


def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's page password form, limited in failed attempts per address,
    and recording a fingerprint of the password (see ``access``)."""
    restriction = PageViewRestriction.objects.filter(id=page_view_restriction_id).first()
    if restriction is None:
        # The password was changed (new restriction id) while the form was open.
        page = get_object_or_404(Page, id=page_id)
        restriction = (
            page.get_view_restrictions()
            .filter(restriction_type=PageViewRestriction.PASSWORD)
            .order_by("-page__depth")
            .first()
        )
        if restriction is None:
            raise Http404
        page_view_restriction_id = restriction.id
    if request.method == "POST":
        if password_attempts_blocked(request):
            page = get_object_or_404(Page, id=page_id).specific
            action_url = reverse(
                "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
            )
            return rate_limited_response(request, page, restriction, action_url)
    response = wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
    if request.method == "POST":
        if response.status_code in (301, 302, 303):
            access.remember_passed(request, restriction, via="password")
            if access.request_has_kit_access(request):
                access.grant_kit_access(request, via="password")
        else:
            record_failed_attempt(request)
    return never_cache_response(response)


def authenticate_collection_with_password(request, restriction_id):
    """Wagtail's collection password form, with the same brute-force limit.

    The kit's collection has a random password nobody types (visitors use the
    kit's); this only closes a second door to guessing."""
    get_object_or_404(CollectionViewRestriction, id=restriction_id)
    if request.method == "POST" and password_attempts_blocked(request):
        response = HttpResponse(RATE_LIMIT_MESSAGE, status=429, content_type="text/plain")
        response["Retry-After"] = "600"
        return never_cache_response(response)
    response = wagtaildocs_serve.authenticate_with_password(request, restriction_id)
    if request.method == "POST" and response.status_code not in (301, 302, 303):
        record_failed_attempt(request)
    return never_cache_response(response)


def access_denied_response(request):
    """The kit's password form (one password for pages and files), or 403."""
    kit = access.get_kit_index(request)
    restriction = access.kit_password_restriction(kit)
    if restriction is None:
        response = HttpResponse(
            _("Accès réservé aux adhérents."), status=403, content_type="text/plain"
        )
        return never_cache_response(response)
    form = PasswordViewRestrictionForm(
        instance=restriction, initial={"return_url": request.get_full_path()}
    )
    action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, kit.id])
    response = kit.serve_password_required_response(request, form, action_url)
    response.status_code = 403
    return never_cache_response(response)


def serve_document(request, document_id, document_filename):
    """Wagtail's document view (its ``before_serve_document`` hooks check
    access); private files get private cache headers."""
    response = wagtaildocs_serve.serve(request, document_id, document_filename)
    from wagtail.documents import get_document_model

    document = get_document_model().objects.filter(pk=document_id).only("collection_id").first()
    if document is not None and access.document_is_private(document):
        never_cache_response(response)
    return response


def serve_version(request, version_id, filename):
    """Download an older version of a document (same rules as the current one)."""
    version = get_object_or_404(
        KitDocumentVersion.objects.select_related("document"), pk=version_id
    )
    if version.filename != filename:
        raise Http404
    private = access.document_is_private(version.document)
    if private and not access.request_has_kit_access(request):
        return access_denied_response(request)
    try:
        response = private_file_response(
            version.file,
            filename=version.filename,
            content_type=mimetypes.guess_type(version.filename)[0],
        )
    except FileNotFoundError as error:
        raise Http404 from error
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
