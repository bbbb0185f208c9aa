"""Every status rule of tenant accounts and listings, in one place.

A listing's status is its tenant account's status (one listing per account):

- *enregistrée* (registered) → *active* by itself once the three steps are
  complete (profile, housing sheet, search criteria);
- *suspendue* (suspended) by the tenant, and resumed by the tenant;
- *désactivée* (deactivated) manually by the landlord, after 3 months without
  sign-in, or after a listing suspended more than 4 months.

Eligibility is not a status: it is read from the patrimoine
(``bourse.eligibility.is_eligible``) and an ineligible tenant cannot sign in,
whatever the status. Each rule below is a named function whose docstring
quotes the rule (DESIGN.md 3.2 and the AMO's notes of 2021: "Activation
compte locataire", "Réactivation des comptes locataires inéligibles",
anomalies 3 to 6). Every change is recorded as a ``ListingEvent`` saying who
acted: the tenant, landlord staff, the AMO, or an automatic job.

No rule sends a "votre compte a été réactivé" mail: see ``reactivate``.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bourse import permissions as staff_permissions
from bourse.eligibility import is_eligible

from .models import (
    ActorKind,
    DeactivationReason,
    DeactivationWarning,
    EventKind,
    Listing,
    ListingEvent,
    ListingStatus,
    TenantProfile,
    WarningKind,
    WarningStage,
)

INACTIVITY_MONTHS = 3
LONG_SUSPENSION_MONTHS = 4
WARNING_NOTICE = timedelta(days=7)  # the "one week" warning, and the least notice given

S = ListingStatus


class TransitionError(Exception):
    """A rule refuses the change; the message is French and shown as is."""


# --- Time ---------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """Same day ``months`` later (or earlier), clamped to the month's last day."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- Recording ----------------------------------------------------------------------


def staff_actor_kind(user) -> str:
    return ActorKind.AMO if staff_permissions.is_super_admin(user) else ActorKind.LANDLORD


def record(listing, kind, *, actor_kind, user=None, reason="", from_status="", to_status=""):
    return ListingEvent.objects.create(
        listing=listing,
        kind=kind,
        actor_kind=actor_kind,
        user=user,
        reason=str(reason)[:500],
        from_status=from_status,
        to_status=to_status,
    )


def _lock(listing: Listing) -> Listing:
    return Listing.objects.select_for_update().select_related("tenant__user").get(pk=listing.pk)


def _set_status(
    listing: Listing,
    to_status: str,
    *,
    actor_kind: str,
    user=None,
    reason="",
    deactivation_reason="",
    now=None,
) -> Listing:
    now = now or timezone.now()
    from_status = listing.status
    listing.status = to_status
    listing.status_changed_at = now
    listing.deactivation_reason = deactivation_reason if to_status == S.DEACTIVATED else ""
    if to_status == S.SUSPENDED:
        listing.suspended_at = now
    elif from_status == S.SUSPENDED or to_status != S.DEACTIVATED:
        listing.suspended_at = None
    if to_status == S.ACTIVE and listing.published_at is None:
        listing.published_at = now
    listing.save(
        update_fields=[
            "status",
            "status_changed_at",
            "deactivation_reason",
            "suspended_at",
            "published_at",
        ]
    )
    record(
        listing,
        EventKind.STATUS,
        actor_kind=actor_kind,
        user=user,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )
    return listing


# --- Eligibility and sign-in ----------------------------------------------------------


def tenant_is_eligible(profile: TenantProfile) -> bool:
    """« La connexion des locataires est toujours liée à l’éligibilité sur le fichier
    patrimoine. »

    Eligible when the account's patrimoine row is eligible (``is_eligible``) and
    still names this tenant (same tenant reference): a tenant who left the
    dwelling is no longer eligible through it.
    """
    dwelling = profile.dwelling
    if dwelling is None or profile.anonymised_at is not None:
        return False
    same_tenant = (
        dwelling.tenant_reference.strip().casefold() == profile.tenant_reference.strip().casefold()
    )
    return same_tenant and is_eligible(dwelling)


