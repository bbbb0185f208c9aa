"""Tenant accounts: registration, the three steps, the copy of patrimoine facts,
anonymisation. Views call these; status rules are in ``lifecycle``."""

import re
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bourse.contact_details import mask_contact_details
from bourse.eligibility import eligible_dwellings, is_eligible
from bourse.exchanges import api as exchanges_api
from bourse.models import Dwelling, Landlord
from portal.models import OutboundEmail

from . import lifecycle, matching, moderation, notifications
from .models import (
    ActorKind,
    ContactRequest,
    DeactivationReason,
    EventKind,
    Listing,
    ListingStatus,
    SavedSearch,
    TenantProfile,
    VisitOutcome,
)

User = get_user_model()

NOT_ELIGIBLE_MESSAGE = gettext_lazy(
    "Nous ne trouvons pas de logement éligible à l’échange avec ces références chez ce "
    "bailleur. Vérifiez-les sur votre avis d’échéance (quittance de loyer). Si elles sont "
    "exactes, votre logement n’est pas éligible à ce jour : contactez votre bailleur."
)
ALREADY_REGISTERED_MESSAGE = gettext_lazy(
    "Un compte existe déjà pour ce logement. Connectez-vous, ou utilisez « Mot de passe "
    "oublié ». Si vous n’avez pas créé ce compte, contactez votre bailleur."
)
UNCONFIRMED_DAYS = 7


