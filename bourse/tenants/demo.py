"""Demo tenants: accounts in every status, listings, criteria, photos, contact requests.

Idempotent and deterministic: tenants are found by username (``locataire1`` …
``locataire36``), each created whole when missing, with a seeded random
generator; contact requests and reports by their pair. They live on eligible
rows of the patrimoine that the bourse demo imported (``bourse/demo.py``);
when that demo has not run, a small landlord and patrimoine of their own are
created. Password for every tenant (demo only, listed in the README):
``Demo-Locataire-2026``.

Statuses: 1–22, 35, 36 active (mutual matches with their pair, 1↔2, 3↔4…,
and with n ± 2); 23–25 registered (steps partly done); 26–28 suspended (28 for
more than 3 months: warned); 29–30 deactivated by the landlord; 31 deactivated
after 3 months without sign-in (signing in reactivates it); 32 deactivated
after a 4-month suspension; 33 active but ineligible (cannot sign in);
34 active, not signed in for 2 months and a half (warned).
"""

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from bourse.demo import LANDLORDS
from bourse.eligibility import eligible_dwellings
from bourse.models import Commune, Dwelling, Landlord, StaffProfile, StaffRole
from bourse.territories import ensure_reference_data
from bourse.validators import luhn_check_digit

from . import lifecycle, services
from .matching import facts_of
from .models import (
    ActorKind,
    ContactRequest,
    ContactStatus,
    DeactivationReason,
    Listing,
    ListingReport,
    ListingStatus,
    ModerationCase,
    ModerationSource,
    ReportReason,
    TenantProfile,
)
from .photos import MAX_PHOTOS

PASSWORD = "Demo-Locataire-2026"  # noqa: S105 (demo only, given in the README)
COUNT = 36
SEED = 2026
FIRST_NAMES = (
    "Awa", "Karim", "Sophie", "Lucas", "Fatou", "Julien", "Inès", "Mehdi", "Camille", "Thomas",
    "Aïcha", "Nicolas", "Léa", "Youssef", "Chloé", "Antoine", "Mariam", "Hugo", "Sarah", "Paul",
    "Nadia", "Kevin", "Emma", "Samir", "Laura", "Moussa", "Julie", "Bilal", "Manon", "Olivier",
    "Salimata", "Pierre", "Yasmine", "Romain", "Aminata", "Franck",
)  # fmt: skip
LAST_NAMES = (
    "Diallo", "Martin", "Bernard", "Traoré", "Dubois", "Haddad", "Moreau", "Nguyen", "Laurent",
    "Benali", "Simon", "Michel", "Lefebvre", "Koné", "Garcia", "David", "Bertrand", "Roux",
)  # fmt: skip
OPENINGS = (
    "Logement lumineux et calme",
    "Appartement traversant, bien entretenu",
    "Bel appartement avec balcon",
    "Logement agréable dans une résidence verte",
    "Appartement rénové récemment",
)
DETAILS = (
    "proche des écoles et des commerces",
    "à dix minutes à pied du RER",
    "près d’un parc et d’une médiathèque",
    "avec une cuisine séparée et une cave",
    "dans un quartier vivant, marché deux fois par semaine",
    "à proximité du tramway et d’une crèche",
)
REASONS = ("bigger", "smaller", "work", "family", "health", "cost", "other")
ROOMS = ("Séjour", "Chambre", "Cuisine", "Salle d’eau", "Vue")
ACTIVE = [*range(1, 23), 35, 36]
STATUSES = {
    **{n: "active" for n in ACTIVE},
    23: "registered",
    24: "registered",
    25: "registered",
    26: "suspended",
    27: "suspended",
    28: "suspended_long",
    29: "manual",
    30: "manual",
    31: "inactivity",
    32: "long_suspension",
    33: "ineligible",
    34: "inactive_warned",
}


def usernames() -> list[str]:
    return [f"locataire{n}" for n in range(1, COUNT + 1)]


# --- Patrimoine to live on -------------------------------------------------------------


