"""factory_boy factories of the bourse's core: accounts, staff, landlords,
reservataires and patrimoine rows (tests only).

Defaults make a valid object; a test states only what it looks at.
"""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from .models import Commune, Dwelling, Landlord, Reservataire, StaffRole
from .permissions import set_staff_role

PASSWORD = "Mot-de-passe-1"  # noqa: S105 (test accounts)


def siret(n: int) -> str:
    """A 14-digit SIRET whose Luhn key is right, one per ``n``."""
    body = f"{732829320 + n:09d}0001"[:13]
    for last in "0123456789":
        digits = [int(c) for c in body + last]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
            for i, d in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return body + last
    raise AssertionError("unreachable")


class UserFactory(DjangoModelFactory):
    """An account with ``PASSWORD``."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@exemple.fr")
    password = Password(PASSWORD)


class TenantUserFactory(UserFactory):
    """A tenant's account, without a profile (the exchange-file tests give each
    household its account; ``tests/tenants`` build whole tenants)."""

    username = factory.Sequence(lambda n: f"locataire-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@locataire.example")
    first_name = "Loc"


class StaffFactory(UserFactory):
    """A bourse account in ``role`` (``bourse.permissions.set_staff_role``): an agent
    by default; landlord staff need a ``landlord``, partners a ``reservataire``."""

    email = factory.LazyAttribute(lambda user: f"{user.username}@bailleur.example")
    first_name = "Agent"
    role = StaffRole.AGENT
    landlord = None
    reservataire = None

    @classmethod
    def _create(cls, model_class, *args, role, landlord, reservataire, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        set_staff_role(user, role, landlord, reservataire)
        return user


class PartnerFactory(StaffFactory):
    """A partner of the State (a reservataire's account): give its ``reservataire``."""

    email = factory.LazyAttribute(lambda user: f"{user.username}@partenaire.example")
    first_name = "Paule"
    last_name = "Partenaire"
    role = StaffRole.PARTNER


class LandlordFactory(DjangoModelFactory):
    class Meta:
        model = Landlord

    name = factory.Sequence(lambda n: f"Bailleur {n}")
    siret = factory.Sequence(siret)


class ReservataireFactory(DjangoModelFactory):
    """The State's contingent by default."""

    class Meta:
        model = Reservataire

    kind = "etat"
    name = "État (DRIHL)"


class DwellingFactory(DjangoModelFactory):
    """A patrimoine row, eligible, on the landlord's own contingent in Montreuil.

    ``n`` numbers its references (``LOG-<n>``, ``LOC-<n>``); ``insee`` picks the
    commune (reference data). The trait ``commune_contingent`` puts it on the
    commune's contingent with the references and contacts of the exchange-file
    tests (``LOG-<slug>-<n>``, ``contact1@<slug>.example``)."""

    class Meta:
        model = Dwelling

    class Params:
        n = factory.Sequence(lambda n: n + 1)
        insee = "93048"
        slug = "x"
        commune_contingent = factory.Trait(
            housing_reference=factory.LazyAttribute(lambda o: f"LOG-{o.slug}-{o.n}"),
            tenant_reference=factory.LazyAttribute(lambda o: f"LOC-{o.slug}-{o.n}"),
            surface=Decimal("62.5"),
            rent=Decimal("480.00"),
            charges=Decimal("95.00"),
            reservataire_kind="commune",
            reservataire_code=factory.SelfAttribute("insee"),
            contact1_email=factory.LazyAttribute(lambda o: f"contact1@{o.slug}.example"),
            contact2_email=factory.LazyAttribute(lambda o: f"contact2@{o.slug}.example"),
        )

    landlord = factory.SubFactory(LandlordFactory)
    housing_reference = factory.LazyAttribute(lambda o: f"LOG-{o.n}")
    address = factory.LazyAttribute(lambda o: f"{o.n} rue de la République")
    commune = factory.LazyAttribute(lambda o: Commune.objects.get(pk=o.insee))
    typology = "T3"
    surface = Decimal("60")
    floor = 2
    lift = True
    rent = Decimal("450")
    charges = Decimal("90")
    reservataire_kind = "bailleur"
    reservataire_code = ""
    tenant_reference = factory.LazyAttribute(lambda o: f"LOC-{o.n}")
    tenant_name = factory.LazyAttribute(lambda o: f"NOM{o.n}")
    eligible_flag = True
    contact1_email = "gestion@bailleur.example"
    contact2_email = "cal@bailleur.example"
