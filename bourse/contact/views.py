"""Public contact form, its confirmation page, and the inbox's attachment view."""

import logging
import mimetypes

from django.conf import settings
from django.contrib import messages as django_messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_ratelimit.core import get_usage

from bourse.audit.log import record_access
from bourse.audit.models import Screen
from portal.http import never_cache_response
from portal.storage import private_file_response

from . import access, services
from .forms import ContactForm, OptionalTextActionForm
from .models import ContactMessage, Destination, Status

logger = logging.getLogger(__name__)

RATE_GROUP = "contact.submit"
SESSION_KEY = "contact_last_reference"
RATE_LIMIT_MESSAGE = _(
    "Vous avez envoyé plusieurs messages en peu de temps depuis cette connexion. "
    "Pour nous protéger des envois abusifs, l’envoi est suspendu pendant une heure : "
    "votre texte est conservé ci-dessous, réessayez plus tard."
)


def _usage(request, increment: bool):
    return get_usage(
        request,
        group=RATE_GROUP,
        key="ip",
        rate=settings.CONTACT_RATE_LIMIT,
        method="POST",
        increment=increment,
    )


def rate_limited(request) -> bool:
    """True once this address has sent its quota of messages (shared cache).

    If the cache is unavailable the form stays open: a lost message costs
    more than a few extra ones."""
    usage = _usage(request, increment=False)
    if not usage or not usage["limit"]:
        return False
    return usage["count"] >= usage["limit"]


class ContactView(FormView):
    """The contact form. The tenant area reuses it by overriding
    ``get_initial`` (see ``ContactForm.initial_for_tenant``)."""

    form_class = ContactForm
    template_name = "contact/contact_form.html"

    def get(self, request, *args, **kwargs):
        return never_cache_response(super().get(request, *args, **kwargs))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if rate_limited(request):
            form.is_valid()  # keep the sender's text, show the field errors too
            errors = form._errors or ErrorDict()
            errors[NON_FIELD_ERRORS] = form.error_class(
                [RATE_LIMIT_MESSAGE], error_class="nonfield"
            )
            form._errors = errors
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = "3600"
            return never_cache_response(response)
        if form.is_spam:
            # Pretend success without storing anything.
            _usage(request, increment=True)
            request.session.pop(SESSION_KEY, None)
            return redirect("contact:thanks")
        if form.is_valid():
            return self.form_valid(form)
        return never_cache_response(self.form_invalid(form))

    def form_valid(self, form):
        data = form.cleaned_data
        attachment = data.get("attachment")
        attachment_name = ""
        if attachment is not None:
            attachment_name = attachment.name[:255]
            attachment.name = f"piece-jointe.{attachment.detected_extension}"
        message = services.submit(
            sender_kind=data["sender_kind"],
            name=data["name"],
            email=data["email"],
            topic=data["topic"],
            body=data["body"],
            landlord=form.landlord_instance,
            landlord_other=data.get("landlord_other", ""),
            tenant_reference=data.get("tenant_reference", "").strip(),
            attachment=attachment,
            attachment_name=attachment_name,
        )
        _usage(self.request, increment=True)
        self.request.session[SESSION_KEY] = message.pk
        return redirect("contact:thanks")


def thanks(request):
    """The confirmation page; shown whatever happened to the mails."""
    message = None
    message_id = request.session.get(SESSION_KEY)
    if message_id:
        message = ContactMessage.objects.filter(pk=message_id).select_related("landlord").first()
    context = {
        "message": message,
        "to_landlord": message is not None and message.destination == Destination.LANDLORD,
    }
    return never_cache_response(render(request, "contact/thanks.html", context))


def attachment(request, pk):
    """A message's attachment, for the staff who can see that message only."""
    if not access.can_use_inbox(request.user):
        raise Http404
    message = get_object_or_404(access.visible_messages(request.user), pk=pk)
    if not message.attachment:
        raise Http404
    record_access(request, screen=Screen.CONTACT_MESSAGE, reference=message.reference)
    content_type = mimetypes.guess_type(message.attachment.name)[0] or "application/octet-stream"
    return private_file_response(
        message.attachment,
        content_type=content_type,
        filename=f"{message.reference}-{message.attachment.name.rsplit('/', 1)[-1]}",
    )


# --- Landlord staff: the requests forwarded to their organisation ---------------


def _landlord_or_deny(request):
    landlord = access.staff_landlord(request.user)
    if landlord is None:
        raise PermissionDenied
    return landlord


@login_required
def landlord_list(request):
    landlord = _landlord_or_deny(request)
    messages_ = access.visible_messages(request.user).order_by("-forwarded_at")
    status = request.GET.get("statut", "")
    if status in Status.values:
        messages_ = messages_.filter(status=status)
    page = Paginator(messages_, 25).get_page(request.GET.get("page"))
    context = {
        "landlord": landlord,
        "page_obj": page,
        "status": status,
        "statuses": [
            (s.value, s.label) for s in (Status.FORWARDED, Status.ANSWERED, Status.CLOSED)
        ],
    }
    return never_cache_response(render(request, "contact/landlord_list.html", context))


@login_required
def landlord_detail(request, pk):
    landlord = _landlord_or_deny(request)
    message = get_object_or_404(access.visible_messages(request.user), pk=pk)
    if request.method == "GET":
        record_access(request, screen=Screen.CONTACT_MESSAGE, reference=message.reference)
    can_mark = message.status not in (Status.ANSWERED, Status.CLOSED)
    form = OptionalTextActionForm(request.POST or None, prefix="answered")
    if request.method == "POST":
        if not can_mark:
            raise PermissionDenied
        if form.is_valid():
            services.mark_answered(message, request.user, form.cleaned_data["text"])
            django_messages.success(request, _("La demande est marquée comme répondue."))
            return redirect("contact:landlord_detail", pk=message.pk)
    context = {
        "landlord": landlord,
        "message": message,
        "events": access.visible_events(request.user, message),
        "form": form if can_mark else None,
    }
    return never_cache_response(render(request, "contact/landlord_detail.html", context))