def _fallback_landlord() -> Landlord:
    """A landlord and patrimoine of our own, when the bourse demo has not run."""
    name = "Habitat Démonstration"
    landlord = Landlord.objects.filter(name=name).first()
    if landlord is None:
        prefix = "9980999990001"
        landlord = Landlord.objects.create(
            name=name,
            siret=prefix + luhn_check_digit(prefix),
            contact_email="echanges@habitat-demo.example",
        )
    if not landlord.dwellings.exists():
        rng = random.Random(SEED)
        communes = list(Commune.objects.filter(population__gt=40000).order_by("-population")[:16])
        rows = []
        for n in range(1, 61):
            typology = rng.choice(["T1", "T2", "T2", "T3", "T3", "T3", "T4", "T4", "T5"])
            surface = {"T1": 28, "T2": 45, "T3": 63, "T4": 78, "T5": 95}[typology] + rng.randint(
                -4, 8
            )
            rows.append(
                Dwelling(
                    landlord=landlord,
                    housing_reference=f"HDE-{n:05d}",
                    address=f"{rng.randint(1, 90)} avenue de la République",
                    commune=communes[n % len(communes)],
                    typology=typology,
                    surface=Decimal(surface),
                    floor=rng.randint(0, 9),
                    lift=rng.random() < 0.6,
                    rent=Decimal(surface * 8),
                    charges=Decimal(surface * 2),
                    reservataire_kind="bailleur",
                    tenant_reference=f"HDL-{n:05d}",
                    tenant_name="DEMO",
                    eligible_flag=n % 20 != 0,
                    contact1_email="gestion@habitat-demo.example",
                    contact2_email="cal@habitat-demo.example",
                )
            )
        Dwelling.objects.bulk_create(rows)
    return landlord


def _landlords() -> list[Landlord]:
    names = [name for name, _deps, _site in LANDLORDS]
    found = [
        landlord
        for landlord in Landlord.objects.filter(name__in=names).order_by("name")
        if landlord.dwellings.exists()
    ]
    return found or [_fallback_landlord()]


def _free_dwellings(landlord: Landlord, eligible: bool):
    taken = TenantProfile.objects.filter(dwelling__isnull=False).values("dwelling_id")
    queryset = landlord.dwellings.exclude(pk__in=taken).exclude(tenant_reference="")
    if eligible:
        return eligible_dwellings(queryset).order_by("housing_reference")
    return queryset.filter(eligible_flag=False).order_by("housing_reference")


def _staff_user(landlord: Landlord):
    profile = (
        StaffProfile.objects.filter(landlord=landlord, role=StaffRole.AGENT)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return profile.user if profile else None


# --- Pictures -----------------------------------------------------------------------------


def photo(rng: random.Random, room: str) -> ContentFile:
    """A drawn "photo" of a room: walls, floor, a window, a label."""
    width, height = 640, 480
    wall = tuple(rng.randint(170, 240) for _ in range(3))
    floor = tuple(rng.randint(90, 160) for _ in range(3))
    image = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 330), (width, 330), (width, height), (0, height)], fill=floor)
    left = rng.randint(60, 360)
    draw.rectangle(
        [left, 80, left + 200, 260], fill=(176, 214, 240), outline=(255, 255, 255), width=8
    )
    draw.line([left + 100, 80, left + 100, 260], fill=(255, 255, 255), width=6)
    draw.rectangle([40, 360, 40 + rng.randint(120, 260), 420], fill=(120, 80, 50))
    draw.text((24, 24), room, fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name="demo.jpg")


# --- Tenants ----------------------------------------------------------------------------------


def _create_user(n: int, rng: random.Random):
    User = get_user_model()
    user = User.objects.create_user(
        f"locataire{n}",
        email=f"locataire{n}@demo.echangerhabiter.example",
        password=PASSWORD,
        first_name=FIRST_NAMES[(n - 1) % len(FIRST_NAMES)],
        last_name=rng.choice(LAST_NAMES),
    )
    return user


def _create_tenant(n: int, dwelling: Dwelling, rng: random.Random) -> TenantProfile:
    user = _create_user(n, rng)
    now = timezone.now()
    profile = TenantProfile.objects.create(
        user=user,
        landlord=dwelling.landlord,
        dwelling=dwelling,
        tenant_reference=dwelling.tenant_reference,
        housing_reference=dwelling.housing_reference,
        email_confirmed_at=now,
    )
    listing = Listing(tenant=profile)
    services.copy_facts(listing, dwelling, eligible=True)
    listing.save()
    lifecycle.record(
        listing,
        "status",
        actor_kind=ActorKind.TENANT,
        user=user,
        to_status=ListingStatus.REGISTERED,
        reason="Inscription du locataire.",
    )
    user.last_login = now - timedelta(days=rng.randint(0, 20))
    user.save(update_fields=["last_login"])
    return profile


