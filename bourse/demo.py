"""Demo content of the bourse: landlords' staff, reservataires' positions, patrimoine.

Idempotent: landlords are found by name (the member kit's demo creates most of
them), accounts by username, reservataires by (kind, code); each landlord's
patrimoine is a generated CSV file (seeded, so always the same bytes) applied
through the real importer, and skipped when that very file was already
imported. Running ``load()`` twice changes nothing.

Accounts (passwords for the demo only, listed in the README):
- ``amo`` / Demo-Amo-2026: super administrator (AMO);
- ``partenaire`` / Demo-Partenaire-2026: partner of the State (DRIHL), whose
  contingent holds about a quarter of the demo dwellings;
- ``admin-<slug>``, ``agent1-<slug>``, ``agent2-<slug>`` / Demo-Bailleur-2026 for
  each landlord of ``LANDLORDS`` (see ``demo_usernames()``).
"""

import csv
import hashlib
import io
import random
import zlib

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils.text import slugify

from .models import (
    Commune,
    Intercommunality,
    Landlord,
    PatrimoineImport,
    Position,
    Reservataire,
    ReservataireKind,
    StaffProfile,
    StaffRole,
)
from .patrimoine.columns import COLUMN_NAMES
from .permissions import set_staff_role
from .territories import ensure_reference_data
from .validators import luhn_check_digit

STAFF_PASSWORD = "Demo-Bailleur-2026"  # noqa: S105 (demo only, given in the README)
AMO_PASSWORD = "Demo-Amo-2026"  # noqa: S105
PARTNER_PASSWORD = "Demo-Partenaire-2026"  # noqa: S105
DWELLINGS_PER_LANDLORD = 300

# name, departments where its patrimoine lies (weighted by population), website
LANDLORDS = (
    ("Paris Habitat", ("75", "93", "94"), "https://www.parishabitat.fr"),
    ("Seqens", ("92", "93", "94", "78"), "https://www.seqens.fr"),
    ("Immobilière 3F", ("75", "77", "78", "91", "92", "93", "94", "95"), "https://www.groupe3f.fr"),
    ("Val d’Oise Habitat", ("95",), "https://www.valdoisehabitat.fr"),
)

# kind, code, position, note (names of communes and EPCIs come from the reference data)
RESERVATAIRES = (
    ("commune", "93048", Position.ADHESION, "Délibération du conseil municipal (démonstration)."),
    ("commune", "75111", Position.ADHESION, ""),
    ("commune", "92051", Position.OPPOSITION, "Courrier du maire (démonstration)."),
    ("commune", "94028", Position.NOT_POSITIONED, "Sollicitée, sans réponse."),
    (
        "epci",
        "200056232",
        Position.ADHESION,
        "Couvre le seul contingent de l’agglomération, pas celui des communes membres.",
    ),
    ("etat", "", Position.ADHESION, "Contingent préfectoral (DRIHL)."),
    ("action_logement", "", Position.NOT_POSITIONED, ""),
)
OTHER_NAMES = {
    "etat": "État (préfecture de région, DRIHL)",
    "action_logement": "Action Logement Services",
}
TYPOLOGY_SURFACES = {
    "T1": (18, 34),
    "T2": (35, 54),
    "T3": (55, 74),
    "T4": (70, 89),
    "T5": (85, 109),
    "T6+": (100, 140),
}
TYPOLOGY_WEIGHTS = (("T1", 10), ("T2", 25), ("T3", 33), ("T4", 22), ("T5", 8), ("T6+", 2))


def landlord_slug(name: str) -> str:
    return slugify(name.replace("’", "").replace("'", ""))


def demo_usernames() -> list[str]:
    names = ["amo", "partenaire"]
    for name, _departments, _website in LANDLORDS:
        slug = landlord_slug(name)
        names += [f"admin-{slug}", f"agent1-{slug}", f"agent2-{slug}"]
    return names


def load() -> None:
    ensure_reference_data()
    amo = ensure_account("amo", AMO_PASSWORD, "Agnès", "Moreau-Olivier", StaffRole.SUPER_ADMIN)
    load_reservataires(amo)
    ensure_account(
        "partenaire",
        PARTNER_PASSWORD,
        "Pascal",
        "Partenaire",
        StaffRole.PARTNER,
        reservataire=Reservataire.objects.get(kind=ReservataireKind.STATE, code=""),
    )
    for index, (name, departments, website) in enumerate(LANDLORDS, start=1):
        landlord = ensure_landlord(index, name, website)
        slug = landlord_slug(name)
        admin = ensure_account(
            f"admin-{slug}",
            STAFF_PASSWORD,
            "Claire",
            f"Admin {name}",
            StaffRole.LANDLORD_ADMIN,
            landlord,
        )
        for n, first_name in ((1, "Karim"), (2, "Sophie")):
            ensure_account(
                f"agent{n}-{slug}",
                STAFF_PASSWORD,
                first_name,
                f"Agent {name}",
                StaffRole.AGENT,
                landlord,
            )
        load_patrimoine(landlord, departments, admin)


def ensure_landlord(index: int, name: str, website: str) -> Landlord:
    landlord = Landlord.objects.filter(name=name).first()
    if landlord is None:
        prefix = f"9980{index:05d}0001"  # fictitious SIREN 9980xxxxx (kit demo uses 9990…)
        landlord = Landlord(
            name=name,
            siret=prefix + luhn_check_digit(prefix),
            website=website,
            handling_text="<p>Les dossiers sont suivis par le service des mutations.</p>",
        )
        landlord.full_clean()
        landlord.save()
    if not landlord.contact_email:
        landlord.contact_email = f"echanges@{landlord_slug(name)}.example"
        landlord.save(update_fields=["contact_email"])
    return landlord


