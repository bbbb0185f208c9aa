"""The access log (issue 18): each staff screen of a tenant's personal data
writes one entry with one INSERT; the AMO reads every entry, a landlord
administrator its own staff's, an agent none; search and CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bourse.audit.models import AccessLogEntry, Screen
from bourse.exchanges.models import Step

from .conftest import at_noon, make_file, make_import, make_message

pytestmark = pytest.mark.django_db


def only_entry():
    assert AccessLogEntry.objects.count() == 1
    return AccessLogEntry.objects.get()


def test_tenant_page_writes_one_entry_with_one_insert(client, agent, tenant):
    client.force_login(agent)
    url = reverse("tenants:staff_tenant", args=[tenant.pk])
    client.get(url)  # warm up: sessions, caches
    AccessLogEntry.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("INSERT")]
    assert len(writes) == 1 and "audit_accesslogentry" in writes[0]
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().startswith(("UPDATE", "DELETE"))
    ]
    entry = only_entry()
    assert (entry.staff, entry.staff_landlord, entry.screen, entry.tenant) == (
        agent,
        tenant.landlord,
        Screen.TENANT_PAGE,
        tenant.user,
    )


def test_another_landlords_tenant_page_is_refused_and_not_logged(client, agent_b, tenant):
    client.force_login(agent_b)
    response = client.get(reverse("tenants:staff_tenant", args=[tenant.pk]))
    assert response.status_code in (403, 404)
    assert not AccessLogEntry.objects.exists()


@pytest.fixture
def closed_file(tenant, partner_tenant):
    return make_file([tenant, partner_tenant], step=Step.INSTRUCTION)


def test_file_page_and_agreement_are_logged_for_staff(client, agent, closed_file):
    client.force_login(agent)
    assert client.get(reverse("exchanges:file", args=[closed_file.pk])).status_code == 200
    entry = only_entry()
    assert entry.screen == Screen.EXCHANGE_FILE and entry.exchange_file == closed_file
    assert entry.reference == closed_file.reference
    response = client.get(reverse("exchanges:agreement", args=[closed_file.pk]))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(screen=Screen.AGREEMENT_PDF).count() == 1


def test_a_tenant_downloading_its_own_agreement_is_not_logged(client, tenant, closed_file):
    client.force_login(tenant.user)
    response = client.get(reverse("exchanges:agreement", args=[closed_file.pk]))
    assert response.status_code == 200
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("name", ["exchanges:export_csv", "exchanges:export_xlsx"])
def test_file_exports_are_logged(client, agent, closed_file, name):
    client.force_login(agent)
    assert client.get(reverse(name)).status_code == 200
    entry = only_entry()
    assert entry.screen == Screen.FILES_EXPORT and entry.reference.startswith("dossiers-echange-")


def test_patrimoine_export_and_import_report_are_logged(client, landlord_admin, landlord):
    client.force_login(landlord_admin)
    response = client.get(reverse("bourse:patrimoine_export"), {"bailleur": landlord.pk})
    b"".join(response.streaming_content)
    assert only_entry().screen == Screen.PATRIMOINE_EXPORT
    imp = make_import(landlord)
    response = client.get(reverse("bourse:import_report", args=[imp.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert AccessLogEntry.objects.filter(screen=Screen.IMPORT_REPORT).count() == 1


def test_contact_message_is_logged_on_the_landlord_page_and_in_the_inbox(
    client, agent, amo, landlord
):
    message = make_message(landlord, forwarded=True, attachment=True)
    client.force_login(agent)
    assert client.get(reverse("contact:landlord_detail", args=[message.pk])).status_code == 200
    entry = only_entry()
    assert entry.screen == Screen.CONTACT_MESSAGE and entry.reference == message.reference
    client.force_login(amo)
    response = client.get(reverse("contact_inbox:inspect", args=[message.pk]))
    assert response.status_code == 200
    response = client.get(reverse("contact:attachment", args=[message.pk]))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(staff=amo, screen=Screen.CONTACT_MESSAGE).count() == 2


# --- Who reads it ------------------------------------------------------------------------


@pytest.fixture
def entries(agent, agent_b, amo, tenant, landlord, landlord_b):
    def entry(staff, owner, day, **kwargs):
        return AccessLogEntry.objects.create(
            staff=staff, staff_landlord=owner, at=at_noon(day), **kwargs
        )

    today = timezone.localdate()
    return {
        "a": entry(agent, landlord, today, screen=Screen.TENANT_PAGE, tenant=tenant.user),
        "a_old": entry(agent, landlord, today - dt.timedelta(days=40), screen=Screen.FILES_EXPORT),
        "b": entry(agent_b, landlord_b, today, screen=Screen.PATRIMOINE_EXPORT, reference="B"),
        "amo": entry(amo, None, today, screen=Screen.TENANT_PAGE, tenant=tenant.user),
    }


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def listed(response):
    return set(e.pk for e in response.context["page"].object_list)


def test_amo_sees_every_entry(client, amo, entries):
    client.force_login(amo)
    response = client.get(reverse("privacy:access_log"))
    assert response.status_code == 200
    assert listed(response) == {e.pk for e in entries.values()}


def test_landlord_admin_sees_its_own_staff_only(client, landlord_admin, admin_b, entries):
    client.force_login(landlord_admin)
    response = client.get(reverse("privacy:access_log"))
    assert listed(response) == {entries["a"].pk, entries["a_old"].pk}
    client.force_login(admin_b)
    assert listed(client.get(reverse("privacy:access_log"))) == {entries["b"].pk}


def test_landlord_admin_cannot_pick_another_landlords_staff(
    client, landlord_admin, agent_b, entries
):
    client.force_login(landlord_admin)
    response = client.get(reverse("privacy:access_log"), {"staff": agent_b.pk})
    assert listed(response) == set()
    assert "staff" in response.context["form"].errors
    response = client.get(reverse("privacy:access_log_export"), {"staff": agent_b.pk})
    assert response.status_code == 302  # invalid filters: nothing exported


@pytest.mark.parametrize("who", ["agent", "tenant_user", "partner_agent"])
def test_agents_and_tenants_see_nothing_of_the_log(client, who, agent, tenant, agent_b, entries):
    user = {"agent": agent, "tenant_user": tenant.user, "partner_agent": agent_b}[who]
    client.force_login(user)
    for name in ("privacy:access_log", "privacy:access_log_export"):
        response = client.get(reverse(name))
        assert response.status_code == 403


def test_staff_navigation_shows_the_log_to_admins_only(client, agent, landlord_admin):
    client.force_login(landlord_admin)
    page = client.get(reverse("bourse:staff_dashboard")).content.decode()
    assert reverse("privacy:access_log") in page
    client.force_login(agent)
    page = client.get(reverse("bourse:staff_dashboard")).content.decode()
    assert reverse("privacy:access_log") not in page


def test_filters_by_staff_tenant_period_and_screen(client, amo, agent, tenant, entries):
    client.force_login(amo)
    url = reverse("privacy:access_log")
    assert listed(client.get(url, {"staff": agent.pk})) == {entries["a"].pk, entries["a_old"].pk}
    assert listed(client.get(url, {"tenant": tenant.user.last_name})) == {
        entries["a"].pk,
        entries["amo"].pk,
    }
    assert listed(client.get(url, {"tenant": str(tenant.user.pk)})) == {
        entries["a"].pk,
        entries["amo"].pk,
    }
    old_day = timezone.localdate() - dt.timedelta(days=40)
    assert listed(client.get(url, {"start": old_day, "end": old_day})) == {entries["a_old"].pk}
    assert listed(client.get(url, {"screen": Screen.PATRIMOINE_EXPORT})) == {entries["b"].pk}


def test_bad_period_is_answered_in_french_and_lists_nothing(client, amo, entries):
    client.force_login(amo)
    today = timezone.localdate()
    response = client.get(
        reverse("privacy:access_log"), {"start": today, "end": today - dt.timedelta(days=1)}
    )
    assert "La date de début doit précéder la date de fin." in response.content.decode()
    assert listed(response) == set()
    response = client.get(reverse("privacy:access_log"), {"start": "hier"})
    assert "Saisissez une date valide" in response.content.decode()


def test_csv_export_is_scoped_and_filtered(client, landlord_admin, amo, agent, entries):
    client.force_login(landlord_admin)
    response = client.get(reverse("privacy:access_log_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="journal-des-acces-')
    rows = csv_rows(response)
    assert rows[0][0] == "date" and len(rows) == 3
    assert all(row[2] == agent.staff_profile.landlord.name for row in rows[1:])
    client.force_login(amo)
    response = client.get(reverse("privacy:access_log_export"), {"screen": Screen.TENANT_PAGE})
    rows = csv_rows(response)
    assert len(rows) == 3 and {row[3] for row in rows[1:]} == {"fiche locataire"}
    assert "AMO" in {row[2] for row in rows[1:]}


def test_the_tenant_is_still_known_after_anonymisation(client, amo, tenant, entries):
    from bourse.tenants import services

    services.anonymise(tenant, amo)
    entries["a"].refresh_from_db()
    assert entries["a"].tenant_id == tenant.user_id
    client.force_login(amo)
    response = client.get(reverse("privacy:access_log"), {"tenant": str(tenant.user_id)})
    assert entries["a"].pk in listed(response)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_entry_is_committed(agent, tenant):
    """The production path (autocommit; on PostgreSQL, without waiting for the disk)."""
    from django.db import transaction
    from django.test import RequestFactory

    from bourse.audit.log import record_access

    request = RequestFactory().get("/")
    request.user = agent
    assert not transaction.get_connection().in_atomic_block
    entry = record_access(request, screen=Screen.TENANT_PAGE, tenant=tenant)
    assert AccessLogEntry.objects.get(pk=entry.pk).tenant_id == tenant.user_id


def test_a_reported_conversation_read_by_the_amo_is_logged(client, amo, tenant, other_tenant):
    from bourse.conversations import services as conversations
    from bourse.tenants.models import ContactRequest

    request = ContactRequest.objects.create(sender=tenant, receiver=other_tenant, message="Bonjour")
    conversation = conversations.conversation_for_request(request)
    message = conversations.post_message(conversation, tenant, "Un message insultant")
    report = conversations.report_message(message, other_tenant, "insulte")
    client.force_login(amo)
    page = client.get(reverse("conversations:staff_report", args=[report.pk]))
    assert page.status_code == 200
    entry = only_entry()
    assert (entry.screen, entry.tenant, entry.reference) == (
        Screen.CONVERSATION,
        tenant.user,
        f"signalement-{report.pk}",
    )
