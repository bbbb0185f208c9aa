"""Demo exchange files: every step and every closure, with two and three households.

Idempotent and deterministic: each scenario is found by the key stored in
its opening event (``details["demo"]``) and created whole when missing, by
the real workflow (``workflow.perform``, backdated, without mails), so the
timelines, alerts and deadlines are those a real file would have. Files use
eligible dwellings of the bourse demo's landlords (``bourse/demo.py``), acted
on by their agents (``agent1-<landlord>``).

Tenant accounts: a household whose dwelling has an account of the tenants
app gets it. When the tenants app has no account at all, simple accounts
``dossier-locataire-N`` (password ``Demo-Locataire-2026``, demo only) are
created so that the tenant's view can be tried; otherwise households without
an account have none — except the one who renounces, who takes a demo tenant
account (its file is closed, so its listing is free again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from bourse import demo as bourse_demo
from bourse.eligibility import eligible_dwellings
from bourse.models import ActorKind, Dwelling, Landlord

from . import workflow
from .api import open_exchange_file
from .models import CalDecision, ExchangeEvent, ExchangeFile, ExchangeParty, Step

TENANT_PASSWORD = "Demo-Locataire-2026"  # noqa: S105 (demo only, given in the README)
A, R, N = CalDecision.ATTRIBUTION, CalDecision.REFUSAL_INELIGIBLE, CalDecision.NON_ATTRIBUTION


@dataclass(frozen=True)
class Scenario:
    key: str
    landlords: tuple[int, ...]  # indexes in bourse.demo.LANDLORDS, one per household
    nurs_days_ago: int
    # (action, days ago, data); "decide" takes the household's position and decision;
    # "cal" the days from the NURs to the CAL dates. The dates hold together as the
    # workflow's rules ask (a decision on or after its CAL, a move date inside the
    # move period, completion on or after the move date).
    steps: tuple = ()
    tenant_renounces: bool = False


SCENARIOS = (
    Scenario("cree", (0, 1), 2),
    Scenario("pre-instruction-en-alerte", (1, 2), 26, (("start_pre_instruction", 20, {}),)),
    Scenario(
        "instruction-chaine-3",
        (0, 2, 3),
        12,
        (("start_pre_instruction", 11, {}), ("validate_pre_instruction", 8, {})),
    ),
    Scenario(
        "instruction-en-alerte",
        (2, 0),
        30,
        (("start_pre_instruction", 27, {}), ("validate_pre_instruction", 25, {})),
    ),
    Scenario(
        "cal-programmee-meme-bailleur",
        (1, 1),
        24,
        (
            ("start_pre_instruction", 23, {}),
            ("validate_pre_instruction", 19, {}),
            ("schedule_cal", 10, {"cal": (30, 30)}),
        ),
    ),
    Scenario(
        "decisions-cal-chaine-3",
        (3, 0, 1),
        40,
        (
            ("start_pre_instruction", 39, {}),
            ("validate_pre_instruction", 35, {}),
            ("schedule_cal", 25, {"cal": (36, 40, 42)}),
            ("decide", 1, {"position": 1, "decision": A}),
        ),
    ),
    Scenario(
        "attribue-sans-periode",
        (0, 3),
        70,
        (
            ("start_pre_instruction", 69, {}),
            ("validate_pre_instruction", 66, {}),
            ("schedule_cal", 55, {"cal": (40, 44)}),
            ("decide", 28, {"position": 1, "decision": A}),
            ("decide", 25, {"position": 2, "decision": A}),
        ),
    ),
    Scenario(
        "periode-saisie",
        (2, 1),
        60,
        (
            ("start_pre_instruction", 59, {}),
            ("validate_pre_instruction", 55, {}),
            ("schedule_cal", 45, {"cal": (35, 37)}),
            ("decide", 24, {"position": 1, "decision": A}),
            ("decide", 23, {"position": 2, "decision": A}),
            ("set_move_period", 12, {"period": (-5, -25)}),
        ),
    ),
    Scenario(
        "demenagement-depasse",
        (1, 0),
        90,
        (
            ("start_pre_instruction", 88, {}),
            ("validate_pre_instruction", 84, {}),
            ("schedule_cal", 72, {"cal": (60, 62)}),
            ("decide", 29, {"position": 1, "decision": A}),
            ("decide", 28, {"position": 2, "decision": A}),
            ("set_move_period", 20, {"period": (10, 2)}),
            ("set_move_date", 15, {"date": 4}),
        ),
    ),
    Scenario(
        "demenagement-programme-chaine-3",
        (2, 3, 0),
        75,
        (
            ("start_pre_instruction", 74, {}),
            ("validate_pre_instruction", 70, {}),
            ("schedule_cal", 60, {"cal": (50, 52, 55)}),
            ("decide", 22, {"position": 1, "decision": A}),
            ("decide", 21, {"position": 2, "decision": A}),
            ("decide", 20, {"position": 3, "decision": A}),
            ("set_move_period", 14, {"period": (-5, -20)}),
            ("set_move_date", 10, {"date": -12}),
            ("edit_move_date", 6, {"date": -14}),
        ),
    ),
    Scenario(
        "echange-realise",
        (3, 2),
        120,
        (
            ("start_pre_instruction", 118, {}),
            ("validate_pre_instruction", 114, {}),
            ("schedule_cal", 104, {"cal": (58, 62)}),
            ("decide", 60, {"position": 1, "decision": A}),
            ("decide", 58, {"position": 2, "decision": A}),
            ("set_move_period", 50, {"period": (30, 20)}),
            ("set_move_date", 45, {"date": 24}),
            ("set_completion", 23, {"date": 24}),
        ),
    ),
    Scenario(
        "clos-par-un-bailleur",
        (0, 2),
        45,
        (
            ("start_pre_instruction", 44, {}),
            (
                "close_by_landlord",
                30,
                {"reason": "Le ménage a obtenu une mutation interne entre-temps."},
            ),
        ),
    ),
    Scenario(
        "renonciation-locataire",
        (1, 3),
        20,
        (
            ("start_pre_instruction", 19, {}),
            ("validate_pre_instruction", 15, {}),
            ("renounce", 6, {"reason": "Nous avons finalement décidé de rester dans le quartier."}),
        ),
        tenant_renounces=True,
    ),
    Scenario(
        "clos-pour-inactivite",
        (3, 1),
        150,
        (
            ("start_pre_instruction", 149, {}),
            (
                "close_for_inactivity",
                50,
                {
                    "reason": "Inactivité prolongée du locataire du ménage 2 : aucune connexion "
                    "depuis plus de 90 jours."
                },
            ),
        ),
    ),
    Scenario(
        "clos-suite-a-la-cal",
        (2, 0, 3),
        50,
        (
            ("start_pre_instruction", 49, {}),
            ("validate_pre_instruction", 45, {}),
            ("schedule_cal", 35, {"cal": (42, 44, 47)}),
            ("decide", 8, {"position": 1, "decision": A}),
            ("decide", 3, {"position": 3, "decision": R}),
        ),
    ),
    Scenario(
        "reactive-apres-cloture",
        (0, 1),
        35,
        (
            ("start_pre_instruction", 34, {}),
            ("validate_pre_instruction", 31, {}),
            ("undo", 31, {}),
            ("validate_pre_instruction", 30, {}),
            ("close_by_landlord", 20, {"reason": "Pièces justificatives manquantes."}),
            ("reopen", 18, {}),
        ),
    ),
    Scenario(
        "non-attribution",
        (3, 2),
        65,
        (
            ("start_pre_instruction", 64, {}),
            ("validate_pre_instruction", 60, {}),
            ("schedule_cal", 50, {"cal": (45, 48)}),
            ("decide", 15, {"position": 2, "decision": N}),
        ),
    ),
)


def _tenant_profile_model():
    try:
        return apps.get_model("tenants", "TenantProfile")
    except LookupError:
        return None


class _Picker:
    """Free eligible dwellings of a landlord, in a fixed order."""

    def __init__(self):
        self.profile_model = _tenant_profile_model()
        self.has_accounts = bool(self.profile_model and self.profile_model.objects.exists())
        self.used = set(ExchangeParty.objects.values_list("dwelling_left_id", flat=True))
        self.with_account = set()
        if self.profile_model is not None:
            self.with_account = set(
                self.profile_model.objects.filter(
                    dwelling__isnull=False, anonymised_at__isnull=True
                ).values_list("dwelling_id", flat=True)
            )

    def dwelling(self, landlord: Landlord, *, with_account: bool = False) -> Dwelling | None:
        queryset = eligible_dwellings(Dwelling.objects.filter(landlord=landlord)).exclude(
            pk__in=self.used
        )
        if with_account:
            queryset = queryset.filter(pk__in=self.with_account)
        else:
            queryset = queryset.exclude(pk__in=self.with_account)
        dwelling = queryset.order_by("housing_reference").first()
        if dwelling is not None:
            self.used.add(dwelling.pk)
        return dwelling

    def tenant(self, dwelling: Dwelling, number: int):
        if dwelling.pk in self.with_account:
            profile = self.profile_model.objects.filter(
                dwelling=dwelling, anonymised_at__isnull=True
            ).first()
            return profile.user if profile else None
        if self.has_accounts:
            return None
        User = get_user_model()
        username = f"dossier-locataire-{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            first = (dwelling.tenant_name or "Locataire").title()
            user = User.objects.create_user(
                username,
                email=f"{username}@locataire.example",
                password=TENANT_PASSWORD,
                first_name=first,
            )
        return user


def _agent(landlord: Landlord):
    User = get_user_model()
    username = f"agent1-{bourse_demo.landlord_slug(landlord.name)}"
    return (
        User.objects.filter(username=username).first()
        or User.objects.filter(staff_profile__landlord=landlord).order_by("username").first()
    )


def _demo_landlords() -> list[Landlord]:
    found = []
    for name, _departments, _website in bourse_demo.LANDLORDS:
        landlord = Landlord.objects.filter(name=name).first()
        if landlord is not None:
            found.append(landlord)
    return found


def load() -> list[str]:
    """Create the missing demo files; returns the keys created."""
    landlords = _demo_landlords()
    if len(landlords) < len(bourse_demo.LANDLORDS):
        return []  # the bourse demo (landlords, agents, patrimoine) has not run
    done = set(
        ExchangeEvent.objects.filter(action="open", details__has_key="demo").values_list(
            "details__demo", flat=True
        )
    )
    picker = _Picker()
    created = []
    tenant_number = 0
    for scenario in SCENARIOS:
        tenant_number += len(scenario.landlords)
        if scenario.key in done:
            continue
        if _create(scenario, landlords, picker, tenant_number - len(scenario.landlords)):
            created.append(scenario.key)
    return created


def _demo_nur(dwelling, number: int, now) -> str:
    """A NUR of the SNE structure (``workflow.valid_nur``): the dwelling's department,
    a request filed about a year ago, a sequence number, the public internet desk."""
    filed = timezone.localdate(now) - dt.timedelta(days=365)
    return f"0{dwelling.commune_id[:2]}{filed:%m%y}{number:06d}GDPUB"


def _create(scenario: Scenario, landlords, picker: _Picker, first_number: int) -> bool:
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    specs = []
    for index, landlord_index in enumerate(scenario.landlords):
        landlord = landlords[landlord_index]
        wants_account = scenario.tenant_renounces and index == 0 and picker.has_accounts
        dwelling = picker.dwelling(landlord, with_account=wants_account)
        if dwelling is None and wants_account:
            dwelling = picker.dwelling(landlord)
        if dwelling is None:
            return False
        specs.append(
            {
                "dwelling_left": dwelling,
                "nur": _demo_nur(dwelling, first_number + index + 1, now),
                "tenant_user": picker.tenant(dwelling, first_number + index + 1),
            }
        )
    if scenario.tenant_renounces and specs[0]["tenant_user"] is None:
        return False
    opened_at = now - dt.timedelta(days=scenario.nurs_days_ago)
    nurs_date = timezone.localdate(opened_at)
    file = open_exchange_file(
        specs, specs[-1]["tenant_user"], nurs_date=nurs_date, now=opened_at, notify=False
    )
    ExchangeEvent.objects.filter(file=file, action="open").update(
        details={**file.events.get(action="open").details, "demo": scenario.key}
    )
    parties = {p.position: p for p in file.parties.select_related("landlord", "tenant_user")}
    main_agent = _agent(parties[1].landlord)
    for action, days_ago, data in scenario.steps:
        when = now - dt.timedelta(days=days_ago if days_ago is not None else 0)
        user, party, payload = main_agent, None, {}
        if action == "decide":
            party = parties[data["position"]]
            user = _agent(party.landlord)
            action, payload = "record_cal_decision", {"decision": data["decision"]}
        elif action == "schedule_cal":
            payload = {
                "cal_dates": {
                    parties[i + 1].pk: nurs_date + dt.timedelta(days=offset)
                    for i, offset in enumerate(data["cal"])
                }
            }
        elif action == "set_move_period":
            start, end = (timezone.localdate(now) - dt.timedelta(days=d) for d in data["period"])
            payload = {"start": start, "end": end}
        elif action in ("set_move_date", "edit_move_date", "set_completion"):
            payload = {"date": timezone.localdate(now) - dt.timedelta(days=data["date"])}
        elif action in ("close_by_landlord", "renounce", "close_for_inactivity"):
            payload = {"reason": data["reason"]}
        if action == "renounce":
            user = parties[1].tenant_user
        if action == "reopen":
            user = _agent(parties[2].landlord)
        workflow.perform(
            file,
            action,
            None if action == "close_for_inactivity" else user,
            system=action == "close_for_inactivity",
            party=party,
            data=payload,
            now=when,
            notify=False,
        )
    return True


# --- Several years of history (issue 19) ----------------------------------------------------
#
# The home page's milestone says « 1 000 locataires ayant échangé le 24/04/2021 » and its
# key figure counts the households of the files whose exchange is done (``bourse.stats``):
# the history makes both true. Files done since January 2019, the 1 000th household on
# 24/04/2021, about 1 080 today; beside them, files closed without an exchange (by a
# landlord, a tenant's renunciation, inactivity, a CAL's refusal), so that the statistics
# have rates and delays worth reading. Fictitious households (Faker fr_FR, fixed seed) on
# the demo landlords' dwellings (communes of the reference data). Written with
# ``bulk_create`` (a few thousand rows, no workflow, no mail); found again by the
# « historique » key of their opening events.

HISTORY_KEY = "historique"
HISTORY_START = dt.date(2019, 1, 7)
MILESTONE_DAY = dt.date(2021, 4, 24)
MILESTONE_HOUSEHOLDS = 1_000
TODAY_HOUSEHOLDS = 1_080  # « plus de 1080 locataires ayant échangé » (seed)
THREE_HOUSEHOLD_FILES = 20  # 20 × 3 + 470 × 2 = 1 000 by the milestone
CLOSED_SHARE = 0.3  # files closed without an exchange, among those that end


def load_history(seed: int = 2019) -> int:
    """Create the demo's past exchange files once; returns how many were created."""
    import random

    from faker import Faker

    if ExchangeEvent.objects.filter(action="open", details__demo=HISTORY_KEY).exists():
        return 0
    landlords = _demo_landlords()
    dwellings = list(
        Dwelling.objects.filter(landlord__in=landlords)
        .order_by("landlord_id", "housing_reference")
        .values_list("pk", "landlord_id", "commune_id")
    )
    if len(dwellings) < 10:
        return 0
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    today = timezone.localdate()
    done_now = ExchangeParty.objects.filter(file__step=Step.DONE).count()

    # Completion days: up to the milestone (its 1 000th household on the day itself),
    # then the slower years since, up to some weeks before the demo's live files.
    sizes = [3] * THREE_HOUSEHOLD_FILES + [2] * (
        (MILESTONE_HOUSEHOLDS - 3 * THREE_HOUSEHOLD_FILES) // 2
    )
    rng.shuffle(sizes)
    span = (MILESTONE_DAY - HISTORY_START).days
    before = sorted(HISTORY_START + dt.timedelta(days=rng.randrange(span)) for _ in sizes)
    before[-1] = MILESTONE_DAY
    after_count = max(0, (TODAY_HOUSEHOLDS - MILESTONE_HOUSEHOLDS - done_now) // 2)
    after_span = (today - dt.timedelta(days=60) - MILESTONE_DAY).days
    after = sorted(
        MILESTONE_DAY + dt.timedelta(days=1 + rng.randrange(after_span)) for _ in range(after_count)
    )
    plans = [(day, size, Step.DONE) for day, size in zip(before, sizes, strict=True)]
    plans += [(day, 2, Step.DONE) for day in after]
    closures = (
        Step.CLOSED_BY_LANDLORD,
        Step.CLOSED_BY_TENANT,
        Step.CLOSED_INACTIVITY,
        Step.CLOSED_AFTER_CAL,
    )
    weights = (3, 4, 2, 1)
    closed_count = round(len(plans) * CLOSED_SHARE / (1 - CLOSED_SHARE))
    last = today - dt.timedelta(days=60)
    for _ in range(closed_count):
        day = HISTORY_START + dt.timedelta(days=rng.randrange((last - HISTORY_START).days))
        plans.append((day, 2, rng.choices(closures, weights)[0]))
    plans.sort()

    files, parties_of = [], []
    number = 0
    for day, size, step in plans:
        file, parties = _history_file(rng, fake, dwellings, day, size, step)
        files.append(file)
        for party in parties:
            number += 1
            party.nur = f"0{party.commune}{party.filed:%m%y}{number:06d}GDPUB"
        parties_of.append(parties)
    ExchangeFile.objects.bulk_create(files, batch_size=500)
    for file, parties in zip(files, parties_of, strict=True):
        for party in parties:
            party.file_id = file.pk
    ExchangeParty.objects.bulk_create(
        [party for parties in parties_of for party in parties], batch_size=1000
    )
    events = []
    for file, parties in zip(files, parties_of, strict=True):
        events.append(
            ExchangeEvent(
                file_id=file.pk,
                at=file.opened_at,
                action="open",
                actor_kind=ActorKind.LANDLORD,
                actor_landlord_id=parties[0].landlord_id,
                to_step=Step.CREATED,
                details={
                    "nurs_date": file.nurs_date.isoformat(),
                    "parties": len(parties),
                    "demo": HISTORY_KEY,
                },
            )
        )
        events.append(
            ExchangeEvent(
                file_id=file.pk,
                at=file.closed_at,
                action=_CLOSING_ACTIONS[file.step],
                actor_kind=ActorKind.SYSTEM
                if file.step == Step.CLOSED_INACTIVITY
                else ActorKind.LANDLORD,
                actor_landlord_id=parties[-1].landlord_id,
                from_step=file.closed_from_step or Step.MOVE_SCHEDULED,
                to_step=file.step,
                reason=file.closure_reason,
            )
        )
    ExchangeEvent.objects.bulk_create(events, batch_size=1000)
    return len(files)


_CLOSING_ACTIONS = {
    Step.DONE: "set_completion",
    Step.CLOSED_BY_LANDLORD: "close_by_landlord",
    Step.CLOSED_BY_TENANT: "renounce",
    Step.CLOSED_INACTIVITY: "close_for_inactivity",
    Step.CLOSED_AFTER_CAL: "record_cal_decision",
}
_CLOSURE_REASONS = {
    Step.CLOSED_BY_LANDLORD: "Dossier incomplet malgré les relances.",
    Step.CLOSED_BY_TENANT: "Le ménage renonce à l’échange.",
    Step.CLOSED_INACTIVITY: "Locataire inactif depuis plus de 90 jours.",
    Step.CLOSED_AFTER_CAL: "Refus de la CAL : ménage non éligible au logement proposé.",
}
_CLOSED_FROM = {
    Step.CLOSED_BY_LANDLORD: Step.INSTRUCTION,
    Step.CLOSED_BY_TENANT: Step.PRE_INSTRUCTION,
    Step.CLOSED_INACTIVITY: Step.CREATED,
    Step.CLOSED_AFTER_CAL: "cal_decisions",
}


def _history_file(rng, fake, dwellings, end: dt.date, size: int, step: str):
    """One past file ending on ``end`` (done or closed), its dates going backwards from
    there with the delays of a real file, and its ``size`` households (not saved)."""

    def back(day, low, high):
        return day - dt.timedelta(days=rng.randint(low, high))

    def moment(day, hour):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))

    file = ExchangeFile(step=step)
    if step == Step.DONE:
        move = back(end, 0, 6)
        move_entered = back(move, 7, 25)
        attributed = back(move_entered, 3, 20)
        instructed = back(attributed, 10, 45)
        pre_instructed = back(instructed, 5, 30)
        nurs = back(pre_instructed, 3, 25)
        file.completed_on, file.move_date, file.move_date_entered_on = end, move, move_entered
        file.move_period_start = back(move, 0, 10)
        file.move_period_end = file.move_period_start + dt.timedelta(days=21)
        file.attributed_on, file.instructed_on = attributed, instructed
        file.pre_instructed_on = pre_instructed
        cal = back(attributed, 0, 7)
    else:
        nurs = back(end, 10, 120)
        file.closed_from_step = _CLOSED_FROM[step]
        file.closure_reason = _CLOSURE_REASONS[step]
        cal = back(end, 0, 5) if step == Step.CLOSED_AFTER_CAL else None
        if step in (Step.CLOSED_BY_LANDLORD, Step.CLOSED_AFTER_CAL):
            file.pre_instructed_on = nurs + dt.timedelta(days=rng.randint(3, 20))
    file.nurs_date = nurs
    file.opened_at = moment(back(nurs, 0, 3), 9)
    file.closed_at = file.step_changed_at = moment(end, 17)

    chosen = rng.sample(dwellings, size)
    decision = CalDecision.ATTRIBUTION if step == Step.DONE else CalDecision.REFUSAL_INELIGIBLE
    parties = []
    for position, (pk, landlord_id, commune) in enumerate(chosen, start=1):
        taken = chosen[position % size]
        party = ExchangeParty(
            position=position,
            landlord_id=landlord_id,
            dwelling_left_id=pk,
            dwelling_taken_id=taken[0],
            tenant_name=f"{fake.first_name()} {fake.last_name()}",
            tenant_reference=f"LOC-H{rng.randrange(10**6):06d}",
            cal_date=cal,
            cal_decision=decision if cal else "",
            cal_decision_on=cal + dt.timedelta(days=1) if cal else None,
        )
        party.commune = commune[:2]
        party.filed = nurs - dt.timedelta(days=rng.randint(60, 700))
        parties.append(party)
    return file, parties