INELIGIBLE_MESSAGE = gettext_lazy(
    "Votre logement n’est pas, ou n’est plus, éligible à l’échange d’après le fichier "
    "patrimoine de votre bailleur : vous ne pouvez pas vous connecter. "
    "Contactez votre bailleur pour en savoir plus."
)


def sign_in_refusal(profile: TenantProfile) -> str | None:
    """Why this tenant may not sign in, or None.

    « Si le locataire est inéligible, la plateforme bloque l’inscription et la
    connexion du locataire même si ce locataire possède un compte actif […].
    Si le locataire est éligible, la plateforme bloque la connexion si le
    locataire a été désactivé manuellement par le bailleur (et autres
    désactivations : suite à une annonce suspendue depuis plus de 4 mois),
    sinon le locataire peut se connecter. »

    A tenant deactivated after 3 months without sign-in may sign in: signing in
    reactivates the account (``reactivate_on_sign_in``).
    """
    if profile.anonymised_at is not None:
        return _("Ce compte a été anonymisé : il ne peut plus être utilisé.")
    if not tenant_is_eligible(profile):
        return INELIGIBLE_MESSAGE
    if not profile.email_confirmed:
        return _(
            "Confirmez d’abord votre adresse électronique : cliquez sur le lien du courriel "
            "reçu à l’inscription (vous pouvez en demander un nouveau)."
        )
    listing = getattr(profile, "listing", None)
    if listing is not None and listing.status == S.DEACTIVATED:
        if listing.deactivation_reason == DeactivationReason.MANUAL:
            return _(
                "Votre compte a été désactivé par votre bailleur : vous ne pouvez pas vous "
                "connecter. Contactez votre bailleur ; lui seul peut le réactiver."
            )
        if listing.deactivation_reason == DeactivationReason.LONG_SUSPENSION:
            return _(
                "Votre compte a été désactivé car votre annonce était suspendue depuis plus "
                "de 4 mois. Contactez votre bailleur ; lui seul peut le réactiver."
            )
        if listing.deactivation_reason == DeactivationReason.ANONYMISED:
            return _("Ce compte a été anonymisé : il ne peut plus être utilisé.")
    return None


@transaction.atomic
def reactivate_on_sign_in(listing: Listing, user) -> Listing:
    """« Réactivation […] automatique après une désactivation pour inactivité de plus de
    3 mois » : the tenant signs in again and the account is back.

    The tenant acted, so no mail is sent (« pas de notification lorsque le
    locataire réactive son annonce »); a registered listing goes back to
    registered (``reactivation_target``).
    """
    listing = _lock(listing)
    if listing.status != S.DEACTIVATED or listing.deactivation_reason != (
        DeactivationReason.INACTIVITY
    ):
        return listing
    return _set_status(
        listing,
        reactivation_target(listing),
        actor_kind=ActorKind.TENANT,
        user=user,
        reason=_("Reconnexion du locataire après une désactivation pour inactivité."),
    )


# --- Registered → active ----------------------------------------------------------------


def reactivation_target(listing: Listing) -> str:
    """« Ne pas activer un compte locataire qui est en statut "Enregistré" […]. L’annonce
    du locataire s’activera automatiquement une fois les 3 étapes renseignées. »

    Any reactivation (by hand or automatic) leads to *active* only when the
    three steps are complete; otherwise the listing is (back to) *registered*.
    """
    return S.ACTIVE if listing.steps_complete else S.REGISTERED


@transaction.atomic
def activate_when_steps_complete(listing: Listing, user=None) -> Listing:
    """« L’annonce du locataire s’activera automatiquement une fois les 3 étapes
    renseignées sur leur profil (complétion du profil, de la fiche logement et des
    critères de recherche). »

    Only a *registered* listing is activated this way; the tenant's completing
    the last step is what acts.
    """
    listing = _lock(listing)
    if listing.status != S.REGISTERED or not listing.steps_complete:
        return listing
    return _set_status(
        listing,
        S.ACTIVE,
        actor_kind=ActorKind.TENANT,
        user=user,
        reason=_("Les trois étapes sont complètes : annonce publiée automatiquement."),
    )


