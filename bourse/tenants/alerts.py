"""Saved searches and their alerts (issue 9).

Rules, one function each:

- ``save_search``: a tenant keeps the search page's filters (at least one filter,
  at most ``MAX_SAVED_SEARCHES``), with alerts on by default;
- ``set_channels``: alerts go by e-mail and, when the tenant opts in with a French
  mobile number, by SMS too (``sms.py``; the consent's date is kept);
- ``digest_for`` / ``send_digests``: the daily job sends each tenant at most one
  digest a day (``AlertDigest``, unique per tenant and day): the listings published
  since the search's last alert, and the new exchange chains proposed to them
  (``bourse.chains.services.new_proposals_for`` when the chains app is installed);
- ``unsubscribe``: one click on a signed link turns off one search's alerts, every
  e-mail alert, or the SMS (``tokens.unsubscribe_token``); ``resubscribe`` undoes it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications, searching, sms
from .models import AlertDigest, Listing, SavedSearch, TenantProfile
from .tokens import read_unsubscribe_token, unsubscribe_token

MAX_SAVED_SEARCHES = 10
LISTINGS_PER_SEARCH = 5  # shown in the digest; the link gives them all


class AlertError(Exception):
    """A refusal; the message is French and shown as is."""


# --- Saved searches -------------------------------------------------------------------------


def save_search(profile: TenantProfile, filters: dict, name: str = "", alerts=True):
    filters = {k: v for k, v in filters.items() if k in searching.FILTER_KEYS}
    if not filters:
        raise AlertError(_("Choisissez au moins un filtre avant d’enregistrer la recherche."))
    if profile.saved_searches.count() >= MAX_SAVED_SEARCHES:
        raise AlertError(
            _("Vous avez déjà %(max)s recherches enregistrées : supprimez-en une d’abord.")
            % {"max": MAX_SAVED_SEARCHES}
        )
    if profile.saved_searches.filter(filters=filters).exists():
        raise AlertError(_("Cette recherche est déjà enregistrée."))
    name = (name or "").strip()[:80] or searching.describe(filters)[:80]
    return SavedSearch.objects.create(tenant=profile, name=name, filters=filters, alerts=alerts)


def set_search_alerts(search: SavedSearch, on: bool) -> SavedSearch:
    """Turning alerts back on starts from now: no backlog of what was missed."""
    search.alerts = on
    if on:
        search.alerted_until = timezone.now()
    search.save(update_fields=["alerts", "alerted_until"])
    return search


def set_channels(profile: TenantProfile, *, email: bool, sms_on: bool, chains: bool):
    """The tenant's alert channels. SMS needs a French mobile number in the profile;
    the consent's date is recorded when SMS is turned on."""
    if sms_on and sms.normalise_phone(profile.phone) is None:
        raise AlertError(
            _(
                "Pour recevoir les alertes par SMS, indiquez d’abord un numéro de téléphone "
                "mobile (06 ou 07) dans votre profil."
            )
        )
    was_off = not (profile.alert_email or profile.alert_sms)
    profile.alert_email = email
    if sms_on and not profile.alert_sms:
        profile.alert_sms_consented_at = timezone.now()
    profile.alert_sms = sms_on
    profile.chain_alerts = chains
    profile.save(
        update_fields=["alert_email", "alert_sms", "alert_sms_consented_at", "chain_alerts"]
    )
    if was_off and (email or sms_on):
        profile.saved_searches.filter(alerts=True).update(alerted_until=timezone.now())
    return profile


# --- Unsubscribe -----------------------------------------------------------------------------


def unsubscribe(token: str, *, undo=False):
    """Apply a one-click link (or, with ``undo``, put it back). Returns (profile, scope,
    search) or None for a bad link."""
    data = read_unsubscribe_token(token)
    profile = (
        TenantProfile.objects.filter(pk=data["p"], anonymised_at__isnull=True).first()
        if data
        else None
    )
    if profile is None:
        return None
    scope = data["s"]
    search = None
    if scope.startswith("s") and scope[1:].isdigit():
        search = profile.saved_searches.filter(pk=int(scope[1:])).first()
        if search is None:
            return None
        if search.alerts != undo:
            set_search_alerts(search, undo)
    elif scope == "email" and profile.alert_email != undo:
        set_channels(profile, email=undo, sms_on=profile.alert_sms, chains=profile.chain_alerts)
    elif scope == "sms" and profile.alert_sms != undo:
        if undo and sms.normalise_phone(profile.phone) is None:
            return profile, "sms-no-mobile", None
        set_channels(profile, email=profile.alert_email, sms_on=undo, chains=profile.chain_alerts)
    elif scope not in ("email", "sms"):
        return None
    return profile, scope, search


# --- The daily digest -----------------------------------------------------------------------


@dataclass
class SearchNews:
    search: SavedSearch
    count: int
    listings: list
    query: str = ""
    unsubscribe_url: str = ""


@dataclass
class Digest:
    searches: list = field(default_factory=list)
    chains: int = 0

    @property
    def listings(self) -> int:
        return sum(item.count for item in self.searches)

    def __bool__(self):
        return bool(self.listings or self.chains)


