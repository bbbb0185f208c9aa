"""Mails to tenants, all through ``portal.mail.queue_email`` (stored, then sent).

There is deliberately no "votre compte a été réactivé" mail: reactivation
by staff or by a job is silent (lifecycle.reactivate), and a tenant who
reactivates their own listing needs no mail either.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.mail import queue_email
from portal.siteurl import absolute_url

from .tokens import email_confirmation_token, keep_alive_token, uid_for


def absolute(path: str) -> str:
    return absolute_url(path)


def _send(profile, subject, template, context, kind):
    email = profile.user.email
    if not email or profile.anonymised_at is not None:
        return None
    context = {
        "profile": profile,
        "dashboard_url": absolute(reverse("tenants:dashboard")),
        **context,
    }
    return queue_email(
        to=[email],
        subject=subject,
        body=render_to_string(f"tenants/emails/{template}.txt", context),
        kind=f"tenants_{kind}",
    )


def send_email_confirmation(profile):
    user = profile.user
    path = reverse(
        "tenants:confirm_email",
        args=[uid_for(user), email_confirmation_token.make_token(user)],
    )
    return _send(
        profile,
        _("Confirmez votre adresse électronique — Echanger Habiter"),
        "confirm_email",
        {"confirm_url": absolute(path)},
        "confirm_email",
    )


def send_deactivation_warning(listing, kind, stage, deadline):
    token = keep_alive_token(listing.pk, kind, deadline.isoformat())
    return _send(
        listing.tenant,
        _("Votre compte Echanger Habiter sera désactivé le %(date)s")
        % {"date": deadline.strftime("%d/%m/%Y")},
        "deactivation_warning",
        {
            "kind": kind,
            "stage": stage,
            "deadline": deadline,
            "keep_url": absolute(reverse("tenants:keep_alive", args=[token])),
            "sign_in_url": absolute(reverse("accounts:login")),
        },
        "deactivation_warning",
    )


def send_deactivated(listing, reason_label):
    return _send(
        listing.tenant,
        _("Votre compte Echanger Habiter est désactivé"),
        "deactivated",
        {"listing": listing, "reason_label": reason_label},
        "deactivated",
    )


def send_content_removed(listing, what, reason):
    return _send(
        listing.tenant,
        _("Un contenu de votre annonce a été retiré"),
        "content_removed",
        {"listing": listing, "what": what, "reason": reason},
        "content_removed",
    )


def send_contact_received(request_obj):
    return _send(
        request_obj.receiver,
        _("Un locataire souhaite échanger avec vous"),
        "contact_received",
        {
            "request": request_obj,
            "url": absolute(reverse("tenants:request_detail", args=[request_obj.pk])),
        },
        "contact_received",
    )


def send_contact_answered(request_obj):
    return _send(
        request_obj.sender,
        _("Réponse à votre demande de contact"),
        "contact_answered",
        {
            "request": request_obj,
            "url": absolute(reverse("tenants:request_detail", args=[request_obj.pk])),
        },
        "contact_answered",
    )


def send_ready_for_file(request_obj):
    url = absolute(reverse("tenants:request_detail", args=[request_obj.pk]))
    for profile in (request_obj.sender, request_obj.receiver):
        _send(
            profile,
            _("Vous avez tous deux saisi votre NUR"),
            "ready_for_file",
            {"request": request_obj, "url": url},
            "ready_for_file",
        )


def send_contact_reminder(request_obj, days_left):
    url = absolute(reverse("tenants:request_detail", args=[request_obj.pk]))
    context = {"request": request_obj, "days_left": days_left, "url": url}
    subject = _("Une demande de contact attend votre réponse")
    return _send(request_obj.receiver, subject, "contact_reminder", context, "contact_reminder")


def send_paused_unanswered(listing, count, days):
    context = {"listing": listing, "count": count, "days": days}
    context["requests_url"] = absolute(reverse("tenants:requests"))
    subject = _("Votre annonce est retirée de la recherche")
    return _send(listing.tenant, subject, "paused_unanswered", context, "paused_unanswered")


def send_alert_digest(profile, digest):
    from .tokens import unsubscribe_token

    return _send(
        profile,
        _("Nouveautés pour vos recherches — Echanger Habiter"),
        "alert_digest",
        {
            "digest": digest,
            "searches_url": absolute(reverse("tenants:saved_searches")),
            "search_url": absolute(reverse("tenants:search")),
            "unsubscribe_all_url": absolute(
                reverse("tenants:unsubscribe", args=[unsubscribe_token(profile.pk, "email")])
            ),
        },
        "alert_digest",
    )