def manual_activation_refusal(listing: Listing) -> str | None:
    """« Ne pas activer un compte locataire qui est en statut "Enregistré" sur la
    plateforme pour éviter des effets de bord sur les stats. »

    Staff may never activate a registered listing by hand; it activates by
    itself once the three steps are complete.
    """
    if listing.status == S.REGISTERED:
        return _(
            "Une annonce « enregistrée » ne s’active pas à la main : elle sera publiée "
            "d’elle-même quand le locataire aura complété les trois étapes."
        )
    return None


# --- Suspension by the tenant ------------------------------------------------------------


@transaction.atomic
def suspend_by_tenant(listing: Listing, user) -> Listing:
    """« suspended by the tenant »: an active listing leaves the search until resumed."""
    listing = _lock(listing)
    if listing.status != S.ACTIVE:
        raise TransitionError(_("Seule une annonce active peut être suspendue."))
    return _set_status(
        listing,
        S.SUSPENDED,
        actor_kind=ActorKind.TENANT,
        user=user,
        reason=_("Annonce suspendue par le locataire."),
    )


@transaction.atomic
def resume_by_tenant(listing: Listing, user) -> Listing:
    """The tenant resumes a suspended listing: it is active again (no mail)."""
    listing = _lock(listing)
    if listing.status != S.SUSPENDED:
        raise TransitionError(_("Seule une annonce suspendue peut être réactivée."))
    if not tenant_is_eligible(listing.tenant):
        raise TransitionError(INELIGIBLE_MESSAGE)
    return _set_status(
        listing,
        reactivation_target(listing),
        actor_kind=ActorKind.TENANT,
        user=user,
        reason=_("Annonce réactivée par le locataire."),
    )


# --- Deactivation -----------------------------------------------------------------------


@transaction.atomic
def deactivate_by_landlord(listing: Listing, staff_user, reason: str) -> Listing:
    """« deactivated manually by the landlord » (reason required).

    The tenant can then no longer sign in (``sign_in_refusal``) and only staff
    can reactivate the account (``can_offer_reactivation``).
    """
    listing = _lock(listing)
    if listing.status == S.DEACTIVATED:
        raise TransitionError(_("Ce compte est déjà désactivé."))
    if not (reason or "").strip():
        raise TransitionError(_("Indiquez le motif de la désactivation."))
    return _set_status(
        listing,
        S.DEACTIVATED,
        actor_kind=staff_actor_kind(staff_user),
        user=staff_user,
        reason=reason.strip(),
        deactivation_reason=DeactivationReason.MANUAL,
    )


def inactivity_deadline(listing: Listing) -> datetime | None:
    """« deactivated […] after 3 months without sign-in »: the date it happens.

    Counted from the last sign-in (or registration, or a click on the "keep my
    account" link of a warning); applies to registered, active and suspended
    accounts.
    """
    if listing.status not in (S.REGISTERED, S.ACTIVE, S.SUSPENDED):
        return None
    return add_months(listing.tenant.last_activity(), INACTIVITY_MONTHS)


def long_suspension_deadline(listing: Listing) -> datetime | None:
    """« deactivated […] after a listing suspended more than 4 months »: the date."""
    if listing.status != S.SUSPENDED or listing.suspended_at is None:
        return None
    return add_months(listing.suspended_at, LONG_SUSPENSION_MONTHS)


@dataclass(frozen=True)
class Deadline:
    kind: str  # WarningKind
    at: datetime


def next_automatic_deactivation(listing: Listing) -> Deadline | None:
    """The first automatic deactivation ahead of this listing, if any.

    Ineligible tenants are left alone: they cannot sign in to keep their
    account, and their listing is out of the search already.
    """
    if not listing.eligible:
        return None
    deadlines = []
    if (at := inactivity_deadline(listing)) is not None:
        deadlines.append(Deadline(WarningKind.INACTIVITY, at))
    if (at := long_suspension_deadline(listing)) is not None:
        deadlines.append(Deadline(WarningKind.LONG_SUSPENSION, at))
    return min(deadlines, key=lambda d: d.at) if deadlines else None


