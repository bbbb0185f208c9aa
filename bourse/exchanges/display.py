"""What the screens show about a file: step track, timeline lines, contingents, next step."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bourse.eligibility import contingent_position
from bourse.models import Position, Reservataire, ReservataireKind

from .models import CLOSED_STEPS, STEP_NUMBERS, ActorKind, CalDecision, Step
from .workflow import TRANSITIONS, nur_display

TRACK = (
    (1, gettext_lazy("Création — NUR transmis")),
    (2, gettext_lazy("Pré-instruction")),
    (3, gettext_lazy("Instruction")),
    (4, gettext_lazy("Passage en CAL programmé")),
    (5, gettext_lazy("Décisions des CAL")),
    (6, gettext_lazy("Attente des dates de déménagement")),
    (7, gettext_lazy("Déménagement programmé")),
    (8, gettext_lazy("Échange réalisé")),
)


@dataclass(frozen=True)
class TrackStep:
    number: int
    label: str
    state: str  # "done", "current", "closed" (closed at this step), "todo"


def step_track(file) -> list[TrackStep]:
    current = STEP_NUMBERS.get(file.step) or STEP_NUMBERS.get(file.closed_from_step) or 1
    done_all = file.step == Step.DONE
    result = []
    for number, label in TRACK:
        if number < current or done_all:
            state = "done"
        elif number == current:
            state = "closed" if file.step in CLOSED_STEPS else "current"
        else:
            state = "todo"
        result.append(TrackStep(number, str(label), state))
    return result


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return date_format(value, "d/m/Y")


def action_label(action: str) -> str:
    if action == "open":
        return _("Création du dossier (NUR transmis)")
    t = TRANSITIONS.get(action)
    return str(t.label) if t else action


def actor_label(event) -> str:
    if event.actor_kind == ActorKind.SYSTEM:
        return _("Tâche automatique")
    name = ""
    if event.actor is not None:
        name = event.actor.get_full_name() or event.actor.username
    if event.actor_kind == ActorKind.LANDLORD and event.actor_landlord is not None:
        return f"{name} ({event.actor_landlord.name})" if name else event.actor_landlord.name
    if event.actor_kind == ActorKind.AMO:
        return _("%(name)s (super administrateur)") % {"name": name or _("AMO")}
    if event.actor_kind == ActorKind.TENANT:
        return _("Locataire")
    return name or _("inconnu")


def event_summary(event) -> str:
    d = event.details or {}
    action = event.action
    if action == "open":
        return _("NUR transmis le %(date)s, %(n)s ménages.") % {
            "date": _day(d.get("nurs_date")),
            "n": d.get("parties", ""),
        }
    if action in ("schedule_cal", "edit_cal_dates"):
        dates = d.get("cal_dates") or {}
        return "; ".join(
            _("ménage %(n)s : %(date)s") % {"n": n, "date": _day(day)}
            for n, day in sorted(dates.items())
        )
    if action == "record_cal_decision":
        return _("Ménage %(n)s : %(decision)s") % {
            "n": d.get("party", ""),
            "decision": CalDecision(d["decision"]).label if d.get("decision") else "",
        }
    if action == "set_move_period":
        return _("Du %(start)s au %(end)s") % {
            "start": _day(d.get("start")),
            "end": _day(d.get("end")),
        }
    if action in ("set_move_date", "set_completion"):
        return _day(d.get("date")) + _period_change(d)
    if action in ("edit_move_date", "edit_completion"):
        return _("%(before)s → %(date)s") % {
            "before": _day(d.get("before")) or "—",
            "date": _day(d.get("date")),
        } + _period_change(d)
    if action == "correct_nur":
        return _("Ménage %(n)s : NUR %(before)s → %(nur)s") % {
            "n": d.get("party", ""),
            "before": d.get("before") or "—",
            "nur": nur_display(d.get("nur", "")),
        }
    if action == "undo":
        return _("Action annulée : %(action)s") % {"action": action_label(d.get("undone", ""))}
    if action == "reopen":
        closure = d.get("closure")
        return _("Le dossier était : %(closure)s") % {
            "closure": Step(closure).label.lower() if closure else ""
        }
    return ""


def confirmation_lines(file, preview, data) -> list[str]:
    """What a consequential action will do, in plain French (the confirmation pages)."""
    action = preview.action
    to_label = str(Step(preview.to_step).label)
    reason = data.get("reason") or preview.reason
    lines = []
    if action == "close_by_landlord":
        lines.append(
            _(
                "Le dossier %(ref)s sera clos à l’étape « %(step)s », pour le motif : "
                "« %(reason)s »."
            )
            % {"ref": file.reference, "step": Step(preview.from_step).label, "reason": reason}
        )
        lines.append(
            _(
                "Les locataires et les bailleurs du dossier seront prévenus par courriel ; les "
                "annonces des locataires redeviendront visibles s’ils sont toujours éligibles. "
                "Un dossier clos peut être réactivé."
            )
        )
    elif action == "renounce":
        lines.append(
            _(
                "Vous renoncez à l’échange : le dossier %(ref)s sera clos pour tous les "
                "ménages, pour le motif : « %(reason)s »."
            )
            % {"ref": file.reference, "reason": reason}
        )
        lines.append(
            _(
                "Vos bailleurs et les autres ménages seront prévenus par courriel. Si vous êtes "
                "toujours éligible, votre annonce redeviendra visible."
            )
        )
    elif action == "undo":
        event = preview.undo_event
        lines.append(
            _(
                "L’action « %(label)s » du %(date)s (%(actor)s) sera annulée : le dossier "
                "reviendra à l’étape « %(step)s » et les dates que cette action avait "
                "saisies seront effacées."
            )
            % {
                "label": action_label(event.action) if event else "",
                "date": date_format(timezone.localtime(event.at), "d/m/Y H:i") if event else "",
                "actor": actor_label(event) if event else "",
                "step": to_label,
            }
        )
    elif action == "reopen":
        lines.append(
            _("Le dossier %(ref)s sera réactivé : il reviendra à l’étape « %(step)s ».")
            % {"ref": file.reference, "step": to_label}
        )
        if file.step == Step.CLOSED_AFTER_CAL:
            lines.append(_("La décision de la CAL qui avait clos le dossier sera retirée."))
        lines.append(
            _(
                "Les locataires et les bailleurs seront prévenus ; les annonces des locataires "
                "sortiront de nouveau de la recherche."
            )
        )
    elif action == "record_cal_decision":
        party = preview.party
        decision = CalDecision(data["decision"]).label
        lines.append(
            _("Décision de la CAL du %(date)s pour le ménage %(n)s (%(landlord)s) : « %(d)s ».")
            % {
                "date": _day(party.cal_date) if party else "",
                "n": party.position if party else "",
                "landlord": party.landlord.name if party else "",
                "d": decision,
            }
        )
        if preview.to_step in CLOSED_STEPS:
            lines.append(
                _(
                    "Le dossier sera clos (« %(step)s ») ; les locataires et les bailleurs "
                    "seront prévenus."
                )
                % {"step": to_label}
            )
        elif preview.to_step == Step.ATTRIBUTED:
            lines.append(
                _(
                    "Toutes les CAL auront attribué : le dossier passera à l’étape « %(step)s » "
                    "et les locataires et les bailleurs seront prévenus."
                )
                % {"step": to_label}
            )
        else:
            lines.append(_("Le dossier attendra la décision des autres CAL."))
    elif action == "set_completion":
        lines.append(
            _(
                "L’échange sera noté réalisé le %(date)s : le dossier passera à l’étape "
                "« %(step)s » et les locataires et les bailleurs seront prévenus."
            )
            % {"date": _day(preview.details.get("date")), "step": to_label}
        )
    elif action == "edit_completion":
        lines.append(
            _("La date de réalisation de l’échange passera du %(before)s au %(date)s.")
            % {
                "before": _day(preview.details.get("before")) or "—",
                "date": _day(preview.details.get("date")),
            }
        )
    lines.append(_("Cette action sera inscrite dans l’historique du dossier, à votre nom."))
    return lines


def _period_change(details) -> str:
    period = details.get("period")
    if not period:
        return ""
    before = period.get("before") or [None, None]
    return _(" ; période de déménagement du %(b0)s au %(b1)s → du %(start)s au %(end)s") % {
        "b0": _day(before[0]) or "—",
        "b1": _day(before[1]) or "—",
        "start": _day(period.get("start")),
        "end": _day(period.get("end")),
    }


def step_label(value: str) -> str:
    return str(Step(value).label) if value else "—"


@dataclass(frozen=True)
class Contingent:
    kind: str
    name: str
    position: str
    position_label: str


def contingent(dwelling) -> Contingent:
    """The dwelling's contingent and the position of its reservataire."""
    kind, code = dwelling.reservataire_kind, dwelling.reservataire_code or ""
    position = contingent_position(kind, code)
    name = Reservataire.objects.filter(kind=kind, code=code).values_list("name", flat=True).first()
    kind_label = str(ReservataireKind(kind).label) if kind in ReservataireKind.values else kind
    if not name:
        name = f"{kind_label} {code}".strip()
    return Contingent(kind_label, name, position, str(Position(position).label))


