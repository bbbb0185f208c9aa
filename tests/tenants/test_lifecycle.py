"""One test (at least) per status rule of bourse/tenants/lifecycle.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bourse.factories import DwellingFactory
from bourse.models import Commune
from bourse.tenants import jobs, lifecycle, services
from bourse.tenants.lifecycle import TransitionError, add_months
from bourse.tenants.models import (
    ActorKind,
    DeactivationReason,
    DeactivationWarning,
    EventKind,
    Listing,
    ListingStatus,
    TenantProfile,
    WarningKind,
    WarningStage,
)
from portal.models import OutboundEmail

from .conftest import make_tenant

S = ListingStatus
pytestmark = pytest.mark.django_db


def status_events(listing):
    return list(listing.events.filter(kind=EventKind.STATUS).order_by("at", "pk"))


def reactivated_mails():
    return [
        m
        for m in OutboundEmail.objects.all()
        if "réactivé" in m.subject.lower() or "a été réactivé" in m.body.lower()
    ]


# --- Registered → active ---------------------------------------------------------------


def test_registered_listing_becomes_active_once_the_three_steps_are_complete(landlord):
    profile = make_tenant(landlord, 1, status=S.REGISTERED, complete=False)
    listing, user = profile.listing, profile.user
    services.save_profile(
        listing,
        user,
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "household_size": 3,
            "exchange_reason": "bigger",
        },
    )
    services.save_housing_sheet(listing, user, {"description": "x" * 40, "accessible": False})
    listing.refresh_from_db()
    assert listing.status == S.REGISTERED  # two steps of three: still registered
    services.save_criteria(
        listing, user, {"communes": [Commune.objects.get(pk="75111")], "typologies": ["T4"]}
    )
    listing.refresh_from_db()
    assert listing.status == S.ACTIVE
    assert listing.published_at is not None
    last = lifecycle.last_status_event(listing)
    assert (last.from_status, last.to_status, last.actor_kind) == (S.REGISTERED, S.ACTIVE, "tenant")


def test_completing_a_step_again_does_not_reactivate_a_suspended_listing(landlord):
    profile = make_tenant(landlord, 1, status=S.SUSPENDED)
    services.save_criteria(
        profile.listing,
        profile.user,
        {"communes": [Commune.objects.get(pk="75111")], "typologies": ["T2"]},
    )
    profile.listing.refresh_from_db()
    assert profile.listing.status == S.SUSPENDED


# --- Suspension by the tenant -------------------------------------------------------------


def test_tenant_suspends_then_resumes_their_listing(tenant):
    listing = lifecycle.suspend_by_tenant(tenant.listing, tenant.user)
    assert listing.status == S.SUSPENDED and listing.suspended_at is not None
    with pytest.raises(TransitionError):
        lifecycle.suspend_by_tenant(listing, tenant.user)
    listing = lifecycle.resume_by_tenant(listing, tenant.user)
    assert listing.status == S.ACTIVE and listing.suspended_at is None
    assert [e.actor_kind for e in status_events(listing)][-2:] == ["tenant", "tenant"]
    assert not reactivated_mails()


def test_a_registered_listing_cannot_be_suspended(landlord):
    profile = make_tenant(landlord, 1, status=S.REGISTERED, complete=False)
    with pytest.raises(TransitionError):
        lifecycle.suspend_by_tenant(profile.listing, profile.user)


# --- Deactivation by the landlord ---------------------------------------------------------------


def test_landlord_deactivates_manually_and_the_tenant_can_no_longer_sign_in(tenant, agent):
    with pytest.raises(TransitionError):
        lifecycle.deactivate_by_landlord(tenant.listing, agent, "  ")
    listing = lifecycle.deactivate_by_landlord(tenant.listing, agent, "Demande du locataire")
    assert listing.status == S.DEACTIVATED
    assert listing.deactivation_reason == DeactivationReason.MANUAL
    event = lifecycle.last_status_event(listing)
    assert event.actor_kind == ActorKind.LANDLORD and event.user == agent
    assert event.reason == "Demande du locataire"
    tenant.refresh_from_db()
    refusal = lifecycle.sign_in_refusal(tenant)
    assert "désactivé par votre bailleur" in refusal


def test_history_names_the_amo_when_the_super_administrator_acts(tenant, amo):
    listing = lifecycle.deactivate_by_landlord(tenant.listing, amo, "Doublon")
    assert lifecycle.last_status_event(listing).actor_kind == ActorKind.AMO


# --- Automatic deactivations and their warnings ---------------------------------------------


def test_deactivation_after_three_months_without_sign_in_with_warnings_a_month_and_a_week_ahead(
    landlord,
):
    last = timezone.now() - timedelta(days=1)
    profile = make_tenant(landlord, 1, last_login=last)
    listing = profile.listing
    deadline = add_months(last, 3)

    assert jobs.run_daily(now=add_months(deadline, -1) - timedelta(hours=1))["warned"] == 0
    month_day = add_months(deadline, -1) + timedelta(hours=1)
    assert jobs.run_daily(now=month_day)["warned"] == 1
    assert jobs.run_daily(now=month_day + timedelta(hours=2))["warned"] == 0  # once
    week_day = deadline - timedelta(days=7) + timedelta(hours=1)
    assert jobs.run_daily(now=week_day)["warned"] == 1
    stages = set(DeactivationWarning.objects.values_list("kind", "stage"))
    assert stages == {
        (WarningKind.INACTIVITY, WarningStage.MONTH),
        (WarningKind.INACTIVITY, WarningStage.WEEK),
    }
    mails = OutboundEmail.objects.filter(kind="tenants_deactivation_warning")
    assert mails.count() == 2
    assert all("/locataire/garder-mon-compte/" in m.body for m in mails)

    assert jobs.run_daily(now=deadline - timedelta(hours=1))["deactivated"] == 0
    counts = jobs.run_daily(now=deadline + timedelta(hours=1))
    assert counts["deactivated"] == 1
    listing.refresh_from_db()
    assert listing.status == S.DEACTIVATED
    assert listing.deactivation_reason == DeactivationReason.INACTIVITY
    event = lifecycle.last_status_event(listing)
    assert event.actor_kind == ActorKind.SYSTEM and event.user is None
    assert OutboundEmail.objects.filter(kind="tenants_deactivated").count() == 1


def test_daily_job_run_twice_changes_nothing_more(landlord):
    old = timezone.now() - timedelta(days=200)
    for n in range(1, 4):
        make_tenant(landlord, n, last_login=old)
    make_tenant(landlord, 9)
    now = timezone.now()
    first = jobs.run_daily(now=now)
    assert first["warned"] == 3  # the week warning first: never deactivated without notice
    events = Listing.objects.values_list("events__pk", flat=True).count()
    mails = OutboundEmail.objects.count()
    assert jobs.run_daily(now=now + timedelta(hours=3)) == {
        "synced": 0,
        "warned": 0,
        "deactivated": 0,
        "purged": 0,
        "files_opened": 0,
        "reminded": 0,
        "paused": 0,
        "resumed": 0,
        "digests": 0,
    }
    assert Listing.objects.values_list("events__pk", flat=True).count() == events
    assert OutboundEmail.objects.count() == mails
    later = now + timedelta(days=7, hours=1)
    assert jobs.run_daily(now=later)["deactivated"] == 3
    assert jobs.run_daily(now=later + timedelta(hours=1))["deactivated"] == 0
    assert Listing.objects.filter(status=S.DEACTIVATED).count() == 3


def test_deactivation_waits_a_week_after_a_late_warning(landlord):
    profile = make_tenant(landlord, 1, last_login=timezone.now() - timedelta(days=120))
    now = timezone.now()
    assert jobs.run_daily(now=now)["warned"] == 1
    assert DeactivationWarning.objects.get().stage == WarningStage.WEEK
    assert jobs.run_daily(now=now + timedelta(days=6))["deactivated"] == 0
    assert jobs.run_daily(now=now + timedelta(days=7, minutes=1))["deactivated"] == 1
    profile.listing.refresh_from_db()
    assert profile.listing.status == S.DEACTIVATED


def test_deactivation_after_a_suspension_longer_than_four_months(landlord):
    now = timezone.now()
    suspended = now - timedelta(days=10)
    profile = make_tenant(landlord, 1, status=S.SUSPENDED, suspended_at=suspended)
    deadline = add_months(suspended, 4)
    # The tenant keeps signing in: only the suspension counts.
    user = profile.user
    for day in (add_months(deadline, -1) + timedelta(hours=1), deadline - timedelta(days=6)):
        user.last_login = day - timedelta(hours=2)
        user.save(update_fields=["last_login"])
        assert jobs.run_daily(now=day)["warned"] == 1
    user.last_login = deadline
    user.save(update_fields=["last_login"])
    assert jobs.run_daily(now=deadline + timedelta(days=1, hours=1))["deactivated"] == 1
    listing = Listing.objects.get(pk=profile.listing.pk)
    assert listing.status == S.DEACTIVATED
    assert listing.deactivation_reason == DeactivationReason.LONG_SUSPENSION
    assert set(DeactivationWarning.objects.values_list("kind", flat=True)) == {
        WarningKind.LONG_SUSPENSION
    }
    profile = TenantProfile.objects.get(pk=profile.pk)
    assert "suspendue depuis plus de 4 mois" in lifecycle.sign_in_refusal(profile)


def test_keep_alive_link_restarts_the_three_months(landlord, client):
    from bourse.tenants.tokens import keep_alive_token

    last = timezone.now() - timedelta(days=70)
    profile = make_tenant(landlord, 1, last_login=last)
    listing = profile.listing
    assert jobs.run_daily()["warned"] == 1
    warning = DeactivationWarning.objects.get()
    token = keep_alive_token(listing.pk, warning.kind, warning.deadline.isoformat())
    assert client.get(f"/locataire/garder-mon-compte/{token}/").status_code == 200
    profile.refresh_from_db()
    assert profile.kept_alive_at is None  # GET shows a button, does nothing
    response = client.post(f"/locataire/garder-mon-compte/{token}/")
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.kept_alive_at is not None
    deadline = lifecycle.next_automatic_deactivation(Listing.objects.get(pk=listing.pk))
    assert deadline.at > add_months(timezone.now(), 3) - timedelta(minutes=5)
    assert listing.events.filter(kind=EventKind.KEEP_ALIVE, actor_kind="tenant").exists()
    assert client.get("/locataire/garder-mon-compte/falsifie/").status_code == 400


def test_keep_alive_link_renews_a_long_suspension(landlord):
    profile = make_tenant(
        landlord, 1, status=S.SUSPENDED, suspended_at=timezone.now() - timedelta(days=100)
    )
    listing = lifecycle.keep_alive(profile.listing, WarningKind.LONG_SUSPENSION)
    assert listing.suspended_at > timezone.now() - timedelta(minutes=1)
    assert listing.status == S.SUSPENDED


# --- Eligibility and sign-in ---------------------------------------------------------------


def test_an_ineligible_tenant_cannot_sign_in_even_with_an_active_account(landlord, client):
    profile = make_tenant(landlord, 1)
    assert profile.listing.status == S.ACTIVE
    assert lifecycle.sign_in_refusal(profile) is None
    dwelling = profile.dwelling
    dwelling.eligible_flag = False
    dwelling.save()
    profile.refresh_from_db()
    assert "Contactez votre bailleur" in lifecycle.sign_in_refusal(profile)
    response = client.post(
        "/connexion/",
        {"username": profile.user.email, "password": "Mot-de-passe-locataire-1"},
    )
    assert response.status_code == 200
    assert "Contactez votre bailleur" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The listing leaves the search at once.
    assert not Listing.objects.get(pk=profile.listing.pk).eligible


def test_a_tenant_who_left_the_dwelling_is_no_longer_eligible(landlord):
    profile = make_tenant(landlord, 1)
    profile.dwelling.tenant_reference = "LOC-NOUVEAU"
    profile.dwelling.save()
    assert not lifecycle.tenant_is_eligible(profile)


def test_an_inactivity_deactivation_is_undone_by_signing_in_without_mail(landlord, client):
    profile = make_tenant(
        landlord,
        1,
        status=S.DEACTIVATED,
        deactivation_reason=DeactivationReason.INACTIVITY,
        last_login=timezone.now() - timedelta(days=120),
    )
    assert lifecycle.sign_in_refusal(profile) is None
    response = client.post(
        "/connexion/",
        {"username": profile.user.email, "password": "Mot-de-passe-locataire-1"},
    )
    assert response.status_code == 302
    listing = Listing.objects.get(pk=profile.listing.pk)
    assert listing.status == S.ACTIVE
    event = lifecycle.last_status_event(listing)
    assert event.actor_kind == ActorKind.TENANT and event.user == profile.user
    assert not reactivated_mails()


def test_an_inactivity_deactivation_of_a_registered_listing_returns_to_registered(landlord):
    profile = make_tenant(
        landlord,
        1,
        status=S.DEACTIVATED,
        complete=False,
        deactivation_reason=DeactivationReason.INACTIVITY,
    )
    listing = lifecycle.reactivate_on_sign_in(profile.listing, profile.user)
    assert listing.status == S.REGISTERED


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (DeactivationReason.MANUAL, "désactivé par votre bailleur"),
        (DeactivationReason.LONG_SUSPENSION, "plus de 4 mois"),
        (DeactivationReason.ANONYMISED, "anonymisé"),
    ],
)
def test_deactivated_accounts_are_refused_with_the_right_message(landlord, reason, message):
    profile = make_tenant(landlord, 1, status=S.DEACTIVATED, deactivation_reason=reason)
    assert message in lifecycle.sign_in_refusal(profile)


def test_an_unconfirmed_address_cannot_sign_in(landlord):
    profile = make_tenant(landlord, 1, confirmed=False, status=S.REGISTERED, complete=False)
    assert "Confirmez" in lifecycle.sign_in_refusal(profile)


# --- Reactivation ---------------------------------------------------------------------------------


def test_a_registered_listing_is_never_activated_by_hand(landlord, agent):
    profile = make_tenant(landlord, 1, status=S.REGISTERED, complete=False)
    assert lifecycle.manual_activation_refusal(profile.listing)
    with pytest.raises(TransitionError, match="enregistrée"):
        lifecycle.reactivate(profile.listing, agent)
    assert Listing.objects.get(pk=profile.listing.pk).status == S.REGISTERED


def test_reactivating_a_deactivated_listing_with_incomplete_steps_leaves_it_registered(
    landlord, agent
):
    profile = make_tenant(landlord, 1, status=S.REGISTERED, complete=False)
    listing = lifecycle.deactivate_by_landlord(profile.listing, agent, "Erreur")
    listing = lifecycle.reactivate(listing, agent)
    assert listing.status == S.REGISTERED


def test_a_registered_listing_is_never_activated_by_an_automatic_reactivation(landlord):
    profile = make_tenant(
        landlord,
        1,
        status=S.DEACTIVATED,
        complete=False,
        deactivation_reason=DeactivationReason.MANUAL,
    )
    listing = lifecycle.reactivate_after_exchange_file(profile.listing)
    assert listing.status == S.REGISTERED
    assert lifecycle.last_status_event(listing).actor_kind == ActorKind.SYSTEM
    registered = make_tenant(landlord, 2, status=S.REGISTERED, complete=False)
    assert lifecycle.reactivate_after_exchange_file(registered.listing).status == S.REGISTERED
    assert not reactivated_mails()


def test_exchange_file_closure_reactivates_an_eligible_complete_account_silently(landlord):
    profile = make_tenant(
        landlord, 1, status=S.DEACTIVATED, deactivation_reason=DeactivationReason.MANUAL
    )
    listing = lifecycle.reactivate_after_exchange_file(profile.listing)
    assert listing.status == S.ACTIVE
    profile.dwelling.eligible_flag = False
    profile.dwelling.save()
    other = make_tenant(
        landlord, 2, status=S.DEACTIVATED, deactivation_reason=DeactivationReason.MANUAL
    )
    other.dwelling.eligible_flag = False
    other.dwelling.save()
    assert lifecycle.reactivate_after_exchange_file(other.listing).status == S.DEACTIVATED
    assert not reactivated_mails()


@pytest.mark.parametrize(
    ("reason", "offered"),
    [
        (DeactivationReason.MANUAL, True),
        (DeactivationReason.LONG_SUSPENSION, True),
        (DeactivationReason.INACTIVITY, False),
        (DeactivationReason.ANONYMISED, False),
    ],
)
def test_reactivate_the_account_is_offered_only_for_manual_or_four_month_deactivations(
    landlord, agent, reason, offered
):
    profile = make_tenant(landlord, 1, status=S.DEACTIVATED, deactivation_reason=reason)
    assert lifecycle.can_offer_reactivation(profile.listing) is offered
    if offered:
        assert lifecycle.reactivate(profile.listing, agent).status == S.ACTIVE
    else:
        with pytest.raises(TransitionError):
            lifecycle.reactivate(profile.listing, agent)


def test_an_ineligible_tenant_is_not_reactivated(landlord, agent):
    profile = make_tenant(
        landlord, 1, status=S.DEACTIVATED, deactivation_reason=DeactivationReason.MANUAL
    )
    profile.dwelling.in_snapshot = False
    profile.dwelling.save()
    assert not lifecycle.can_offer_reactivation(profile.listing)
    with pytest.raises(TransitionError, match="éligible"):
        lifecycle.reactivate(profile.listing, agent)


def test_no_job_nor_staff_sends_your_account_was_reactivated(landlord, agent, client):
    """Anomalies 3 and 5: nobody gets "votre compte a été réactivé" without acting."""
    manual = make_tenant(
        landlord, 1, status=S.DEACTIVATED, deactivation_reason=DeactivationReason.MANUAL
    )
    registered = make_tenant(
        landlord,
        2,
        status=S.DEACTIVATED,
        complete=False,
        deactivation_reason=DeactivationReason.MANUAL,
    )
    make_tenant(landlord, 3, last_login=timezone.now() - timedelta(days=200))
    jobs.run_daily()
    jobs.run_daily(now=timezone.now() + timedelta(days=8))
    lifecycle.reactivate(manual.listing, agent)
    lifecycle.reactivate_after_exchange_file(registered.listing)
    assert OutboundEmail.objects.exists()  # warnings and deactivation notices were sent
    assert not reactivated_mails()


def test_history_says_who_acted_tenant_landlord_and_job(landlord, agent):
    profile = make_tenant(landlord, 1, last_login=timezone.now() - timedelta(days=1))
    listing = lifecycle.suspend_by_tenant(profile.listing, profile.user)
    listing = lifecycle.deactivate_by_landlord(listing, agent, "Contrôle")
    listing = lifecycle.reactivate(listing, agent)
    other = make_tenant(
        landlord, 2, status=S.DEACTIVATED, deactivation_reason=DeactivationReason.MANUAL
    )
    lifecycle.reactivate_after_exchange_file(other.listing)
    kinds = [(e.actor_kind, e.user_id) for e in status_events(listing)][1:]
    assert kinds == [("tenant", profile.user.pk), ("landlord", agent.pk), ("landlord", agent.pk)]
    assert lifecycle.last_status_event(other.listing).actor_kind == "system"


def test_ineligible_listings_get_no_warning_nor_automatic_deactivation(landlord):
    dwelling = DwellingFactory(landlord=landlord, n=1, eligible_flag=False)
    profile = make_tenant(
        landlord, 1, dwelling=dwelling, last_login=timezone.now() - timedelta(days=200)
    )
    counts = jobs.run_daily(now=timezone.now() + timedelta(days=30))
    assert counts["warned"] == 0 and counts["deactivated"] == 0
    listing = Listing.objects.get(pk=profile.listing.pk)
    assert listing.status == S.ACTIVE and not listing.eligible


def test_add_months_clamps_to_the_end_of_the_month():
    moment = timezone.now().replace(year=2026, month=11, day=30)
    assert add_months(moment, 3).date().isoformat() == "2027-02-28"
    assert add_months(moment, -11).date().isoformat() == "2025-12-30"


def test_the_daily_job_is_a_scheduled_celery_task(settings, landlord):
    from bourse.tenants.tasks import daily_account_jobs
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["tenants-daily-account-jobs"]
    assert entry["task"] == "bourse.tenants.tasks.daily_account_jobs"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    make_tenant(landlord, 1, last_login=timezone.now() - timedelta(days=200))
    result = daily_account_jobs.apply().get()
    assert result["warned"] == 1