def warning_due(deadline: Deadline, now: datetime) -> str | None:
    """« Before an automatic deactivation, the tenant is warned by mail one month and
    one week ahead. »

    The stage due now: the month warning from one month before the deadline,
    the week warning from one week before (and after the deadline if it was
    never sent: the deactivation then waits, see ``deactivation_due``).
    """
    if now >= deadline.at - WARNING_NOTICE:
        return WarningStage.WEEK
    if now >= add_months(deadline.at, -1):
        return WarningStage.MONTH
    return None


def deactivation_due(listing: Listing, deadline: Deadline, now: datetime) -> bool:
    """The automatic deactivation happens at the deadline, and never less than a week
    after the week warning (if the job could not send it in time, it waits)."""
    if now < deadline.at:
        return False
    week = DeactivationWarning.objects.filter(
        listing=listing, kind=deadline.kind, stage=WarningStage.WEEK, deadline=deadline.at
    ).first()
    return week is not None and now >= week.sent_at + WARNING_NOTICE


@transaction.atomic
def deactivate_for_inactivity(listing: Listing, now=None) -> Listing:
    """« deactivated […] after 3 months without sign-in » — by the daily job."""
    now = now or timezone.now()
    listing = _lock(listing)
    deadline = next_automatic_deactivation(listing)
    if deadline is None or deadline.kind != WarningKind.INACTIVITY:
        return listing
    if not deactivation_due(listing, deadline, now):
        return listing
    return _set_status(
        listing,
        S.DEACTIVATED,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Plus de 3 mois sans connexion."),
        deactivation_reason=DeactivationReason.INACTIVITY,
        now=now,
    )


@transaction.atomic
def deactivate_after_long_suspension(listing: Listing, now=None) -> Listing:
    """« deactivated […] after a listing suspended more than 4 months » — by the daily job."""
    now = now or timezone.now()
    listing = _lock(listing)
    deadline = next_automatic_deactivation(listing)
    if deadline is None or deadline.kind != WarningKind.LONG_SUSPENSION:
        return listing
    if not deactivation_due(listing, deadline, now):
        return listing
    return _set_status(
        listing,
        S.DEACTIVATED,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Annonce suspendue depuis plus de 4 mois."),
        deactivation_reason=DeactivationReason.LONG_SUSPENSION,
        now=now,
    )


@transaction.atomic
def keep_alive(listing: Listing, kind: str, now=None) -> Listing:
    """The "keep my account" link of a warning mail.

    Inactivity: counts as activity (the 3 months start again). Long suspension:
    the tenant renews the suspension (the 4 months start again). Nothing
    happens to an account already deactivated.
    """
    now = now or timezone.now()
    listing = _lock(listing)
    if listing.status == S.DEACTIVATED:
        raise TransitionError(
            _("Ce compte est déjà désactivé : le lien n’a plus d’effet. Contactez votre bailleur.")
        )
    if kind == WarningKind.LONG_SUSPENSION:
        if listing.status != S.SUSPENDED:
            return listing
        listing.suspended_at = now
        listing.save(update_fields=["suspended_at"])
        reason = _("Suspension prolongée par le locataire (lien du courriel d’avertissement).")
    else:
        profile = listing.tenant
        profile.kept_alive_at = now
        profile.save(update_fields=["kept_alive_at"])
        reason = _("Compte maintenu par le locataire (lien du courriel d’avertissement).")
    record(listing, EventKind.KEEP_ALIVE, actor_kind=ActorKind.TENANT, reason=reason)
    return listing


# --- Reactivation --------------------------------------------------------------------------


def can_offer_reactivation(listing: Listing) -> bool:
    """« Le bouton "Réactiver le compte" sert seulement pour les comptes désactivés
    manuellement ou suite à la suspension d’une annonce depuis plus de 4 mois. »

    « Ne pas réactiver un compte locataire inéligible dans le fichier patrimoine. »
    """
    return (
        listing.status == S.DEACTIVATED
        and listing.deactivation_reason
        in (DeactivationReason.MANUAL, DeactivationReason.LONG_SUSPENSION)
        and listing.tenant.anonymised_at is None
        and tenant_is_eligible(listing.tenant)
    )


