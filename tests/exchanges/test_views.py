"""Screens and permissions both ways: URLs, forms, tampering, PDF, tenant view."""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.exchanges.models import CalDecision, ExchangeFile, Step
from bourse.factories import DwellingFactory, TenantUserFactory
from bourse.models import Position, Reservataire

from .conftest import advance, cal_dates, open_file

TODAY = timezone.localdate()


def url(file, suffix=""):
    return f"/dossiers/{file.pk}/{suffix}"


def post_action(client, file, action, data=None, step=None, confirm=True):
    """POST an action's form; ``confirm``: as from its confirmation page (``confirmer=1``)."""
    file.refresh_from_db()
    data = data or {}
    prefix = f"{action}-{data['party']}" if "party" in data else action
    payload = {f"{prefix}-expected_step": step or file.step}
    for key, value in data.items():
        payload[key if key == "party" else f"{prefix}-{key}"] = value
    if confirm:
        payload["confirmer"] = "1"
    return client.post(url(file, f"action/{action}/"), payload)


@pytest.fixture
def file_bc(landlords, tenants):
    """A file between landlords B and C only."""
    return open_file(
        {
            "b": DwellingFactory(
                landlord=landlords["b"], insee="75111", slug="b2", commune_contingent=True
            ),
            "c": DwellingFactory(landlord=landlords["c"], commune_contingent=True),
        },
        {"b": TenantUserFactory(username="loc-b2"), "c": tenants["c"]},
        ("b", "c"),
    )


