"""« Télécharger mes données »: a tenant's data as a ZIP (issue 18).

``donnees.json`` holds every section (readable keys: the fields' French
labels); each section is also a CSV file (``;``, UTF-8 with BOM, opens in a
spreadsheet); the listing's photos are in ``photos/``. Built in memory from
reads only: the download writes nothing.

``SECTIONS`` is the list of what a tenant gets: (file name, function of the
profile returning a dict or a list of dicts). A new kind of tenant data adds
its section here.
"""

import csv
import datetime as dt
import decimal
import io
import json
import zipfile

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.conversations import services as conversations
from bourse.conversations.models import Message, PhoneShare
from bourse.exchanges.models import ExchangeParty
from bourse.tenants.models import (
    AlertDigest,
    ContactRequest,
    Listing,
    ListingPhoto,
    SavedSearch,
    TenantProfile,
    VisitOutcome,
)
from portal.models import OutboundEmail


def _value(obj, field):
    value = getattr(obj, field.attname if field.is_relation else field.name)
    if field.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{field.name}_display")())
    if field.is_relation:
        related = getattr(obj, field.name)
        return str(related) if related is not None else None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def describe(obj, names) -> dict:
    """``{French label: readable value}`` for the named fields of ``obj``."""
    fields = {f.name: f for f in obj._meta.get_fields() if hasattr(f, "verbose_name")}
    return {str(fields[name].verbose_name): _value(obj, fields[name]) for name in names}


def profile_section(profile: TenantProfile) -> dict:
    user = profile.user
    data = {
        _("identifiant"): user.username,
        _("prénom"): user.first_name,
        _("nom"): user.last_name,
        _("adresse électronique"): user.email,
        _("dernière connexion"): _value(user, user._meta.get_field("last_login")),
    }
    data.update(
        describe(
            profile,
            [
                "landlord",
                "tenant_reference",
                "housing_reference",
                "birth_name",
                "phone",
                "household_size",
                "exchange_reason",
                "nur",
                "created_at",
                "email_confirmed_at",
                "kept_alive_at",
            ],
        )
    )
    return data


def consents_section(profile: TenantProfile) -> dict:
    data = describe(
        profile,
        [
            "email_confirmed_at",
            "alert_email",
            "alert_sms",
            "alert_sms_consented_at",
            "chain_alerts",
        ],
    )
    data[_("conditions d’utilisation acceptées le")] = _value(
        profile, profile._meta.get_field("created_at")
    )
    return data


def listing_section(profile: TenantProfile) -> dict:
    listing = Listing.objects.select_related("commune").filter(tenant=profile).first()
    if listing is None:
        return {}
    data = describe(
        listing,
        [
            "status",
            "status_changed_at",
            "deactivation_reason",
            "published_at",
            "description",
            "commune",
            "typology",
            "surface",
            "monthly_cost",
            "floor",
            "lift",
            "accessible",
            "any_commune",
            "min_surface",
            "max_monthly_cost",
            "max_floor",
            "lift_required",
            "accessible_required",
            "created_at",
        ],
    )
    data[_("typologies recherchées")] = ", ".join(listing.wanted_typologies)
    data[_("communes recherchées")] = ", ".join(c.name for c in listing.wanted_communes.all())
    return data


def history_section(profile: TenantProfile) -> list[dict]:
    listing = Listing.objects.filter(tenant=profile).first()
    if listing is None:
        return []
    return [
        describe(event, ["at", "kind", "actor_kind", "from_status", "to_status", "reason"])
        for event in listing.events.order_by("at", "pk")
    ]


def photos_section(profile: TenantProfile) -> list[dict]:
    return [
        {
            _("fichier"): f"photos/{photo.pk}-{photo.file.name.rsplit('/', 1)[-1]}",
            **describe(photo, ["created_at", "removed_at"]),
        }
        for photo in _photos(profile)
    ]


def _photos(profile):
    return ListingPhoto.objects.filter(listing__tenant=profile).exclude(file="").order_by("pk")


def requests_section(profile: TenantProfile) -> list[dict]:
    rows = []
    requests = (
        ContactRequest.objects.filter(Q(sender=profile) | Q(receiver=profile))
        .select_related("sender__user", "receiver__user")
        .order_by("created_at", "pk")
    )
    for request in requests:
        sent = request.sender_id == profile.pk
        other = request.receiver if sent else request.sender
        row = {
            _("sens"): _("envoyée") if sent else _("reçue"),
            _("autre foyer"): other.public_name,
        }
        row.update(describe(request, ["created_at", "status", "message", "answer", "answered_at"]))
        rows.append(row)
    return rows


def visits_section(profile: TenantProfile) -> list[dict]:
    return [
        describe(outcome, ["visited_on", "interested", "reason", "recorded_at"])
        for outcome in VisitOutcome.objects.filter(tenant=profile).order_by("recorded_at")
    ]


