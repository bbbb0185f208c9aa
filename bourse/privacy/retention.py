"""How long the portal keeps personal data, and the purge that applies it (issue 18).

One table, ``RULES``: for each kind of data, what it is, how long it is kept
(a setting, in months; the defaults and their reasons are in README
"Retention"), from which moment, and what happens then. The privacy notice
shows this table (``{% retention_table %}``), the daily job
(``tasks.purge_personal_data``) and ``manage.py purge_personal_data`` apply it.

Counting days: a rule of N months reached on day D (in Paris) is applied from
the day D + N months on; the day before, the data is kept. Every purge is
idempotent (what was purged is no longer a candidate) and never touches the
data of an open exchange file (a tenant party to one is not anonymised; only
files done or closed are blanked).
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bourse.audit.models import AccessLogEntry
from bourse.contact.models import ContactMessage
from bourse.conversations import services as conversations
from bourse.exchanges.models import (
    CLOSED_STEPS,
    OPEN_STEPS,
    ExchangeEvent,
    ExchangeFile,
    ExchangeParty,
    Step,
)
from bourse.models import ActorKind, PatrimoineImport
from bourse.tenants import lifecycle, services
from bourse.tenants.models import ListingStatus, OutboundSms, TenantProfile
from portal.models import OutboundEmail, OutboxMessage

# --- Days ---------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff(months: int, today: dt.date | None = None) -> dt.datetime:
    """Data dated before this moment is due: the start of the day after
    ``today - months`` in Paris (data of that day itself is due today)."""
    today = today or timezone.localdate()
    last_due_day = months_before(today, months)
    return timezone.make_aware(
        dt.datetime.combine(last_due_day + dt.timedelta(days=1), dt.time.min)
    )


# --- The purges: each kind's candidates (a queryset) and what happens to them ---------


def deactivated_tenants(limit):
    """Deactivated accounts (listing deactivated since before ``limit``), not yet
    anonymised, party to no open exchange file."""
    return (
        TenantProfile.objects.filter(
            anonymised_at__isnull=True,
            listing__status=ListingStatus.DEACTIVATED,
            listing__status_changed_at__lt=limit,
        )
        .exclude(user__exchange_parties__file__step__in=OPEN_STEPS)
        .distinct()
    )


def anonymise_tenants(queryset) -> int:
    done = 0
    for profile in queryset.select_related("user"):
        try:
            services.anonymise(profile, None, actor_kind=ActorKind.SYSTEM)
        except lifecycle.TransitionError:
            continue  # a file opened in between: kept
        done += 1
    return done


PARTY_PERSONAL = Q(tenant_user__isnull=False) | ~Q(tenant_name="") | ~Q(tenant_reference="")
PARTY_PERSONAL |= ~Q(nur="")


def finished_files(limit):
    """Files done or closed before ``limit`` that still hold personal fields."""
    return ExchangeFile.objects.filter(
        step__in=(Step.DONE, *CLOSED_STEPS), step_changed_at__lt=limit
    ).filter(
        Q(pk__in=ExchangeParty.objects.filter(PARTY_PERSONAL).values("file_id"))
        | ~Q(closure_reason="")
    )


@transaction.atomic
def blank_files(queryset) -> int:
    """Names, references, NUR and free texts go; steps, dates, landlords,
    dwellings and CAL decisions (the statistics) stay."""
    ids = list(queryset.values_list("pk", flat=True))
    ExchangeParty.objects.filter(file_id__in=ids).update(
        tenant_user=None, tenant_name="", tenant_reference="", nur=""
    )
    ExchangeFile.objects.filter(pk__in=ids).update(closure_reason="")
    ExchangeEvent.objects.filter(file_id__in=ids).exclude(reason="").update(reason="")
    for event in ExchangeEvent.objects.filter(file_id__in=ids, details__has_key="nur"):
        event.details = {k: v for k, v in event.details.items() if k not in ("nur", "before")}
        event.save(update_fields=["details"])
    return len(ids)


def old_contact_messages(limit):
    return ContactMessage.objects.filter(created_at__lt=limit)


@transaction.atomic
def delete_contact_messages(queryset) -> int:
    count = 0
    for message in queryset.only("pk", "attachment"):
        if message.attachment:
            message.attachment.delete(save=False)
        message.delete()
        count += 1
    return count


def old_import_files(limit):
    return (
        PatrimoineImport.objects.filter(created_at__lt=limit)
        .exclude(status__in=(PatrimoineImport.Status.PENDING, PatrimoineImport.Status.RUNNING))
        .exclude(file="", report="")
    )


def delete_import_files(queryset) -> int:
    count = 0
    for imp in queryset.only("pk", "file", "report"):
        for field in (imp.file, imp.report):
            if field:
                field.delete(save=False)
        PatrimoineImport.objects.filter(pk=imp.pk).update(file="", report="")
        count += 1
    return count


def old_outbox(limit):
    """Mails and SMS sent (or given up) before ``limit`` whose text is still there."""
    done = (OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED)
    return [
        OutboundEmail.objects.filter(created_at__lt=limit, status__in=done).exclude(
            body="", html_body=""
        ),
        OutboundSms.objects.filter(created_at__lt=limit, status__in=done).exclude(body=""),
    ]


def blank_outbox(querysets) -> int:
    mails, sms = querysets
    return mails.update(body="", html_body="", to=[], reply_to=[]) + sms.update(body="", to="")


def old_access_log(limit):
    return AccessLogEntry.objects.filter(at__lt=limit)


def delete_access_log(queryset) -> int:
    return queryset.delete()[0]


def _count(candidates) -> int:
    if isinstance(candidates, list):
        return sum(queryset.count() for queryset in candidates)
    return candidates.count()


# --- The table ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Rule:
    key: str
    data: str  # what (French, shown in the privacy notice)
    start: str  # from when
    action: str  # what happens then
    setting: str  # the duration's setting
    unit_months: int = 1  # 12 when the setting counts years
    candidates: Callable  # limit -> queryset (or list of querysets)
    apply: Callable  # candidates -> count

    @property
    def amount(self) -> int:
        return int(getattr(settings, self.setting))

    @property
    def months(self) -> int:
        return self.amount * self.unit_months

    @property
    def duration(self) -> str:
        if self.unit_months == 12:
            return _("%(n)s ans") % {"n": self.amount} if self.amount > 1 else _("1 an")
        return _("%(n)s mois") % {"n": self.amount}


RULES: list[Rule] = [
    Rule(
        key="tenant_accounts",
        data=_("Comptes locataires désactivés (identité, coordonnées, références, annonce)"),
        start=_("depuis la désactivation, sans dossier d’échange en cours"),
        action=_(
            "Compte anonymisé : nom, courriel, téléphone, références, NUR, description et "
            "photos supprimés ; les faits du logement restent pour les statistiques."
        ),
        setting="RETENTION_DEACTIVATED_TENANT_MONTHS",
        candidates=deactivated_tenants,
        apply=anonymise_tenants,
    ),
    Rule(
        key="exchange_files",
        data=_("Dossiers d’échange réalisés ou clos"),
        start=_("depuis la réalisation ou la clôture du dossier"),
        action=_(
            "Noms, références, NUR et motifs effacés ; étapes, dates, bailleurs, logements "
            "et décisions restent pour les statistiques. Un dossier en cours n’est jamais touché."
        ),
        setting="RETENTION_CLOSED_FILE_YEARS",
        unit_months=12,
        candidates=finished_files,
        apply=blank_files,
    ),
    Rule(
        key="contact_messages",
        data=_("Messages du formulaire de contact et leurs pièces jointes"),
        start=_("depuis la réception du message"),
        action=_("Message, échanges et pièce jointe supprimés."),
        setting="RETENTION_CONTACT_MESSAGE_MONTHS",
        candidates=old_contact_messages,
        apply=delete_contact_messages,
    ),
    Rule(
        key="patrimoine_imports",
        data=_("Fichiers patrimoine déposés par les bailleurs et rapports d’import"),
        start=_("depuis le dépôt du fichier"),
        action=_("Fichier et rapport supprimés ; les compteurs de l’import restent."),
        setting="RETENTION_PATRIMOINE_IMPORT_MONTHS",
        candidates=old_import_files,
        apply=delete_import_files,
    ),
    Rule(
        key="outbox",
        data=_("Courriels et SMS envoyés par le portail"),
        start=_("depuis l’envoi"),
        action=_("Texte et destinataires effacés ; la trace de l’envoi reste."),
        setting="RETENTION_OUTBOX_MONTHS",
        candidates=old_outbox,
        apply=blank_outbox,
    ),
    Rule(
        key="access_log",
        data=_("Journal des consultations des données des locataires par les bailleurs"),
        start=_("depuis la consultation"),
        action=_("Entrée du journal supprimée."),
        setting="RETENTION_ACCESS_LOG_MONTHS",
        candidates=old_access_log,
        apply=delete_access_log,
    ),
    Rule(
        key="conversations",
        data=_("Conversations entre locataires et numéros partagés"),
        start=_("depuis la fin de la demande de contact ou de la chaîne, ou la clôture du dossier"),
        action=_(
            "Messages effacés et numéros partagés oubliés ; la conversation reste comptée, "
            "sans texte."
        ),
        setting="RETENTION_CONVERSATION_MONTHS",
        candidates=conversations.ended_before,
        apply=conversations.purge,
    ),
]
RULES_BY_KEY = {rule.key: rule for rule in RULES}


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    count: int


def run(*, today: dt.date | None = None, dry_run: bool = False) -> list[Outcome]:
    """Apply every rule (or, with ``dry_run``, count what each would do)."""
    outcomes = []
    for rule in RULES:
        candidates = rule.candidates(cutoff(rule.months, today))
        count = _count(candidates) if dry_run else rule.apply(candidates)
        outcomes.append(Outcome(rule, count))
    return outcomes
