"""What the rest of the bourse calls: open a file, and who is in an open file.

The contact-request flow (tenants app) calls ``open_exchange_file`` once both
tenants agreed and entered their NUR; a chain of 3 to 5 households calls it
with one spec per household. The tenants app keeps the listings of
``tenants_in_open_files()`` out of the search, and connects to the signals of
``signals.py`` (``exchange_file_closed`` is the ``on_file_closed`` hook that
reactivates the tenants' accounts when they are still eligible).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse import permissions as staff_permissions
from bourse.models import Dwelling

from . import signals
from .models import OPEN_STEPS, ActorKind, ExchangeEvent, ExchangeFile, ExchangeParty, Step
from .workflow import InvalidData, valid_nur

MIN_PARTIES = 2
MAX_PARTIES = 5


@dataclass
class PartySpec:
    """One household: the dwelling it leaves, its NUR, its tenant account.

    ``dwelling_taken`` may be left out: household *i* then moves into the
    dwelling left by household *i + 1* (and the last into the first's), which
    for two households is the plain swap.
    """

    dwelling_left: Dwelling | int
    nur: str
    tenant_user: object | None = None
    dwelling_taken: Dwelling | int | None = None


def _spec(value) -> PartySpec:
    if isinstance(value, PartySpec):
        return value
    return PartySpec(**value)


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def open_exchange_file(
    parties_spec,
    opened_by=None,
    *,
    nurs_date: dt.date | None = None,
    now: dt.datetime | None = None,
    notify: bool = True,
) -> ExchangeFile:
    """Open a file for 2 to 5 households whose NURs are all entered.

    ``parties_spec``: ``PartySpec`` objects or dicts with the same keys.
    ``opened_by``: the user whose action opened it (the tenant who entered
    the last NUR, or staff), or None for a job. ``nurs_date`` (default:
    today) starts the clocks. Raises ``InvalidData`` (French message) when a
    rule is broken: number of households, a missing NUR, a dwelling twice or
    already in an open file, moves that do not form a cycle.
    """
    specs = [_spec(s) for s in parties_spec]
    if not MIN_PARTIES <= len(specs) <= MAX_PARTIES:
        raise InvalidData(
            _("Un dossier d’échange réunit de %(min)s à %(max)s ménages.")
            % {"min": MIN_PARTIES, "max": MAX_PARTIES}
        )
    if not all(str(s.nur or "").strip() for s in specs):
        raise InvalidData(_("Le NUR de chaque ménage est nécessaire pour créer le dossier."))
    today = timezone.localdate(now) if now else None
    nurs = [valid_nur(s.nur, today) for s in specs]  # THE NUR rule, canonical form
    left_ids = [_pk(s.dwelling_left) for s in specs]
    if len(set(left_ids)) != len(left_ids):
        raise InvalidData(_("Un même logement figure deux fois dans le dossier."))
    taken_ids = [
        _pk(s.dwelling_taken) if s.dwelling_taken is not None else left_ids[(i + 1) % len(specs)]
        for i, s in enumerate(specs)
    ]
    if sorted(taken_ids) != sorted(left_ids) or any(
        a == b for a, b in zip(left_ids, taken_ids, strict=True)
    ):
        raise InvalidData(
            _("Chaque ménage doit emménager dans le logement quitté par un autre ménage.")
        )
    tenant_ids = [_pk(s.tenant_user) for s in specs if s.tenant_user is not None]
    if len(set(tenant_ids)) != len(tenant_ids):
        raise InvalidData(_("Un même locataire figure deux fois dans le dossier."))
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the dwellings: two files cannot open on the same dwelling at once.
        dwellings = {
            d.pk: d
            for d in Dwelling.objects.select_for_update().filter(pk__in=left_ids).order_by("pk")
        }
        if len(dwellings) != len(left_ids):
            raise InvalidData(_("Un logement du dossier est introuvable."))
        busy = ExchangeParty.objects.filter(
            dwelling_left_id__in=left_ids, file__step__in=OPEN_STEPS
        ).exists()
        if busy:
            raise InvalidData(
                _("Un des logements fait déjà partie d’un dossier d’échange en cours.")
            )
        file = ExchangeFile.objects.create(
            step=Step.CREATED,
            step_changed_at=now,
            nurs_date=nurs_date or timezone.localdate(now),
            opened_at=now,
            opened_by=opened_by,
        )
        users = {}
        if tenant_ids:
            users = {u.pk: u for u in get_user_model().objects.filter(pk__in=tenant_ids)}
        parties = []
        for position, (spec, nur, left_id, taken_id) in enumerate(
            zip(specs, nurs, left_ids, taken_ids, strict=True), start=1
        ):
            dwelling = dwellings[left_id]
            parties.append(
                ExchangeParty(
                    file=file,
                    position=position,
                    landlord_id=dwelling.landlord_id,
                    dwelling_left=dwelling,
                    dwelling_taken_id=taken_id,
                    tenant_user=users.get(_pk(spec.tenant_user)) if spec.tenant_user else None,
                    tenant_name=dwelling.tenant_name,
                    tenant_reference=dwelling.tenant_reference,
                    nur=nur,
                )
            )
        ExchangeParty.objects.bulk_create(parties)
        parties = list(
            file.parties.select_related(
                "landlord", "dwelling_left__commune", "tenant_user"
            ).order_by("position")
        )
        roles_kind = ActorKind.SYSTEM
        actor_landlord = None
        if opened_by is not None:
            actor_landlord = staff_permissions.user_landlord(opened_by)
            if actor_landlord is not None:
                roles_kind = ActorKind.LANDLORD
            elif staff_permissions.is_super_admin(opened_by):
                roles_kind = ActorKind.AMO
            else:
                roles_kind = ActorKind.TENANT
        event = ExchangeEvent.objects.create(
            file=file,
            at=now,
            action="open",
            actor=opened_by,
            actor_kind=roles_kind,
            actor_landlord=actor_landlord,
            from_step="",
            to_step=Step.CREATED,
            details={"nurs_date": file.nurs_date.isoformat(), "parties": len(parties)},
        )
        signals.exchange_file_opened.send(sender=ExchangeFile, file=file, reopened=False)
        if notify:
            from .mails import notify_event

            notify_event("created", file, event, parties=parties)
    return file


def open_files():
    return ExchangeFile.objects.filter(step__in=OPEN_STEPS)


def tenants_in_open_files():
    """Tenant accounts (users) that are a party to a file in progress."""
    return get_user_model().objects.filter(exchange_parties__file__step__in=OPEN_STEPS).distinct()


def dwellings_in_open_files():
    """Dwellings left by a household of a file in progress."""
    return Dwelling.objects.filter(exchange_parties_left__file__step__in=OPEN_STEPS).distinct()


def open_file_of(user) -> ExchangeFile | None:
    """The file in progress of a tenant account, if any."""
    latest = latest_file_of(user)
    return latest if latest is not None and is_in_progress(latest) else None


def latest_file_of(user) -> ExchangeFile | None:
    """A tenant account's file in progress if any, else its latest file, if any (one
    query for the dashboard: ``open_file_of`` and "has files" at once)."""
    files = list(ExchangeFile.objects.filter(parties__tenant_user=user).order_by("-opened_at")[:50])
    return next((file for file in files if file.step in OPEN_STEPS), files[0] if files else None)


def is_in_progress(file: ExchangeFile) -> bool:
    return file.step in OPEN_STEPS


def forget_tenant(user) -> int:
    """RGPD: detach an anonymised tenant account from its files that are over.

    The copies of the tenant's name and reference taken when the file opened
    are blanked and the account link removed, on done and closed files only
    (a file in progress still needs them). Returns the parties changed. For
    the tenants app's anonymisation.
    """
    return (
        ExchangeParty.objects.filter(tenant_user=user)
        .exclude(file__step__in=OPEN_STEPS)
        .update(tenant_user=None, tenant_name="", tenant_reference="")
    )