@transaction.atomic
def reactivate(listing: Listing, staff_user) -> Listing:
    """« Réactiver le compte », by landlord staff (or the AMO).

    Allowed only where ``can_offer_reactivation`` says so; leads to active
    only when the three steps are complete (``reactivation_target``: a
    registered listing is never activated by hand). No mail is sent: « Reactivation
    by the landlord sends no "your account was reactivated" mail to a tenant who
    did nothing, and the history says who acted » (anomalies 3, 5 and 6).
    """
    listing = _lock(listing)
    if listing.status == S.REGISTERED:
        raise TransitionError(manual_activation_refusal(listing))
    if not can_offer_reactivation(listing):
        if listing.status == S.DEACTIVATED and not tenant_is_eligible(listing.tenant):
            raise TransitionError(
                _(
                    "Ce locataire n’est pas éligible d’après le fichier patrimoine : ne pas le "
                    "réactiver."
                )
            )
        raise TransitionError(
            _(
                "« Réactiver le compte » ne s’applique qu’à un compte désactivé manuellement "
                "ou après une suspension de plus de 4 mois."
            )
        )
    return _set_status(
        listing,
        reactivation_target(listing),
        actor_kind=staff_actor_kind(staff_user),
        user=staff_user,
        reason=_("Compte réactivé par %(who)s.")
        % {"who": staff_user.get_full_name() or staff_user.get_username()},
    )


@transaction.atomic
def withdraw_for_exchange_file(listing: Listing) -> Listing:
    """« Every listing of the file leaves the search while the file is open. »

    The account is set aside (deactivated, reason "dossier d’échange en
    cours") by an automatic job: the tenant may still sign in to follow the
    file; nobody reactivates it by hand; the file's closure reactivates it
    (``reactivate_after_exchange_file``). An anonymised account is left alone.
    """
    listing = _lock(listing)
    if listing.deactivation_reason in (
        DeactivationReason.ANONYMISED,
        DeactivationReason.EXCHANGE_FILE,
    ):
        return listing
    return _set_status(
        listing,
        S.DEACTIVATED,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Dossier d’échange ouvert : l’annonce est retirée de la recherche."),
        deactivation_reason=DeactivationReason.EXCHANGE_FILE,
    )


@transaction.atomic
def mark_exchanged(listing: Listing) -> Listing:
    """The exchange is done: the household moved, its listing stays out of the search.

    Its reason becomes "échange réalisé" (the account stays readable: the
    tenant can still sign in while the patrimoine names them).
    """
    listing = _lock(listing)
    if listing.status != S.DEACTIVATED or listing.deactivation_reason != (
        DeactivationReason.EXCHANGE_FILE
    ):
        return listing
    listing.deactivation_reason = DeactivationReason.EXCHANGED
    listing.save(update_fields=["deactivation_reason"])
    record(
        listing,
        EventKind.STATUS,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Échange réalisé : l’annonce reste retirée de la recherche."),
        from_status=S.DEACTIVATED,
        to_status=S.DEACTIVATED,
    )
    return listing


@transaction.atomic
def reactivate_after_exchange_file(listing: Listing) -> Listing:
    """« Accounts are reactivated automatically when an exchange file closes (if still
    eligible). »

    An automatic job acts: no mail (anomaly 3), a registered listing stays
    registered (anomaly 5), and the history says "traitement automatique"
    (anomaly 6).
    """
    listing = _lock(listing)
    if listing.status not in (S.DEACTIVATED, S.SUSPENDED):
        return listing
    if listing.deactivation_reason == DeactivationReason.ANONYMISED:
        return listing
    if not tenant_is_eligible(listing.tenant):
        return listing
    target = reactivation_target(listing)
    if target == listing.status:
        return listing
    return _set_status(
        listing,
        target,
        actor_kind=ActorKind.SYSTEM,
        reason=_("Réactivation automatique à la clôture du dossier d’échange."),
    )


def last_status_event(listing: Listing) -> ListingEvent | None:
    """What the dashboard says about the current status: who did it, when, why."""
    return (
        listing.events.filter(kind=EventKind.STATUS)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
