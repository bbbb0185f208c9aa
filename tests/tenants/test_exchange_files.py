"""Tenant accounts and exchange files: opening from a contact request, listings out
of the search while the file is open, back on closure, kept out once exchanged."""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.exchanges import workflow
from bourse.exchanges.models import ExchangeFile, Step
from bourse.tenants import contacts, exchange_files, jobs, lifecycle, matching, services
from bourse.tenants.models import DeactivationReason, ListingStatus
from portal.models import OutboundEmail

from .conftest import make_tenant

S = ListingStatus


def agree(sender, receiver, nurs=("0751121012345GDPUB", "0931121098765GDPUB")):
    request_obj = contacts.send_request(sender, receiver.listing, "Bonjour")
    contacts.answer(request_obj, receiver, accept=True)
    contacts.set_nur(sender, nurs[0])
    contacts.set_nur(receiver, nurs[1])
    request_obj.refresh_from_db()
    return request_obj


def statuses(*profiles):
    result = []
    for profile in profiles:
        profile.listing.refresh_from_db()
        result.append((profile.listing.status, profile.listing.deactivation_reason))
    return result


def reactivated_mails():
    return OutboundEmail.objects.filter(subject__icontains="réactivé")


@pytest.fixture
def pair(tenant, other_tenant):
    request_obj = agree(tenant, other_tenant)
    return request_obj, request_obj.exchange_file


def test_the_file_opens_with_both_households_and_their_listings_leave_the_search(
    pair, tenant, other_tenant
):
    request_obj, file = pair
    assert file.step == Step.CREATED
    assert {p.dwelling_left_id for p in file.parties.all()} == {
        tenant.dwelling_id,
        other_tenant.dwelling_id,
    }
    assert statuses(tenant, other_tenant) == [(S.DEACTIVATED, DeactivationReason.EXCHANGE_FILE)] * 2
    assert not matching.searchable_listings().filter(
        pk__in=[tenant.listing.pk, other_tenant.listing.pk]
    )
    # The tenants still sign in to follow their file; nobody reactivates them by hand.
    assert lifecycle.sign_in_refusal(tenant) is None
    assert not lifecycle.can_offer_reactivation(tenant.listing)
    third = make_tenant(tenant.landlord, 3)
    with pytest.raises(contacts.ContactError):
        contacts.send_request(third, tenant.listing, "Toujours disponible ?")


def test_closure_by_a_landlord_puts_the_listings_back_without_mail(
    pair, tenant, other_tenant, agent
):
    _, file = pair
    workflow.perform(file, "close_by_landlord", agent, data={"reason": "Dossier incomplet"})
    assert statuses(tenant, other_tenant) == [(S.ACTIVE, "")] * 2
    assert matching.searchable_listings().filter(pk=tenant.listing.pk).exists()
    event = lifecycle.last_status_event(tenant.listing)
    assert event.actor_kind == "system"
    assert not reactivated_mails().exists()


def test_a_tenant_who_renounces_and_an_ineligible_partner(pair, tenant, other_tenant):
    _, file = pair
    other_tenant.dwelling.eligible_flag = False
    other_tenant.dwelling.save()
    workflow.perform(file, "renounce", tenant.user, data={"reason": "Je préfère rester."})
    file.refresh_from_db()
    assert file.step == Step.CLOSED_BY_TENANT
    # Reactivated if still eligible: the ineligible partner stays out of the search.
    assert statuses(tenant, other_tenant) == [
        (S.ACTIVE, ""),
        (S.DEACTIVATED, DeactivationReason.EXCHANGE_FILE),
    ]
    assert not reactivated_mails().exists()


def test_reopening_a_closed_file_withdraws_the_listings_again(pair, tenant, other_tenant, agent):
    _, file = pair
    workflow.perform(file, "close_by_landlord", agent, data={"reason": "Erreur"})
    workflow.perform(file, "reopen", agent)
    assert statuses(tenant, other_tenant) == [(S.DEACTIVATED, DeactivationReason.EXCHANGE_FILE)] * 2