def tenant_next_step(file) -> str:
    """What the tenant should expect now, in plain words."""
    step = file.step
    if step in (Step.CREATED, Step.PRE_INSTRUCTION):
        return _(
            "Vos bailleurs pré-instruisent votre dossier (sous 7 jours calendaires après la "
            "transmission des NUR). Vous n’avez rien à faire pour l’instant."
        )
    if step == Step.INSTRUCTION:
        return _(
            "Vos bailleurs instruisent votre dossier puis fixent les dates de passage en "
            "commission d’attribution des logements (CAL)."
        )
    if step in (Step.CAL_SCHEDULED, Step.CAL_DECISIONS):
        return _(
            "Votre dossier passe en commission d’attribution (CAL). Vos bailleurs saisiront "
            "les décisions des commissions."
        )
    if step == Step.ATTRIBUTED:
        return _(
            "Les commissions ont attribué les logements. Vos bailleurs vont vous contacter pour "
            "convenir d’une période de déménagement."
        )
    if step == Step.MOVE_PERIOD_SET:
        return _(
            "Période de déménagement : du %(start)s au %(end)s. Vos bailleurs fixent la date du "
            "déménagement avec vous."
        ) % {"start": _day(file.move_period_start), "end": _day(file.move_period_end)}
    if step == Step.MOVE_SCHEDULED:
        return _("Votre déménagement est prévu le %(date)s.") % {"date": _day(file.move_date)}
    if step == Step.DONE:
        return _("Votre échange est réalisé depuis le %(date)s.") % {
            "date": _day(file.completed_on)
        }
    if step in CLOSED_STEPS:
        return _("Ce dossier est clos. Pour toute question, contactez votre bailleur.")
    return ""