def files_section(profile: TenantProfile) -> list[dict]:
    rows = []
    parties = (
        ExchangeParty.objects.filter(tenant_user=profile.user)
        .select_related("file", "landlord", "dwelling_left", "dwelling_taken")
        .order_by("file__opened_at")
    )
    for party in parties:
        file = party.file
        row = {_("dossier"): file.reference}
        row.update(describe(file, ["step", "opened_at", "nurs_date", "completed_on", "closed_at"]))
        row.update(
            describe(
                party,
                [
                    "landlord",
                    "tenant_name",
                    "tenant_reference",
                    "nur",
                    "cal_date",
                    "cal_decision",
                ],
            )
        )
        rows.append(row)
    return rows


def conversations_section(profile: TenantProfile) -> list[dict]:
    """Every message of the tenant's conversations (others by their pseudonym)."""
    names = {}
    rows = []
    messages = (
        Message.objects.filter(conversation__participants__tenant=profile)
        .select_related("sender__user")
        .order_by("conversation_id", "created_at", "pk")
    )
    for message in messages:
        if message.sender_id == profile.pk:
            author = _("vous")
        else:
            if message.sender_id not in names:
                names[message.sender_id] = conversations.pseudonym(message.sender)
            author = names[message.sender_id]
        row = {_("conversation"): message.conversation_id, _("auteur"): author}
        row.update(describe(message, ["created_at", "body"]))
        rows.append(row)
    return rows


def phone_shares_section(profile: TenantProfile) -> list[dict]:
    return [
        {
            _("conversation"): share.conversation_id,
            _("partagé avec"): conversations.pseudonym(share.recipient),
            **describe(share, ["phone", "shared_at", "revoked_at"]),
        }
        for share in PhoneShare.objects.filter(owner=profile).select_related("recipient__user")
    ]


def saved_searches_section(profile: TenantProfile) -> list[dict]:
    return [
        {
            **describe(search, ["name", "alerts", "created_at"]),
            _("filtres"): json.dumps(search.filters, ensure_ascii=False, sort_keys=True),
        }
        for search in SavedSearch.objects.filter(tenant=profile).order_by("created_at")
    ]


def alerts_section(profile: TenantProfile) -> list[dict]:
    return [
        describe(digest, ["day", "listings", "chains", "by_email", "by_sms"])
        for digest in AlertDigest.objects.filter(tenant=profile).order_by("day")
    ]


def mails_section(profile: TenantProfile) -> list[dict]:
    email = profile.user.email
    if not email:
        return []
    return [
        describe(mail, ["created_at", "subject", "status", "sent_at"])
        for mail in OutboundEmail.objects.filter(to__icontains=email).order_by("created_at")
        if email.lower() in (a.lower() for a in mail.to)
    ]


SECTIONS = [
    ("profil", profile_section),
    ("consentements", consents_section),
    ("annonce", listing_section),
    ("historique_annonce", history_section),
    ("photos", photos_section),
    ("demandes_de_contact", requests_section),
    ("visites", visits_section),
    ("dossiers_echange", files_section),
    ("recherches_enregistrees", saved_searches_section),
    ("alertes", alerts_section),
    ("courriels", mails_section),
    ("conversations", conversations_section),
    ("numeros_partages", phone_shares_section),
]


def _csv(section) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if isinstance(section, dict):
        writer.writerow([_("champ"), _("valeur")])
        writer.writerows([key, "" if value is None else value] for key, value in section.items())
    elif section:
        keys = list(section[0])
        writer.writerow(keys)
        for row in section:
            writer.writerow(["" if row.get(key) is None else row.get(key) for key in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


README = _(
    "Vos données sur le portail Echanger Habiter, extraites le %(date)s.\n\n"
    "donnees.json : toutes les rubriques en un fichier (format JSON).\n"
    "Un fichier CSV par rubrique (séparateur « ; », s’ouvre dans un tableur).\n"
    "photos/ : les photos de votre annonce.\n\n"
    "Pour toute question sur vos données, écrivez à votre bailleur ou utilisez le "
    "formulaire de contact du portail.\n"
)


def build_archive(profile: TenantProfile) -> bytes:
    """The ZIP of the tenant's data (in memory)."""
    profile = TenantProfile.objects.select_related("user", "landlord").get(pk=profile.pk)
    data = {name: build(profile) for name, build in SECTIONS}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        now = timezone.localtime()
        archive.writestr("LISEZMOI.txt", str(README % {"date": now.strftime("%d/%m/%Y %H:%M")}))
        archive.writestr(
            "donnees.json", json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )
        for name, section in data.items():
            archive.writestr(f"{name}.csv", _csv(section))
        for photo in _photos(profile):
            try:
                with photo.file.open("rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError):
                continue
            archive.writestr(f"photos/{photo.pk}-{photo.file.name.rsplit('/', 1)[-1]}", content)
    return buffer.getvalue()