def _profile_step(profile, rng):
    user = profile.user
    services.save_profile(
        profile.listing,
        user,
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            "household_size": rng.randint(1, 6),
            "exchange_reason": rng.choice(REASONS),
        },
    )


def _housing_step(profile, rng):
    listing = profile.listing
    description = (
        f"{rng.choice(OPENINGS)}, {rng.choice(DETAILS)}. "
        f"{listing.typology} de {listing.surface:.0f} m² "
        f"{'au rez-de-chaussée' if listing.floor == 0 else f'au {listing.floor}e étage'}"
        f"{' avec ascenseur' if listing.lift else ''}. {rng.choice(DETAILS).capitalize()}."
    )
    photos = [(photo(rng, room), room) for room in rng.sample(ROOMS, k=rng.randint(0, 3))]
    services.save_housing_sheet(
        listing,
        profile.user,
        {"description": description, "accessible": rng.random() < 0.15},
        photos[:MAX_PHOTOS],
    )


def _criteria_step(profile, rng, partners, extra_communes):
    """Criteria that the partners' dwellings fit (the first partner wants ours back)."""
    listing = profile.listing
    communes = {p.commune_id for p in partners} | set(rng.sample(extra_communes, k=2))
    communes.discard(listing.commune_id)
    typologies = {p.typology for p in partners if p.typology}
    services.save_criteria(
        listing,
        profile.user,
        {
            "communes": sorted(c for c in communes if c),
            "typologies": sorted(typologies),
            "min_surface": (min(p.surface for p in partners) - 5).quantize(Decimal("1"))
            if rng.random() < 0.5
            else None,
            "max_monthly_cost": (max(p.monthly_cost for p in partners) * Decimal("1.3")).quantize(
                Decimal("1")
            ),
            "max_floor": None,
            "lift_required": False,
            "accessible_required": False,
        },
    )


def _complete(profile, rng, partners, extra_communes, steps=3):
    if steps >= 1:
        _profile_step(profile, rng)
    if steps >= 2:
        _housing_step(profile, rng)
    if steps >= 3:
        _criteria_step(profile, rng, partners, extra_communes)
    profile.listing.refresh_from_db()


def _backdate(listing, **fields):
    Listing.objects.filter(pk=listing.pk).update(**fields)
    listing.refresh_from_db()


def _apply_status(n, profile, staff):
    listing = profile.listing
    user = profile.user
    now = timezone.now()
    kind = STATUSES[n]
    if kind in ("suspended", "suspended_long", "long_suspension"):
        listing = lifecycle.suspend_by_tenant(listing, user)
        if kind != "suspended":
            days = 105 if kind == "suspended_long" else 130
            _backdate(listing, suspended_at=now - timedelta(days=days))
    if kind == "long_suspension":
        lifecycle._set_status(
            listing,
            ListingStatus.DEACTIVATED,
            actor_kind=ActorKind.SYSTEM,
            reason="Annonce suspendue depuis plus de 4 mois.",
            deactivation_reason=DeactivationReason.LONG_SUSPENSION,
        )
    elif kind == "manual":
        reason = "Départ du logement signalé par le locataire."
        if staff is not None:
            lifecycle.deactivate_by_landlord(listing, staff, reason)
        else:
            lifecycle._set_status(
                listing,
                ListingStatus.DEACTIVATED,
                actor_kind=ActorKind.LANDLORD,
                reason=reason,
                deactivation_reason=DeactivationReason.MANUAL,
            )
    elif kind == "inactivity":
        user.last_login = now - timedelta(days=125)
        user.save(update_fields=["last_login"])
        lifecycle._set_status(
            listing,
            ListingStatus.DEACTIVATED,
            actor_kind=ActorKind.SYSTEM,
            reason="Plus de 3 mois sans connexion.",
            deactivation_reason=DeactivationReason.INACTIVITY,
        )
    elif kind == "inactive_warned":
        user.last_login = now - timedelta(days=75)
        user.date_joined = now - timedelta(days=200)
        user.save(update_fields=["last_login", "date_joined"])


