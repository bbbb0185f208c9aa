"""Conversation screens: the tenant's list and one conversation, one small POST view per
thing a household does in it; the AMO's queue of reported messages.

Someone else's conversation answers 404. A GET writes nothing: a conversation is
marked read by a POST (``read``) — sent by the page's script as soon as it is shown,
by the « Marquer comme lu » button without script, and by writing a message.
Staff never reach a conversation except through a report (AMO only).
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from bourse import permissions as staff_permissions
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.contact_details import masked_notice
from bourse.permissions import staff_required
from bourse.staff.context import staff_context
from bourse.tenancy import tenant_required

from . import services
from .forms import MessageForm, PreferencesForm, ReportForm, ShareForm
from .models import Conversation, Message, MessageReport, MessagingPreferences, ReportStatus


def _conversation_of(request, pk) -> Conversation:
    """A conversation of the signed-in tenant; anything else is 404."""
    return get_object_or_404(
        Conversation.objects.select_related("contact_request__exchange_file").filter(
            participants__tenant=request.tenant
        ),
        pk=pk,
    )


def _back(conversation):
    return redirect("conversations:detail", pk=conversation.pk)


@tenant_required
def conversation_list(request):
    profile = request.tenant
    items = list(services.conversations_of(profile))
    for conversation in items:
        conversation.names = [services.pseudonym(t) for t in services.others(conversation, profile)]
        conversation.open = services.is_open(conversation)
    return render(request, "conversations/list.html", {"conversations": items})


def _households(conversation, profile, seats):
    """The other households as the page shows them: pseudonym, shared number, block."""
    phones = services.visible_phones(conversation, profile)
    shares = services.my_shares(conversation, profile)
    blocked = services.blocked_by(profile)
    return [
        {
            "seat": seat,
            "name": services.pseudonym(seat.tenant),
            "phone": phones.get(seat.tenant_id, ""),
            "shared": shares.get(seat.tenant_id),
            "blocked": seat.tenant_id in blocked,
        }
        for seat in seats
        if seat.tenant_id != profile.pk
    ]


def _page(request, conversation, *, form=None, status=200):
    profile = request.tenant
    seats = list(conversation.participants.select_related("tenant__user").order_by("pk"))
    me = next(seat for seat in seats if seat.tenant_id == profile.pk)
    names = {seat.tenant_id: services.pseudonym(seat.tenant) for seat in seats}
    items = list(conversation.messages.all())
    for message in items:
        message.mine = message.sender_id == profile.pk
        message.author = _("Vous") if message.mine else names.get(message.sender_id, "")
        message.unread = not message.mine and message.pk > me.last_read_id
    refusal = services.write_refusal(conversation, profile)
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "items": items,
            "last_id": items[-1].pk if items else 0,
            "has_unread": any(m.unread for m in items),
            "households": _households(conversation, profile, seats),
            "open": services.is_open(conversation),
            "refusal": refusal,
            "form": form or MessageForm(),
            "report_form": ReportForm(),
            "share_form": ShareForm(),
            "profile_phone": profile.phone,
        },
        status=status,
    )


@tenant_required
def detail(request, pk):
    return _page(request, _conversation_of(request, pk))


@tenant_required
def for_request(request, pk):
    conversation = get_object_or_404(
        Conversation.objects.filter(participants__tenant=request.tenant),
        contact_request_id=pk,
    )
    return _back(conversation)


def rate() -> str:
    return getattr(settings, "CONVERSATION_MESSAGE_RATE", "20/10m")


@require_POST
@tenant_required
def post(request, pk):
    conversation = _conversation_of(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _page(request, conversation, form=form, status=400)
    if is_ratelimited(
        request,
        group="conversations:post",
        key="user",
        rate=rate(),
        method="POST",
        increment=True,
    ):
        form.add_error(
            "body",
            _("Vous avez envoyé beaucoup de messages en peu de temps : réessayez dans un moment."),
        )
        return _page(request, conversation, form=form, status=429)
    try:
        message = services.post_message(conversation, request.tenant, form.cleaned_data["body"])
    except services.ConversationError as error:
        form.add_error("body", str(error))
        return _page(request, conversation, form=form, status=400)
    if message.found:
        messages.warning(request, masked_notice(message.found))
    messages.success(request, _("Votre message est envoyé."))
    return _back(conversation)


@require_POST
@tenant_required
def read(request, pk):
    conversation = _conversation_of(request, pk)
    upto = request.POST.get("upto") or None
    if upto is not None and not str(upto).isdigit():
        upto = None
    services.mark_read(conversation, request.tenant, upto)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return _back(conversation)


def _other_seat(conversation, request, field="recipient"):
    try:
        seat_pk = int(request.POST.get(field, ""))
    except ValueError as error:
        raise Http404 from error
    seat = conversation.participants.select_related("tenant__user").filter(pk=seat_pk).first()
    if seat is None or seat.tenant_id == request.tenant.pk:
        raise Http404
    return seat


@require_POST
@tenant_required
def share(request, pk):
    conversation = _conversation_of(request, pk)
    seat = _other_seat(conversation, request)
    form = ShareForm(request.POST)
    phone = form.cleaned_data.get("phone", "") if form.is_valid() else ""
    try:
        services.share_phone(conversation, request.tenant, seat.tenant, phone)
    except services.ConversationError as error:
        messages.error(request, str(error))
        return _back(conversation)
    messages.success(
        request,
        _("Votre numéro est partagé avec %(name)s. Vous pouvez retirer ce partage à tout moment.")
        % {"name": services.pseudonym(seat.tenant)},
    )
    return _back(conversation)


@require_POST
@tenant_required
def revoke(request, pk):
    conversation = _conversation_of(request, pk)
    seat = _other_seat(conversation, request)
    services.revoke_phone(conversation, request.tenant, seat.tenant_id)
    messages.success(
        request,
        _("%(name)s ne voit plus votre numéro.") % {"name": services.pseudonym(seat.tenant)},
    )
    return _back(conversation)


@require_POST
@tenant_required
def block(request, pk):
    conversation = _conversation_of(request, pk)
    seat = _other_seat(conversation, request, "household")
    services.block(conversation, request.tenant, seat.tenant)
    messages.success(
        request,
        _("%(name)s est bloqué : vous ne recevrez plus de demande ni de message de ce ménage.")
        % {"name": services.pseudonym(seat.tenant)},
    )
    return _back(conversation)


@require_POST
@tenant_required
def unblock(request, pk):
    conversation = _conversation_of(request, pk)
    seat = _other_seat(conversation, request, "household")
    services.unblock(request.tenant, seat.tenant)
    messages.success(request, _("Le blocage est levé."))
    return _back(conversation)


@require_POST
@tenant_required
def report(request, pk, message_pk):
    conversation = _conversation_of(request, pk)
    message = get_object_or_404(Message, pk=message_pk, conversation=conversation)
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.report_message(message, request.tenant, reason)
    except services.ConversationError as error:
        messages.error(request, str(error))
        return _back(conversation)
    messages.success(
        request,
        _(
            "Le message est signalé à l’équipe de la bourse, qui lira cette conversation. "
            "Vous pouvez aussi bloquer ce ménage."
        ),
    )
    return _back(conversation)


@tenant_required
def preferences(request):
    profile = request.tenant
    current = services.preferences_of(profile)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={
            "display_name": current.display_name,
            "mail_with_text": current.mail_with_text,
            "sms": current.sms,
        },
    )
    if request.method == "POST" and form.is_valid():
        MessagingPreferences.objects.update_or_create(tenant=profile, defaults=form.cleaned_data)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("conversations:preferences")
    return render(
        request,
        "conversations/preferences.html",
        {"form": form, "pseudonym": services.pseudonym(profile), "profile": profile},
        status=400 if form.is_bound else 200,
    )


# --- The AMO: reported messages only ----------------------------------------------------------


def _is_amo(user) -> bool:
    return staff_permissions.is_super_admin(user)


@staff_required(test=_is_amo)
def staff_reports(request):
    reports = list(
        MessageReport.objects.filter(status=ReportStatus.OPEN)
        .select_related("message__sender__user", "reporter__user")
        .order_by("created_at", "pk")
    )
    return render(
        request, "conversations/staff/reports.html", staff_context(request, reports=reports)
    )


@staff_required(test=_is_amo)
def staff_report(request, pk):
    """One report and its conversation (the only way staff read one)."""
    report_obj = get_object_or_404(
        MessageReport.objects.select_related("conversation", "message__sender"), pk=pk
    )
    conversation = report_obj.conversation
    if request.method == "GET":
        record_access(
            request,
            screen=Screen.CONVERSATION,
            tenant=report_obj.message.sender,
            reference=f"signalement-{report_obj.pk}",
        )
    if request.method == "POST":
        services.close_report(report_obj, request.user, request.POST.get("outcome", ""))
        messages.success(request, _("Le signalement est traité."))
        return redirect("conversations:staff_reports")
    seats = list(conversation.participants.select_related("tenant__user", "tenant__landlord"))
    names = {seat.tenant_id: services.pseudonym(seat.tenant) for seat in seats}
    items = list(conversation.messages.all())
    for message in items:
        message.author = names.get(message.sender_id, _("Ménage supprimé"))
        message.reported = message.pk == report_obj.message_id
    return render(
        request,
        "conversations/staff/report.html",
        staff_context(
            request,
            report=report_obj,
            conversation=conversation,
            items=items,
            households=[
                {"name": names[seat.tenant_id], "landlord": seat.tenant.landlord} for seat in seats
            ],
        ),
    )