def test_a_completed_exchange_keeps_the_listings_out(pair, tenant, other_tenant, agent):
    from tests.exchanges.conftest import advance

    _, file = pair
    advance(file, Step.DONE, agent)
    assert statuses(tenant, other_tenant) == [(S.DEACTIVATED, DeactivationReason.EXCHANGED)] * 2
    # "Annuler l'action" on the completion: the file is in progress again.
    workflow.perform(file, "undo", agent)
    assert statuses(tenant, other_tenant) == [(S.DEACTIVATED, DeactivationReason.EXCHANGE_FILE)] * 2


def test_a_pair_whose_dwelling_is_busy_waits_and_the_daily_job_opens_it_later(
    pair, tenant, other_tenant, agent
):
    _, first = pair
    third = make_tenant(tenant.landlord, 3)
    # An agreement made before the first file opened (its listing is out of the search now).
    request_obj = contacts.ContactRequest.objects.create(
        sender=third, receiver=tenant, message="Bonjour", status="accepted"
    )
    contacts.set_nur(third, "0771121055555GDPUB")
    request_obj.refresh_from_db()
    assert request_obj.ready_at is not None and request_obj.exchange_file is None
    assert OutboundEmail.objects.filter(kind="tenants_ready_for_file").count() == 2
    assert jobs.run_daily()["files_opened"] == 0  # the first file is still open
    workflow.perform(first, "close_by_landlord", agent, data={"reason": "Abandon"})
    assert jobs.run_daily()["files_opened"] == 1
    request_obj.refresh_from_db()
    assert request_obj.exchange_file is not None
    assert statuses(third, tenant) == [(S.DEACTIVATED, DeactivationReason.EXCHANGE_FILE)] * 2
    assert jobs.run_daily()["files_opened"] == 0
    assert ExchangeFile.objects.count() == 2


def test_open_file_for_request_is_idempotent(pair):
    request_obj, _ = pair
    assert exchange_files.open_file_for_request(request_obj) is None
    assert ExchangeFile.objects.count() == 1


def test_anonymisation_waits_for_the_file_then_forgets_the_tenant(pair, tenant, agent):
    _, file = pair
    with pytest.raises(lifecycle.TransitionError, match="dossier d’échange en cours"):
        services.anonymise(tenant, agent)
    tenant.refresh_from_db()
    assert tenant.anonymised_at is None
    workflow.perform(file, "close_by_landlord", agent, data={"reason": "Départ"})
    services.anonymise(tenant, agent)
    party = file.parties.get(dwelling_left_id__isnull=False, position=1)
    assert party.tenant_user_id is None and party.tenant_name == ""


def test_anonymise_screen_says_why_it_refuses(client, pair, tenant, agent):
    client.force_login(agent)
    response = client.post(
        f"/bourse/espace-bailleur/locataires/{tenant.pk}/anonymiser/",
        {"confirm": "on"},
        follow=True,
    )
    assert "dossier d’échange en cours" in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.anonymised_at is None


def test_dashboard_shows_the_file_and_links_to_it(client, pair, tenant):
    _, file = pair
    client.force_login(tenant.user)
    page = client.get("/locataire/").content.decode()
    assert file.reference in page
    assert f"/dossiers/mes-dossiers/{file.pk}/" in page
    assert "retirée de la recherche pendant votre dossier" in page
    page = client.get(f"/dossiers/mes-dossiers/{file.pk}/").content.decode()
    assert 'aria-current="page"' in page and "Mon dossier d’échange" in page


def test_dashboard_without_a_file(client, tenant):
    client.force_login(tenant.user)
    page = client.get("/locataire/").content.decode()
    assert "Aucun dossier d’échange en cours" in page


def test_the_move_deadline_clock_starts_on_the_day_the_nurs_are_complete(pair):
    _, file = pair
    assert file.nurs_date == timezone.localdate()
    assert file.opened_at <= timezone.now() + dt.timedelta(seconds=1)