def _requests(profiles: dict[int, TenantProfile]) -> None:
    now = timezone.now()
    plan = (
        (1, 2, ContactStatus.ACCEPTED, True),
        (3, 1, ContactStatus.PENDING, False),
        (5, 4, ContactStatus.DECLINED, False),
        (6, 7, ContactStatus.PENDING, False),
        (8, 9, ContactStatus.ACCEPTED, False),
        (10, 12, ContactStatus.PENDING, False),
        (14, 13, ContactStatus.ACCEPTED, False),
    )
    for sender_n, receiver_n, status, ready in plan:
        sender, receiver = profiles.get(sender_n), profiles.get(receiver_n)
        if sender is None or receiver is None:
            continue
        if ContactRequest.objects.filter(sender=sender, receiver=receiver).exists():
            continue
        answered = status != ContactStatus.PENDING
        ContactRequest.objects.create(
            sender=sender,
            receiver=receiver,
            message=(
                f"Bonjour {receiver.user.first_name}, votre logement correspond à ce que nous "
                "cherchons et le nôtre semble correspondre à vos critères. Seriez-vous "
                "d’accord pour en parler ?"
            ),
            status=status,
            answer="Avec plaisir, échangeons !" if status == ContactStatus.ACCEPTED else "",
            created_at=now - timedelta(days=6),
            answered_at=now - timedelta(days=4) if answered else None,
            ready_at=now - timedelta(days=2) if ready else None,
        )
        if ready:
            for profile, nur in ((sender, "0751121012345GDPUB"), (receiver, "0931121098765GDPUB")):
                TenantProfile.objects.filter(pk=profile.pk).update(nur=nur)


def _reports(profiles) -> None:
    target, reporter = profiles.get(11), profiles.get(10)
    if target is None or reporter is None:
        return
    listing = target.listing
    if ListingReport.objects.filter(listing=listing, reporter=reporter).exists():
        return
    case = ModerationCase.objects.create(
        listing=listing, version=listing.version, source=ModerationSource.REPORT
    )
    ListingReport.objects.create(
        listing=listing,
        case=case,
        reporter=reporter,
        reason=ReportReason.PHOTO,
        comment="Une photo semble montrer un autre logement.",
    )


@transaction.atomic
def load() -> list[str]:
    ensure_reference_data()
    landlords = _landlords()
    extra_communes = list(
        Commune.objects.filter(population__gt=30000)
        .order_by("insee_code")
        .values_list("insee_code", flat=True)
    )
    profiles: dict[int, TenantProfile] = {}
    created = []
    # First the accounts and dwellings, so that each tenant's partner is known.
    for n in range(1, COUNT + 1):
        tenant_rng = random.Random(SEED * 1000 + n)
        existing = TenantProfile.objects.filter(user__username=f"locataire{n}").first()
        if existing is not None:
            profiles[n] = existing
            continue
        landlord = landlords[(n - 1) % len(landlords)]
        ineligible = STATUSES[n] == "ineligible"
        dwelling = _free_dwellings(landlord, eligible=not ineligible).first()
        if dwelling is None and ineligible:
            dwelling = _free_dwellings(landlord, eligible=True).first()
            if dwelling is not None:
                Dwelling.objects.filter(pk=dwelling.pk).update(eligible_flag=False)
                dwelling.refresh_from_db()
        if dwelling is None:
            continue
        profiles[n] = _create_tenant(n, dwelling, tenant_rng)
        created.append(n)
    facts = {n: profile.listing for n, profile in profiles.items() if profile.listing is not None}
    for n in created:
        profile = profiles[n]
        tenant_rng = random.Random(SEED * 7919 + n)
        partner = n + 1 if n % 2 else n - 1
        others = [partner, (n + 1) % COUNT + 1, (n - 3) % COUNT + 1]  # n+2 and n-2
        partners = [facts_of(facts[m]) for m in others if m in facts and m != n]
        partners = partners or [facts_of(profile.listing)]
        steps = {23: 1, 24: 2, 25: 0}.get(n, 3)
        _complete(profile, tenant_rng, partners, extra_communes, steps)
        _apply_status(n, profile, _staff_user(profile.landlord))
    if STATUSES.get(33) == "ineligible" and 33 in profiles:
        Listing.objects.filter(pk=profiles[33].listing.pk).update(eligible=False)
    _requests(profiles)
    _reports(profiles)
    return [f"locataire{n}" for n in created]