def new_listings(search: SavedSearch, until: datetime):
    """Listings of the search published since its last alert (never the tenant's own)."""
    return (
        searching.filtered_listings(search.filters)
        .filter(published_at__gt=search.alerted_until, published_at__lte=until)
        .exclude(tenant_id=search.tenant_id)
    )


# The digest's chain section, provided by the app above (bourse.chains sets it in
# its ready(): ``new_proposals_for(listing, since)``); None without that app.
chain_proposals_for = None


def chain_proposals_api():
    """``bourse.chains.services.new_proposals_for(listing, since)``, when installed."""
    return chain_proposals_for


def chains_since(profile: TenantProfile, now: datetime) -> datetime:
    """New chains are those proposed since the tenant's last digest (a day at first)."""
    last = profile.digests.order_by("-sent_at").values_list("sent_at", flat=True).first()
    return last or now - timedelta(days=1)


def digest_for(profile: TenantProfile, searches, now: datetime) -> Digest:
    digest = Digest()
    for search in searches:
        found = new_listings(search, now)
        count = found.count()
        if not count:
            continue
        listings = list(
            found.select_related("commune").order_by("-published_at", "-pk")[:LISTINGS_PER_SEARCH]
        )
        for item in listings:
            item.url = notifications.absolute(reverse("tenants:listing", args=[item.pk]))
        token = unsubscribe_token(profile.pk, f"s{search.pk}")
        digest.searches.append(
            SearchNews(
                search=search,
                count=count,
                listings=listings,
                query=searching.as_query(search.filters),
                unsubscribe_url=notifications.absolute(
                    reverse("tenants:unsubscribe", args=[token])
                ),
            )
        )
    proposals_for = chain_proposals_api()
    listing = getattr(profile, "listing", None)
    if profile.chain_alerts and proposals_for and listing is not None:
        digest.chains = proposals_for(listing, chains_since(profile, now)).count()
    return digest


def sms_text(digest: Digest, profile: TenantProfile) -> str:
    parts = []
    if digest.listings:
        parts.append(_("%(n)s nouvelle(s) annonce(s) pour vos recherches") % {"n": digest.listings})
    if digest.chains:
        parts.append(_("%(n)s chaîne(s) d’échange proposée(s)") % {"n": digest.chains})
    stop = notifications.absolute(
        reverse("tenants:unsubscribe", args=[unsubscribe_token(profile.pk, "sms")])
    )
    return _("Echanger Habiter : %(news)s. %(url)s Stop SMS : %(stop)s") % {
        "news": ", ".join(parts),
        "url": notifications.absolute(reverse("tenants:dashboard")),
        "stop": stop,
    }


def alert_recipients(now: datetime):
    """Tenants who may get a digest: a channel on, not anonymised, and either a saved
    search with alerts or (chain alerts on) a listing in a chain proposed lately."""
    with_channel = TenantProfile.objects.filter(
        Q(alert_email=True) | Q(alert_sms=True), anonymised_at__isnull=True
    )
    wanted = Q(saved_searches__alerts=True)
    if chain_proposals_api() is not None and hasattr(Listing, "chain_members"):
        recent = now - timedelta(days=8)
        wanted |= Q(chain_alerts=True, listing__chain_members__proposal__created_at__gte=recent)
    already = AlertDigest.objects.filter(day=timezone.localdate(now)).values("tenant_id")
    ids = (
        with_channel.filter(wanted)
        .exclude(pk__in=already)  # at most one a day
        .values_list("pk", flat=True)
        .distinct()
    )
    return TenantProfile.objects.filter(pk__in=ids).select_related("user", "listing")


def send_digest(profile: TenantProfile, now: datetime) -> Digest | None:
    """One tenant's digest of the day (None when already sent today or nothing new)."""
    today = timezone.localdate(now)
    if profile.digests.filter(day=today).exists():
        return None
    searches = list(profile.saved_searches.filter(alerts=True).order_by("created_at", "pk"))
    digest = digest_for(profile, searches, now)
    if not digest:
        return None
    phone = sms.normalise_phone(profile.phone) if profile.alert_sms else None
    try:
        with transaction.atomic():
            AlertDigest.objects.create(
                tenant=profile,
                day=today,
                sent_at=now,
                listings=digest.listings,
                chains=digest.chains,
                by_email=profile.alert_email,
                by_sms=phone is not None,
            )
            SavedSearch.objects.filter(pk__in=[s.pk for s in searches]).update(alerted_until=now)
            if profile.alert_email:
                notifications.send_alert_digest(profile, digest)
            if phone:
                sms.queue_sms(to=phone, body=sms_text(digest, profile), kind="tenants_alert")
    except IntegrityError:  # another worker sent today's digest
        return None
    return digest


def send_digests(now: datetime | None = None) -> int:
    """Daily: every recipient's digest (idempotent: at most one a day per tenant)."""
    now = now or timezone.now()
    sent = 0
    for profile in alert_recipients(now).iterator(chunk_size=500):
        sent += send_digest(profile, now) is not None
    return sent