def ensure_account(
    username, password, first_name, last_name, role, landlord=None, reservataire=None
):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        domain = (
            f"{landlord_slug(landlord.name)}.example" if landlord else "echangerhabiter.example"
        )
        user = User.objects.create_user(
            username,
            email=f"{username}@{domain}",
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    profile = StaffProfile.objects.filter(user=user).first()
    if (
        profile is None
        or profile.role != role
        or profile.landlord_id != (landlord.pk if landlord else None)
        or profile.reservataire_id != (reservataire.pk if reservataire else None)
        or not user.groups.exists()
    ):
        set_staff_role(user, role, landlord, reservataire)
    return user


def load_reservataires(amo) -> None:
    for kind, code, position, note in RESERVATAIRES:
        if Reservataire.objects.filter(kind=kind, code=code).exists():
            continue
        if kind == ReservataireKind.COMMUNE:
            name = Commune.objects.get(pk=code).name
        elif kind == ReservataireKind.EPCI:
            name = Intercommunality.objects.get(pk=code).name
        else:
            name = OTHER_NAMES[kind]
        Reservataire.objects.create(
            kind=kind,
            code=code,
            name=name,
            position=position,
            position_date=None if position == Position.NOT_POSITIONED else "2021-06-01",
            note=note,
            updated_by=amo,
        )


# --- Generated patrimoine ------------------------------------------------------------


def patrimoine_csv(landlord: Landlord, departments, count=DWELLINGS_PER_LANDLORD) -> bytes:
    """The landlord's demo patrimoine file: always the same bytes for the same landlord."""
    from faker import Faker

    slug = landlord_slug(landlord.name)
    seed = zlib.crc32(slug.encode())
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    communes = list(
        Commune.objects.filter(department__in=departments, population__gt=0)
        .order_by("insee_code")
        .values_list("insee_code", "population", "epci_id", "department")
    )
    weights = [population for _code, population, _epci, _dep in communes]
    typologies = [t for t, _w in TYPOLOGY_WEIGHTS]
    typology_weights = [w for _t, w in TYPOLOGY_WEIGHTS]
    contact1 = f"gestion.locative@{slug}.example"
    contact2 = f"attributions@{slug}.example"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMN_NAMES)
    for n in range(1, count + 1):
        insee, _population, epci, department = rng.choices(communes, weights=weights)[0]
        if n % 60 == 0:
            insee, epci, department = "92051", None, "92"  # a commune that opposes
        typology = rng.choices(typologies, weights=typology_weights)[0]
        low, high = TYPOLOGY_SURFACES[typology]
        surface = rng.randint(low * 10, high * 10) / 10
        per_m2 = rng.uniform(8.5, 13.5) if department == "75" else rng.uniform(6.0, 10.5)
        rent = surface * per_m2
        charges = surface * rng.uniform(1.4, 2.6)
        kind = rng.choices(
            ["bailleur", "etat", "action_logement", "commune", "epci"], weights=[30, 25, 20, 20, 5]
        )[0]
        if kind == "epci" and not epci:
            kind = "commune"
        code = insee if kind == "commune" else (epci if kind == "epci" else "")
        vacant = rng.random() < 0.04
        writer.writerow(
            [
                f"{slug[:3].upper()}-{n:06d}",
                f"{rng.randint(1, 150)} {fake.street_name()}",
                insee,
                typology,
                f"{surface:.1f}".replace(".", ","),
                "RDC" if (floor := rng.randint(0, 14)) == 0 else str(floor),
                "oui" if floor >= 4 or rng.random() < 0.4 else "non",
                f"{rent:.2f}".replace(".", ","),
                f"{charges:.2f}".replace(".", ","),
                kind,
                code,
                "" if vacant else f"L{seed % 1000:03d}-{n:06d}",
                "" if vacant else fake.last_name().upper(),
                "oui" if rng.random() < 0.9 else "non",
                contact1,
                contact2,
            ]
        )
    # Three rows with mistakes, so that the demo import has a report to show.
    prefix = f"{slug[:3].upper()}-ERR"
    address = "1 rue de l’Exemple"
    for row in (
        [prefix + "1", address, "99999", "T3", "60", "1", "non", "500", "80", "bailleur", ""],
        [prefix + "2", address, "93048", "T9 bis", "60", "1", "non", "500", "80", "bailleur", ""],
        [prefix + "3", address, "93048", "T2", "45", "2", "oui", "-20", "80", "bailleur", ""],
    ):
        email = "pas-une-adresse" if row[0].endswith("3") else contact1
        writer.writerow(row + ["", "", "oui", email, contact2])
    return out.getvalue().encode("utf-8")


def load_patrimoine(landlord: Landlord, departments, admin) -> PatrimoineImport:
    from .patrimoine.importer import run_import

    content = patrimoine_csv(landlord, departments)
    sha = hashlib.sha256(content).hexdigest()
    done = (
        PatrimoineImport.objects.filter(landlord=landlord, sha256=sha, dry_run=False)
        .filter(Q(status=PatrimoineImport.Status.DONE))
        .first()
    )
    if done is not None:
        return done
    name = f"patrimoine-demo-{landlord_slug(landlord.name)}.csv"
    imp = PatrimoineImport(
        landlord=landlord,
        uploaded_by=admin,
        source=PatrimoineImport.Source.UPLOAD,
        original_name=name,
        sha256=sha,
        full_snapshot=True,
    )
    imp.file.save(name, ContentFile(content), save=False)
    imp.save()
    return run_import(imp.pk)