# --- Who may open which page ----------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "1/", "1/accord-echange.pdf"])
def test_anonymous_visitors_are_sent_to_the_sign_in(client, file2, suffix):
    response = client.get(f"/dossiers/{suffix}")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_anonymous_tenants_are_sent_to_the_sign_in(client, file2):
    response = client.get(f"/dossiers/mes-dossiers/{file2.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("who", ["partner", "tenant"])
def test_partners_and_tenants_have_no_staff_screen(client, file2, partner, tenants, who):
    client.force_login(partner if who == "partner" else tenants["a"])
    for path in ("/dossiers/", url(file2)):
        assert client.get(path).status_code == 403
    response = post_action(client, file2, "start_pre_instruction")
    assert response.status_code == 403
    file2.refresh_from_db()
    assert file2.step == Step.CREATED


def test_a_landlord_sees_only_the_files_of_its_organisation(client, agents, file2, file_bc):
    client.force_login(agents["a"])
    response = client.get("/dossiers/")
    assert response.status_code == 200
    assert file2.reference in response.content.decode()
    assert file_bc.reference not in response.content.decode()
    assert client.get(url(file_bc)).status_code == 404
    assert client.get(url(file_bc, "accord-echange.pdf")).status_code == 404
    assert post_action(client, file_bc, "start_pre_instruction").status_code == 404
    file_bc.refresh_from_db()
    assert file_bc.step == Step.CREATED
    # Another landlord's id in the filter is refused.
    assert (
        client.get(f"/dossiers/?bailleur={file_bc.parties.last().landlord_id}").status_code == 403
    )
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_amo_sees_every_file_and_filters_by_landlord(client, amo, file2, file_bc, landlords):
    client.force_login(amo)
    page = client.get("/dossiers/").content.decode()
    assert file2.reference in page and file_bc.reference in page
    page = client.get(f"/dossiers/?bailleur={landlords['a'].pk}").content.decode()
    assert file2.reference in page and file_bc.reference not in page
    assert client.get(url(file_bc)).status_code == 200


# --- The file page and its buttons ------------------------------------------------------


def buttons(response):
    import re

    return re.findall(r'action="/dossiers/\d+/action/([a-z_]+)/"', response.content.decode())


def test_only_the_allowed_actions_are_offered(client, agents, file2, tenants, amo):
    client.force_login(agents["a"])
    response = client.get(url(file2))
    assert response.status_code == 200
    assert buttons(response) == ["start_pre_instruction", "correct_nur", "close_by_landlord"]
    page = response.content.decode()
    assert "Renoncer" not in page and "Réactiver" not in page
    advance(file2, Step.CAL_SCHEDULED, amo)
    response = client.get(url(file2))
    assert buttons(response) == [  # no "undo": the last action is the AMO's
        "edit_cal_dates",
        "record_cal_decision",
        "correct_nur",
        "close_by_landlord",
    ]
    # Its own household only (CAL decision, NUR correction).
    assert response.content.decode().count('name="party"') == 2
    client.force_login(amo)
    assert client.get(url(file2)).content.decode().count('name="party"') == 4


def test_agents_carry_a_file_with_the_forms(client, agents, file2):
    client.force_login(agents["a"])
    assert post_action(client, file2, "start_pre_instruction").status_code == 302
    assert post_action(client, file2, "validate_pre_instruction").status_code == 302
    dates = {f"cal_{p}": d.isoformat() for p, d in cal_dates(file2).items()}
    response = post_action(client, file2, "schedule_cal", dates)
    assert response.status_code == 302
    file2.refresh_from_db()
    assert file2.step == Step.CAL_SCHEDULED
    page = client.get(url(file2)).content.decode()
    assert "Valider l’instruction et saisir les dates de CAL" in page  # the timeline
    assert "c’est enregistré" in page


def test_a_stale_page_does_not_act_twice(client, agents, file2):
    client.force_login(agents["a"])
    post_action(client, file2, "start_pre_instruction", step=Step.CREATED)
    response = post_action(client, file2, "start_pre_instruction", step=Step.CREATED)
    assert response.status_code == 302
    assert "a changé entre-temps" in client.get(url(file2)).content.decode()
    assert file2.events.filter(action="start_pre_instruction").count() == 1


def test_form_errors_are_shown_on_the_page(client, agents, file2, amo):
    client.force_login(agents["a"])
    response = post_action(client, file2, "close_by_landlord", {"reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "form-error-summary" in page and "Le motif est obligatoire." in page
    assert 'aria-invalid="true"' in page
    assert "<title>Erreur – Dossier d’échange" in page  # the title says it too
    assert "<title>Erreur" not in client.get(url(file2)).content.decode()
    advance(file2, Step.INSTRUCTION, amo)
    dates = {f"cal_{p}": d.isoformat() for p, d in cal_dates(file2, gap=9).items()}
    response = post_action(client, file2, "schedule_cal", dates)
    assert response.status_code == 400
    assert "9 jours les séparent, 8 au plus" in response.content.decode()
    file2.refresh_from_db()
    assert file2.step == Step.INSTRUCTION


def test_a_decision_for_another_landlords_household_is_refused(client, agents, file2, amo):
    advance(file2, Step.CAL_SCHEDULED, amo)
    party_b = file2.parties.get(position=2)
    client.force_login(agents["a"])
    response = post_action(
        client,
        file2,
        "record_cal_decision",
        {"party": party_b.pk, "decision": CalDecision.NON_ATTRIBUTION},
    )
    assert response.status_code == 403
    party_b.refresh_from_db()
    assert party_b.cal_decision == ""
    response = post_action(client, file2, "record_cal_decision", {"party": 999999})
    assert response.status_code == 404


def test_no_undo_on_a_file_closed_after_the_cal_even_if_forced(client, agents, file2, amo):
    advance(file2, Step.CAL_SCHEDULED, amo)
    client.force_login(agents["b"])
    post_action(
        client,
        file2,
        "record_cal_decision",
        {"party": file2.parties.get(position=2).pk, "decision": CalDecision.NON_ATTRIBUTION},
    )
    file2.refresh_from_db()
    assert file2.step == Step.CLOSED_AFTER_CAL
    response = client.get(url(file2))
    assert buttons(response) == ["reopen"]
    assert "Annuler l’action" not in response.content.decode().split("Historique")[0]
    response = post_action(client, file2, "undo")
    assert response.status_code == 400
    assert "« Annuler l’action » n’est pas possible à l’étape « Clos suite à la CAL »" in (
        response.content.decode()
    )
    file2.refresh_from_db()
    assert file2.step == Step.CLOSED_AFTER_CAL
    assert post_action(client, file2, "reopen").status_code == 302
    file2.refresh_from_db()
    assert file2.step == Step.CAL_SCHEDULED


def test_unknown_and_tenant_only_actions_do_not_exist_here(client, agents, file2):
    client.force_login(agents["a"])
    assert post_action(client, file2, "explode").status_code == 404
    assert post_action(client, file2, "renounce", {"reason": "x"}).status_code == 404
    assert post_action(client, file2, "close_for_inactivity", {"reason": "x"}).status_code == 404
    assert client.get(url(file2, "action/start_pre_instruction/")).status_code == 405


def test_the_file_page_shows_parties_positions_deadlines_and_timeline(
    client, agents, file2, dwellings
):
    Reservataire.objects.create(
        kind="commune", code="93048", name="Montreuil", position=Position.OPPOSITION
    )
    ExchangeFile.objects.filter(pk=file2.pk).update(nurs_date=TODAY - dt.timedelta(days=30))
    client.force_login(agents["b"])
    page = client.get(url(file2)).content.decode()
    assert "Ménage 1" in page and "Ménage 2" in page
    assert dwellings["a"].address in page and dwellings["b"].address in page
    assert "Montreuil — <span" in page and "Opposition" in page and "Non positionnée" in page
    assert "eh-badge-overdue" in page  # the pre-instruction is overdue
    assert 'aria-label="Alerte 1 : Pré-instruction plus de 3 semaines' in page
    assert "Création du dossier (NUR transmis)" in page
    assert "Télécharger l’accord d’échange (PDF)" in page


# --- Dashboard ------------------------------------------------------------------------


def test_dashboard_counts_filters_and_puts_overdue_first(client, agents, landlords, tenants):
    def new(slug, **fields):
        f = open_file(
            {
                "a": DwellingFactory(landlord=landlords["a"], slug=slug, commune_contingent=True),
                "b": DwellingFactory(landlord=landlords["b"], commune_contingent=True),
            },
            tenants,
            notify=False,
        )
        ExchangeFile.objects.filter(pk=f.pk).update(**fields)
        return f

    fresh = new("f", nurs_date=TODAY - dt.timedelta(days=2))
    overdue = new("o", nurs_date=TODAY - dt.timedelta(days=10))
    alert = new("l", nurs_date=TODAY - dt.timedelta(days=40))
    closed = new("c", step=Step.CLOSED_BY_LANDLORD)
    client.force_login(agents["a"])
    page = client.get("/dossiers/").content.decode()
    order = [page.index(f.reference) for f in (alert, overdue, fresh)]
    assert order == sorted(order)
    assert closed.reference not in page
    page = client.get("/dossiers/?alerte=1").content.decode()
    assert alert.reference in page and overdue.reference not in page
    page = client.get("/dossiers/?anciennete=moins_1_mois").content.decode()
    assert fresh.reference in page and alert.reference not in page
    page = client.get("/dossiers/?statut=clos").content.decode()
    assert closed.reference in page and fresh.reference not in page
    page = client.get(f"/dossiers/?etape={Step.CLOSED_BY_LANDLORD}&statut=tous").content.decode()
    assert closed.reference in page and fresh.reference not in page
    response = client.get("/dossiers/")
    assert response.context["open_count"] == 3 and response.context["overdue_count"] == 2
    assert dict((a.value, n) for a, _rule, n in response.context["alert_rows"])[1] == 1


# --- The agreement ---------------------------------------------------------------------


def test_the_pdf_is_for_the_files_landlords_tenants_and_the_amo(
    client, file2, agents, tenants, amo
):
    for user in (agents["a"], agents["b"], tenants["a"], tenants["b"], amo):
        client.force_login(user)
        response = client.get(url(file2, "accord-echange.pdf"))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert f"accord-echange-{file2.reference}.pdf" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF-")
    for user in (agents["c"], tenants["c"]):
        client.force_login(user)
        assert client.get(url(file2, "accord-echange.pdf")).status_code == 404


# --- Tenant view ---------------------------------------------------------------------


def test_a_tenant_follows_and_renounces_their_file(client, file2, tenants, agents):
    client.force_login(tenants["a"])
    response = client.get("/dossiers/mes-dossiers/")
    assert (
        response.status_code == 302
        and response["Location"] == f"/dossiers/mes-dossiers/{file2.pk}/"
    )
    page = client.get(f"/dossiers/mes-dossiers/{file2.pk}/").content.decode()
    assert "Créé — NUR transmis" in page and "pré-instruisent votre dossier" in page
    assert "Renoncer à l’échange" in page
    assert "locataire-b@" not in page
    response = client.post(
        f"/dossiers/mes-dossiers/{file2.pk}/renoncer/",
        {"renounce-expected_step": Step.CREATED, "renounce-reason": ""},
    )
    assert response.status_code == 400 and "Le motif est obligatoire." in response.content.decode()
    assert "<title>Erreur – Mon dossier d’échange" in response.content.decode()
    assert "<title>Mon dossier d’échange" in page
    response = client.post(
        f"/dossiers/mes-dossiers/{file2.pk}/renoncer/",
        {
            "renounce-expected_step": Step.CREATED,
            "renounce-reason": "Nous restons.",
            "confirmer": "1",
        },
        follow=True,
    )
    assert "Vous avez renoncé à l’échange" in response.content.decode()
    file2.refresh_from_db()
    assert file2.step == Step.CLOSED_BY_TENANT
    assert 'name="renounce-reason"' not in response.content.decode()


def test_tenants_see_only_their_own_files(client, file2, tenants, agents):
    for user in (tenants["c"], agents["a"]):
        client.force_login(user)
        assert client.get(f"/dossiers/mes-dossiers/{file2.pk}/").status_code == 404
        response = client.post(
            f"/dossiers/mes-dossiers/{file2.pk}/renoncer/",
            {"renounce-expected_step": Step.CREATED, "renounce-reason": "x"},
        )
        assert response.status_code == 404
    client.force_login(tenants["c"])
    page = client.get("/dossiers/mes-dossiers/").content.decode()
    assert "Vous n’avez pas de dossier d’échange" in page
    file2.refresh_from_db()
    assert file2.step == Step.CREATED


# --- Mail texts in the Wagtail admin ------------------------------------------------------


def test_only_the_super_administrator_edits_the_mail_texts(client, amo, agents):
    path = "/admin/snippets/exchanges/mailtemplate/"
    client.force_login(amo)
    assert client.get(path).status_code == 200
    response = client.post(
        f"{path}add/", {"key": "done_tenants", "subject": "", "body": ""}, follow=True
    )
    assert response.status_code == 200
    from bourse.exchanges.models import MailTemplate

    stored = MailTemplate.objects.get(key="done_tenants")
    assert "{{ reference }}" in stored.subject  # started from the default
    client.force_login(agents["a"])
    assert client.get(path).status_code in (302, 403)
