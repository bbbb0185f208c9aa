"""The calendar invitation of a confirmed visit (RFC 5545, built with ``icalendar``).

Each household gets its own invitation: the organiser is the platform, the one
attendee is the household the file is for (never the other household's address).
``METHOD:REQUEST`` for a confirmed visit, ``METHOD:CANCEL`` once it is cancelled or
re-planned; the ``UID`` stays the visit's, the ``SEQUENCE`` is the visit's
``sequence`` (grown at each invitation or cancellation sent). Times are written in
Europe/Paris with its ``VTIMEZONE``.
"""

import datetime as dt
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.conversations.services import pseudonym
from portal.siteurl import absolute_url

from .models import Visit

PARIS = ZoneInfo("Europe/Paris")
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PRODID = "-//Echanger Habiter//Visites//FR"
CONTENT_TYPE = "text/calendar"


def home_address(profile) -> str:
    """The postal address of the household's home, from the patrimoine file."""
    dwelling = getattr(profile, "dwelling", None)
    if dwelling is None:
        return ""
    commune = dwelling.commune
    postal = (commune.postal_codes or "").replace(",", " ").split()
    town = " ".join(filter(None, [postal[0] if postal else "", commune.name]))
    return f"{dwelling.address}, {town}" if town else dwelling.address


def uid_of(visit: Visit) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "echangerhabiter.example"
    return f"visite-{visit.uid}@{host}"


def summary_for(visit: Visit, profile) -> str:
    if profile.pk == visit.host_id:
        return _("Visite de votre logement par %(name)s (Echanger Habiter)") % {
            "name": pseudonym(visit.visitor)
        }
    return _("Visite du logement de %(name)s (Echanger Habiter)") % {"name": pseudonym(visit.host)}


def build(visit: Visit, profile, method: str = REQUEST, *, now=None) -> bytes:
    """The ``.ics`` of ``visit`` for the household ``profile`` (host or visitor)."""
    now = now or timezone.now()
    start = visit.starts_at.astimezone(PARIS)
    end = visit.ends_at.astimezone(PARIS)
    page = absolute_url(reverse("visits:detail", args=[visit.pk]))

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = icalendar.Event()
    event.add("uid", uid_of(visit))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("sequence", visit.sequence)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary_for(visit, profile))
    event.add("url", page)
    if method == CANCEL:
        event.add("status", "CANCELLED")
        event.add("description", _("Cette visite est annulée. Détails : %(url)s") % {"url": page})
    else:
        event.add("status", "CONFIRMED")
        event.add("location", home_address(visit.host))
        event.add(
            "description",
            _(
                "Visite convenue sur Echanger Habiter. Pour l’annuler ou proposer "
                "d’autres créneaux : %(url)s"
            )
            % {"url": page},
        )
    event.add("transp", "OPAQUE")
    organizer_name, organizer_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{organizer_address}")
    organizer.params["CN"] = organizer_name or "Echanger Habiter"
    event.add("organizer", organizer)
    if profile.user.email:
        attendee = icalendar.vCalAddress(f"mailto:{profile.user.email}")
        attendee.params.update(
            {
                "CN": pseudonym(profile),
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "ACCEPTED",
                "RSVP": "FALSE",
            }
        )
        event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=start.date() - dt.timedelta(days=366),
        last_date=start.date() + dt.timedelta(days=366),
    )
    return calendar.to_ical()


def filename(visit: Visit) -> str:
    return f"visite-{visit.pk}.ics"


def mimetype(method: str) -> str:
    return f"{CONTENT_TYPE}; method={method}; charset=utf-8"
