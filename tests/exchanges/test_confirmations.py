"""Issue 14, part A: every consequential action asks for a confirmation first (a page
that says what will happen, a "Confirmer" button, no JavaScript); refusals are shown
next to their field; the landlord corrects a NUR from the file page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bourse.exchanges import workflow
from bourse.exchanges.models import CalDecision, ExchangeFile, Step

from .conftest import advance, cal_dates, nur
from .test_views import post_action, url

TODAY = timezone.localdate


def state(file):
    file = ExchangeFile.objects.get(pk=file.pk)
    return file.step, file.events.count(), list(file.parties.values_list("cal_decision", "nur"))


def confirm_form(response):
    """The hidden fields of the confirmation form, as a dict to post again."""
    html = response.content.decode()
    form = html.split('<form method="post"')[-1].split("</form>")[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


@pytest.mark.parametrize(
    ("action", "step", "data", "words"),
    [
        ("close_by_landlord", Step.PRE_INSTRUCTION, {"reason": "Mutation"}, "sera clos"),
        ("undo", Step.PRE_INSTRUCTION, {}, "sera annulée"),
        ("record_cal_decision", Step.CAL_SCHEDULED, {"decision": "non_attribution"}, "sera clos"),
        ("record_cal_decision", Step.CAL_SCHEDULED, {"decision": "attribution"}, "autres CAL"),
        ("set_completion", Step.MOVE_SCHEDULED, {}, "sera noté réalisé"),
    ],
)
def test_consequential_staff_actions_are_confirmed_first(
    client, file2, agents, amo, action, step, data, words
):
    advance(file2, Step.PRE_INSTRUCTION, agents["a"])  # undoable by landlord A
    if step != Step.PRE_INSTRUCTION:
        advance(file2, step, amo)
    if action == "record_cal_decision":
        data = {**data, "party": file2.parties.get(position=1).pk}
    if action == "set_completion":
        data = {"date": TODAY().isoformat()}
    client.force_login(agents["a"])
    before = state(file2)
    response = post_action(client, file2, action, data, confirm=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirmer :" in page and words in page and "Rien n’est encore enregistré" in page
    assert state(file2) == before  # nothing changed
    payload = confirm_form(response)
    assert payload["confirmer"] == "1"
    response = client.post(url(file2, f"action/{action}/"), payload)
    assert response.status_code == 302
    assert state(file2) != before


def test_reopening_is_confirmed(client, file2, agents):
    client.force_login(agents["a"])
    post_action(client, file2, "close_by_landlord", {"reason": "Pièces manquantes"})
    file2.refresh_from_db()
    assert file2.step == Step.CLOSED_BY_LANDLORD
    response = post_action(client, file2, "reopen", confirm=False)
    assert response.status_code == 200 and "reviendra à l’étape « Créé" in response.content.decode()
    assert ExchangeFile.objects.get(pk=file2.pk).step == Step.CLOSED_BY_LANDLORD
    client.post(url(file2, "action/reopen/"), confirm_form(response))
    assert ExchangeFile.objects.get(pk=file2.pk).step == Step.CREATED


def test_a_refusal_is_shown_before_confirming_next_to_its_field(client, file2, agents, amo):
    advance(file2, Step.INSTRUCTION, amo)
    data = {"cal_dates": cal_dates(file2, start=TODAY() + dt.timedelta(days=12))}
    workflow.perform(file2, "schedule_cal", amo, data=data)
    party = file2.parties.get(position=1)
    client.force_login(agents["a"])
    before = state(file2)
    for confirm in (False, True):
        response = post_action(
            client,
            file2,
            "record_cal_decision",
            {"party": party.pk, "decision": CalDecision.ATTRIBUTION},
            confirm=confirm,
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "se réunit le" in page and "invalid-feedback" in page
        assert state(file2) == before


def test_move_date_outside_the_period_is_refused_next_to_the_field(client, file2, agents, amo):
    advance(file2, Step.MOVE_PERIOD_SET, amo)  # period: today → today + 20
    client.force_login(agents["a"])
    far = (TODAY() + dt.timedelta(days=89)).isoformat()
    response = post_action(client, file2, "set_move_date", {"date": far})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_set_move_date-date-erreur"' in html and "comprise dans la période" in html
    assert 'aria-invalid="true"' in html
    # With the period changed in the same action, it is recorded.
    response = post_action(
        client,
        file2,
        "set_move_date",
        {
            "date": far,
            "period_start": (TODAY() + dt.timedelta(days=80)).isoformat(),
            "period_end": (TODAY() + dt.timedelta(days=95)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(url(file2)).content.decode()
    assert "période de déménagement du" in page


def test_the_landlord_corrects_a_nur_from_the_file_page(client, file2, agents, amo):
    advance(file2, Step.INSTRUCTION, amo)
    party = file2.parties.get(position=1)
    client.force_login(agents["a"])
    page = client.get(url(file2)).content.decode()
    assert f'name="correct_nur-{party.pk}-nur"' in page
    response = post_action(
        client, file2, "correct_nur", {"party": party.pk, "nur": "abc", "reason": "Erreur"}
    )
    assert response.status_code == 400
    assert "« 075 06 23 012345 GDPUB »" in response.content.decode()
    response = post_action(
        client,
        file2,
        "correct_nur",
        {"party": party.pk, "nur": "093 06 23 000077 gdpub", "reason": "Erreur de saisie"},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.nur == nur(77)
    page = client.get(url(file2)).content.decode()
    assert "Corriger le NUR" in page and "Erreur de saisie" in page and nur(77) in page
    # Landlord B does not correct household 1's NUR.
    client.force_login(agents["b"])
    response = post_action(
        client, file2, "correct_nur", {"party": party.pk, "nur": nur(78), "reason": "x"}
    )
    assert response.status_code == 403


def test_landlord_b_cannot_undo_landlord_as_action_on_the_page(client, file2, agents):
    client.force_login(agents["a"])
    assert post_action(client, file2, "start_pre_instruction").status_code == 302
    client.force_login(agents["b"])
    assert "action/undo/" not in client.get(url(file2)).content.decode()
    response = post_action(client, file2, "undo")
    assert response.status_code == 403
    assert ExchangeFile.objects.get(pk=file2.pk).step == Step.PRE_INSTRUCTION
    client.force_login(agents["a"])
    assert "action/undo/" in client.get(url(file2)).content.decode()


def test_the_tenant_confirms_renouncing(client, file2, tenants):
    client.force_login(tenants["a"])
    address = f"/dossiers/mes-dossiers/{file2.pk}/renoncer/"
    payload = {"renounce-expected_step": Step.CREATED, "renounce-reason": "Nous restons."}
    response = client.post(address, payload)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vous renoncez à l’échange" in page and "Nous restons." in page
    assert "Confirmer : Renoncer à l’échange" in page
    assert ExchangeFile.objects.get(pk=file2.pk).step == Step.CREATED
    response = client.post(address, confirm_form(response))
    assert response.status_code == 302
    assert ExchangeFile.objects.get(pk=file2.pk).step == Step.CLOSED_BY_TENANT


def test_the_tenant_corrects_its_nur_from_its_file_page_until_the_pre_instruction(
    client, file2, tenants, agents
):
    client.force_login(tenants["a"])
    page = client.get(f"/dossiers/mes-dossiers/{file2.pk}/").content.decode()
    assert "Corriger mon NUR" in page
    address = f"/dossiers/mes-dossiers/{file2.pk}/nur/"
    response = client.post(address, {"nur": "123"})
    assert response.status_code == 400 and "075 06 23 012345 GDPUB" in response.content.decode()
    response = client.post(address, {"nur": "093 06 23 000055 gdpub"})
    assert response.status_code == 302
    party = file2.parties.get(position=1)
    assert party.nur == nur(55)
    assert file2.events.filter(action="correct_nur", actor=tenants["a"]).exists()
    advance(file2, Step.INSTRUCTION, agents["a"])
    page = client.get(f"/dossiers/mes-dossiers/{file2.pk}/").content.decode()
    assert "Corriger mon NUR" not in page
    response = client.post(address, {"nur": nur(56)})
    assert response.status_code == 400 and "seul votre" in response.content.decode()
    assert file2.parties.get(position=1).nur == nur(55)


def test_a_malformed_nur_of_an_older_file_is_pointed_out(client, file2, agents):
    file2.parties.filter(position=1).update(nur="ABC")  # opened before the rule
    client.force_login(agents["a"])
    page = client.get(url(file2)).content.decode()
    assert "ce NUR n’a pas la forme attendue" in page