class RegistrationError(Exception):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def normalise_reference(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def find_dwelling(landlord: Landlord, tenant_reference: str, housing_reference: str):
    """The patrimoine row named by both references (spaces and case ignored)."""
    housing = normalise_reference(housing_reference)
    tenant = normalise_reference(tenant_reference)
    if not housing or not tenant:
        return None
    candidates = Dwelling.objects.filter(landlord=landlord).filter(
        Q(housing_reference__iexact=housing_reference.strip())
        | Q(tenant_reference__iexact=tenant_reference.strip())
    )
    for dwelling in candidates[:20]:
        if (
            normalise_reference(dwelling.housing_reference) == housing
            and normalise_reference(dwelling.tenant_reference) == tenant
        ):
            return dwelling
    return None


def email_taken(email: str) -> bool:
    email = email.strip()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


@transaction.atomic
def register_tenant(
    *,
    landlord: Landlord,
    tenant_reference: str,
    housing_reference: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    birth_name: str = "",
) -> TenantProfile:
    """Create the account of an eligible tenant, or raise ``RegistrationError``.

    « Si le locataire est inéligible, la plateforme bloque l’inscription » — an
    unknown or ineligible row creates nothing. One account per housing
    reference. The listing starts *registered*; the address must be confirmed
    before the first sign-in.
    """
    dwelling = find_dwelling(landlord, tenant_reference, housing_reference)
    if dwelling is None or not is_eligible(dwelling):
        raise RegistrationError(NOT_ELIGIBLE_MESSAGE)
    if TenantProfile.objects.filter(
        landlord=landlord,
        housing_reference=dwelling.housing_reference,
        anonymised_at__isnull=True,
    ).exists():
        raise RegistrationError(ALREADY_REGISTERED_MESSAGE)
    email = email.strip()
    if email_taken(email):
        raise RegistrationError(
            _("Cette adresse électronique est déjà utilisée par un compte."), field="email"
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=email.lower()[:150],
                email=email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
            profile = TenantProfile.objects.create(
                user=user,
                landlord=landlord,
                dwelling=dwelling,
                tenant_reference=dwelling.tenant_reference,
                housing_reference=dwelling.housing_reference,
                birth_name=birth_name.strip(),
            )
    except IntegrityError as error:  # a simultaneous registration of the same dwelling
        raise RegistrationError(ALREADY_REGISTERED_MESSAGE) from error
    listing = Listing(tenant=profile)
    copy_facts(listing, dwelling, eligible=True)
    listing.save()
    lifecycle.record(
        listing,
        EventKind.STATUS,
        actor_kind=ActorKind.TENANT,
        user=user,
        to_status=ListingStatus.REGISTERED,
        reason=_("Inscription du locataire."),
    )
    notifications.send_email_confirmation(profile)
    return profile


@transaction.atomic
def confirm_email(profile: TenantProfile) -> None:
    if profile.email_confirmed_at is None:
        profile.email_confirmed_at = timezone.now()
        profile.save(update_fields=["email_confirmed_at"])


# --- Patrimoine facts ------------------------------------------------------------------


def copy_facts(listing: Listing, dwelling: Dwelling | None, *, eligible: bool) -> None:
    listing.synced_at = timezone.now()
    listing.eligible = eligible
    if dwelling is None:
        return
    listing.commune_id = dwelling.commune_id
    listing.typology = dwelling.typology
    listing.surface = dwelling.surface
    listing.monthly_cost = Decimal(dwelling.rent) + Decimal(dwelling.charges)
    listing.floor = dwelling.floor
    listing.lift = dwelling.lift


FACT_FIELDS = ["commune", "typology", "surface", "monthly_cost", "floor", "lift"]


def _facts(listing: Listing) -> tuple:
    return tuple(getattr(listing, listing._meta.get_field(name).attname) for name in FACT_FIELDS)


def sync_listing(listing: Listing) -> Listing:
    """Refresh one listing from its patrimoine row (at sign-in).

    Writes only when a fact or the eligibility changed, so a sign-in with an
    unchanged patrimoine row writes nothing (and schedules no chain search).
    """
    profile = listing.tenant
    dwelling = profile.dwelling
    if dwelling is not None:
        dwelling.refresh_from_db()
    before = (_facts(listing), listing.eligible)
    copy_facts(listing, dwelling, eligible=lifecycle.tenant_is_eligible(profile))
    after = (_facts(listing), listing.eligible)
    if before != after:
        listing.save(update_fields=[*FACT_FIELDS, "eligible", "synced_at"])
    return listing


def sync_with_patrimoine() -> int:
    """Refresh every listing's facts and eligibility from the patrimoine (daily job).

    Set-based: two UPDATEs for eligibility, then the facts of the listings whose
    patrimoine row changed since the last sync. Returns the listings changed.
    """
    now = timezone.now()
    eligible_rows = eligible_dwellings(Dwelling.objects.all()).filter(
        pk=OuterRef("tenant__dwelling_id"),
        tenant_reference__iexact=OuterRef("tenant__tenant_reference"),
    )
    listings = Listing.objects.filter(tenant__anonymised_at__isnull=True)
    changed = 0
    annotated = listings.annotate(now_eligible=Exists(eligible_rows))
    to_true = list(annotated.filter(eligible=False, now_eligible=True).values_list("pk", flat=True))
    to_false = list(
        annotated.filter(eligible=True, now_eligible=False).values_list("pk", flat=True)
    )
    if to_true:
        changed += Listing.objects.filter(pk__in=to_true).update(eligible=True, synced_at=now)
    if to_false:
        changed += Listing.objects.filter(pk__in=to_false).update(eligible=False, synced_at=now)
    if to_true or to_false:
        matching.listings_changed()
    stale = listings.filter(tenant__dwelling__isnull=False).filter(
        Q(synced_at__isnull=True) | Q(synced_at__lt=F("tenant__dwelling__updated_at"))
    )
    for listing in stale.select_related("tenant__dwelling").iterator(chunk_size=500):
        copy_facts(listing, listing.tenant.dwelling, eligible=listing.eligible)
        listing.save(update_fields=[*FACT_FIELDS, "synced_at"])
        changed += 1
    return changed


# --- The three steps --------------------------------------------------------------------


def _step_done(listing: Listing, field: str, user, label) -> Listing:
    first_time = getattr(listing, field) is None
    setattr(listing, field, timezone.now())
    listing.save(update_fields=[field])
    if first_time:
        lifecycle.record(
            listing, EventKind.STEP, actor_kind=ActorKind.TENANT, user=user, reason=label
        )
    return lifecycle.activate_when_steps_complete(listing, user)


@transaction.atomic
def save_profile(listing: Listing, user, data: dict) -> Listing:
    """Step 1: the profile (names, household, reason; phone optional)."""
    profile = listing.tenant
    user.first_name = data["first_name"].strip()
    user.last_name = data["last_name"].strip()
    user.save(update_fields=["first_name", "last_name"])
    profile.birth_name = data.get("birth_name", "").strip()
    profile.phone = data.get("phone", "").strip()
    profile.household_size = data["household_size"]
    profile.exchange_reason = data["exchange_reason"]
    profile.save(update_fields=["birth_name", "phone", "household_size", "exchange_reason"])
    return _step_done(listing, "profile_done_at", user, _("Profil complété."))


@transaction.atomic
def save_housing_sheet(listing: Listing, user, data: dict, photos=()) -> Listing:
    """Step 2: the housing sheet (description, accessibility, photos).

    A change of the text or of the photos is a new version of the listing,
    which may be drawn for moderation (``moderation.on_new_version``).
    """
    from .photos import add_photo

    description, masked = mask_contact_details(data["description"].strip())
    changed = description != listing.description or bool(photos)
    listing.description = description
    if description:
        listing.description_removed_reason = ""
    listing.accessible = data.get("accessible", False)
    listing.save(update_fields=["description", "description_removed_reason", "accessible"])
    for upload, caption in photos:
        add_photo(listing, upload, caption)
    if changed:
        # Contact details written in a description: masked, and the version always
        # reviewed (a tenant who tried once may try a spelling we do not read).
        moderation.on_new_version(listing, flagged=bool(masked))
    listing.masked = masked
    return _step_done(listing, "housing_done_at", user, _("Fiche logement complétée."))


@transaction.atomic
def save_criteria(listing: Listing, user, data: dict) -> Listing:
    """Step 3: the search criteria."""
    listing.set_wanted_typologies(data.get("typologies") or [])
    listing.min_surface = data.get("min_surface")
    listing.max_monthly_cost = data.get("max_monthly_cost")
    listing.max_floor = data.get("max_floor")
    listing.lift_required = data.get("lift_required", False)
    listing.accessible_required = data.get("accessible_required", False)
    listing.save()
    listing.set_wanted_communes(data["communes"])
    return _step_done(listing, "criteria_done_at", user, _("Critères de recherche complétés."))


# --- Anonymisation ----------------------------------------------------------------------


ANONYMISED_TEXT = "[supprimé]"


@transaction.atomic
def anonymise(profile: TenantProfile, staff_user, *, actor_kind=None) -> TenantProfile:
    """Replace the tenant's personal data; keep the non-personal facts for statistics.

    ``staff_user`` is the staff member who asked, or None with ``actor_kind``: the
    tenant deleting its own account, or the retention job (``bourse.privacy``).

    Kept: landlord, registration date, the listing's dwelling facts (commune,
    typology, surface, rent), criteria, status history (without names).
    Removed: names, e-mail, phone, references, NUR, password, the link to the
    patrimoine row, description, photos, the text of contact requests and visit
    outcomes, saved searches, and the tenant's address in stored outgoing mails.
    The listing leaves the search.
    """
    from .photos import delete_photo_file

    profile = TenantProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if profile.anonymised_at is not None:
        return profile
    user = profile.user
    actor_kind = actor_kind or lifecycle.staff_actor_kind(staff_user)
    if exchanges_api.open_file_of(user) is not None:
        raise lifecycle.TransitionError(
            _(
                "Ce locataire est partie à un dossier d’échange en cours : clôturez d’abord "
                "le dossier, puis anonymisez le compte."
            )
        )
    old_email = user.email
    listing = Listing.objects.get(tenant=profile)
    if listing.status != ListingStatus.DEACTIVATED or (
        listing.deactivation_reason != DeactivationReason.ANONYMISED
    ):
        lifecycle._set_status(
            listing,
            ListingStatus.DEACTIVATED,
            actor_kind=actor_kind,
            user=staff_user,
            reason=_("Compte anonymisé."),
            deactivation_reason=DeactivationReason.ANONYMISED,
        )
    user.username = f"anonyme-{profile.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    now = timezone.now()
    profile.tenant_reference = ""
    profile.housing_reference = ""
    profile.birth_name = ""
    profile.phone = ""
    profile.nur = ""
    profile.dwelling = None
    profile.anonymised_at = now
    profile.save()
    listing.description = ""
    listing.eligible = False
    listing.save(update_fields=["description", "eligible"])
    for photo in listing.photos.all():
        delete_photo_file(photo)
    listing.photos.all().delete()
    ContactRequest.objects.filter(Q(sender=profile) | Q(receiver=profile)).update(
        message=ANONYMISED_TEXT, answer=ANONYMISED_TEXT
    )
    VisitOutcome.objects.filter(tenant=profile).exclude(reason="").update(reason=ANONYMISED_TEXT)
    SavedSearch.objects.filter(tenant=profile).delete()
    if old_email:
        for mail in OutboundEmail.objects.filter(to__icontains=old_email):
            mail.to = [a for a in mail.to if a.lower() != old_email.lower()] or ["anonyme@invalid"]
            mail.body = ANONYMISED_TEXT
            mail.html_body = ""
            mail.attachments = []  # a visit's calendar invitation names the tenant
            mail.save(update_fields=["to", "body", "html_body", "attachments"])
    lifecycle.record(
        listing,
        EventKind.ANONYMISED,
        actor_kind=actor_kind,
        user=staff_user,
        reason=_("Données personnelles remplacées."),
    )
    # Files that are over keep their facts for statistics, not the tenant's identity.
    exchanges_api.forget_tenant(user)
    return profile


def purge_unconfirmed(now=None) -> int:
    """Registrations never confirmed within a week free their dwelling again."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=UNCONFIRMED_DAYS)
    users = User.objects.filter(
        tenant_profile__email_confirmed_at__isnull=True,
        tenant_profile__anonymised_at__isnull=True,
        tenant_profile__created_at__lt=cutoff,
        last_login__isnull=True,
    )
    count = 0
    for user in users:
        user.delete()
        count += 1
    return count