def test_the_sweep_without_mail_for_the_demo(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    contacts.answer(request_obj, other_tenant, accept=True)
    # Ready pairs recorded directly (as the demo content does): no file yet.
    contacts.ContactRequest.objects.filter(pk=request_obj.pk).update(ready_at=timezone.now())
    for profile, nur in ((tenant, "0751121012345GDPUB"), (other_tenant, "0931121098765GDPUB")):
        type(profile).objects.filter(pk=profile.pk).update(nur=nur)
    sent = OutboundEmail.objects.count()
    assert exchange_files.open_ready_files(notify=False) == 1
    assert OutboundEmail.objects.count() == sent
    request_obj.refresh_from_db()
    assert request_obj.exchange_file.step == Step.CREATED


# --- Issue 14, part A: the NUR after the file opened -------------------------------------


def test_the_request_page_links_to_the_file_as_soon_as_it_opens(client, pair, tenant):
    request_obj, file = pair
    client.force_login(tenant.user)
    page = client.get(f"/locataire/demandes/{request_obj.pk}/").content.decode()
    assert f'href="/dossiers/mes-dossiers/{file.pk}/"' in page
    assert file.reference in page


def test_a_wrong_nur_is_refused_and_opens_no_file(client, tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    contacts.answer(request_obj, other_tenant, accept=True)
    contacts.set_nur(tenant, "0751121012345GDPUB")
    client.force_login(other_tenant.user)
    response = client.post(
        f"/locataire/demandes/{request_obj.pk}/", {"action": "nur", "nur": "abc"}
    )
    assert response.status_code == 400
    assert "075 06 23 012345 GDPUB" in response.content.decode()
    assert not ExchangeFile.objects.exists()


def test_the_tenants_correction_reaches_the_open_file_until_the_pre_instruction(
    client, pair, tenant, agent
):
    request_obj, file = pair
    client.force_login(tenant.user)
    address = f"/locataire/demandes/{request_obj.pk}/"
    for step, n in ((Step.CREATED, 1), (Step.PRE_INSTRUCTION, 2)):
        if step == Step.PRE_INSTRUCTION:
            workflow.perform(file, "start_pre_instruction", agent)
        nur = f"07511210{n:05d}GDPUB"
        response = client.post(address, {"action": "nur", "nur": nur.lower()})
        assert response.status_code == 302
        tenant.refresh_from_db()
        party = file.parties.get(tenant_user=tenant.user)
        assert tenant.nur == party.nur == nur
    events = file.events.filter(action="correct_nur").order_by("at", "pk")
    assert [e.details["before"] for e in events] == ["0751121012345GDPUB", "0751121000001GDPUB"]
    # The staff page shows the corrected NUR.
    client.force_login(agent)
    assert "0751121000002GDPUB" in client.get(f"/dossiers/{file.pk}/").content.decode()
    # Once the pre-instruction is validated the correction is refused; nothing changes.
    workflow.perform(file, "validate_pre_instruction", agent)
    client.force_login(tenant.user)
    response = client.post(address, {"action": "nur", "nur": "0751121000003GDPUB"})
    assert response.status_code == 400
    assert "seul votre" in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.nur == file.parties.get(tenant_user=tenant.user).nur == "0751121000002GDPUB"
    # The landlord corrects it, with a reason: the file and the tenant's account follow.
    party = file.parties.get(tenant_user=tenant.user)
    workflow.perform(
        file,
        "correct_nur",
        agent,
        party=party,
        data={"nur": "0751121000004GDPUB", "reason": "Attestation vérifiée"},
    )
    tenant.refresh_from_db()
    party.refresh_from_db()
    assert tenant.nur == party.nur == "0751121000004GDPUB"
    event = file.events.filter(action="correct_nur").last()
    assert event.reason == "Attestation vérifiée" and event.actor_kind == "landlord"
