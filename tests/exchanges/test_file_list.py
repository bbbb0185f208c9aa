"""The agents' list at volume (issue 14 C): search, sort, next due date, pagination, exports,
scope both ways, bad parameters. ``bourse.exchanges.file_list`` is called directly, then
through ``/dossiers/`` and its exports."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from bourse.exchanges import access, deadlines, file_list
from bourse.exchanges.api import open_exchange_file
from bourse.exchanges.models import ExchangeFile, Step
from bourse.factories import DwellingFactory, TenantUserFactory
from bourse.models import Commune

from .conftest import nur

TODAY = timezone.localdate()


def new_file(landlord_a, landlord_b, n, *, name=None, days=2, step=None, **fields):
    """A file between two landlords, tenant names ``<name>-1`` / ``<name>-2``, NURs ``n``."""
    name = name or f"LOCATAIRE{n}"
    parties = []
    for side, (landlord, insee) in enumerate(((landlord_a, "93048"), (landlord_b, "75111"))):
        dwelling = DwellingFactory(
            landlord=landlord,
            insee=insee,
            slug=f"s{n}",
            tenant_name=f"{name}-{side + 1}",
            tenant_reference=f"TREF{n:03d}{side}",
            housing_reference=f"HREF{n:03d}{side}",
            commune_contingent=True,
        )
        parties.append(
            {
                "dwelling_left": dwelling,
                "nur": nur(n * 10 + side),
                "tenant_user": TenantUserFactory(username=f"t{n}-{side}"),
            }
        )
    file = open_exchange_file(parties, None, notify=False)
    update = {"nurs_date": TODAY - dt.timedelta(days=days), **fields}
    if step:
        update["step"] = step
    ExchangeFile.objects.filter(pk=file.pk).update(**update)
    file.refresh_from_db()
    return file


@pytest.fixture
def listed(landlords):
    a, b, c = landlords["a"], landlords["b"], landlords["c"]
    return {
        "fresh": new_file(a, b, 1, name="Durand", days=2),  # due in 5 days
        "overdue": new_file(a, b, 2, name="Martin", days=10),  # due 3 days ago
        "alert": new_file(a, b, 3, name="Petit", days=40),  # overdue and alert 1
        "instruction": new_file(
            a, b, 4, name="Bernard", days=5, step=Step.INSTRUCTION, pre_instructed_on=TODAY
        ),  # due in 14 days
        "other": new_file(b, c, 5, name="Secret", days=3),  # landlords B and C only
    }


def refs(files):
    return [f.reference for f in files]


def screen_refs(response):
    return [row.file.reference for row in response.context["rows"]]


# --- Search, by each field -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "reference",
        "number",
        "Petit-1",
        "petit",
        "TREF0031",
        "href0030",
        "nur",
        "nur-spaced",
    ],
)
def test_search_by_each_field(listed, agents, text):
    target = listed["alert"]
    party = target.parties.order_by("position").first()
    text = {
        "reference": target.reference,
        "number": str(target.pk),
        "nur": party.nur,
        "nur-spaced": f"{party.nur[:3]} {party.nur[3:5]} {party.nur[5:7]} {party.nur[7:13]} "
        f"{party.nur[13:]}".lower(),
    }.get(text, text)
    found = file_list.search(access.visible_files(agents["a"]), text)
    if text == str(target.pk):  # a bare number is also searched in the references
        assert target.reference in refs(found)
    else:
        assert refs(found) == [target.reference]


def test_search_by_commune_name_and_insee_code(listed, agents):
    visible = access.visible_files(agents["a"])
    name = Commune.objects.get(pk="93048").name
    assert set(refs(file_list.search(visible, name.lower()))) == set(
        refs(visible.filter(pk__in=[f.pk for k, f in listed.items() if k != "other"]))
    )
    assert file_list.search(visible, "93048").count() == 4
    assert file_list.search(visible, "aucun-resultat").count() == 0


# --- Scope, both ways -------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "nur", "reference", "housing"])
def test_search_never_leaks_another_landlords_file(client, listed, agents, amo, field):
    other = listed["other"]
    party = other.parties.order_by("position").first()
    text = {
        "name": "Secret",
        "nur": party.nur,
        "reference": other.reference,
        "housing": party.dwelling_left.housing_reference,
    }[field]
    assert file_list.search(access.visible_files(agents["a"]), text).count() == 0
    for user in (agents["b"], agents["c"], amo):
        assert refs(file_list.search(access.visible_files(user), text)) == [other.reference]
    client.force_login(agents["a"])
    response = client.get("/dossiers/", {"q": text})
    assert response.status_code == 200 and screen_refs(response) == []
    assert other.reference not in response.content.decode().split("<tbody>")[1]
    for fmt in ("csv", "xlsx"):
        body = client.get(f"/dossiers/export.{fmt}", {"q": text, "statut": "tous"})
        assert body.status_code == 200
        assert export_refs(body, fmt) == []
    client.force_login(agents["c"])
    response = client.get("/dossiers/", {"q": text})
    assert screen_refs(response) == [other.reference]
    assert export_refs(client.get("/dossiers/export.csv", {"q": text}), "csv") == [other.reference]


def test_the_full_export_holds_only_the_agents_files(client, listed, agents):
    client.force_login(agents["a"])
    for fmt in ("csv", "xlsx"):
        exported = export_refs(client.get(f"/dossiers/export.{fmt}"), fmt)
        assert listed["other"].reference not in exported
        assert len(exported) == 4


# --- Order ---------------------------------------------------------------------------


def test_default_order_is_overdue_first_then_the_next_due_date(listed, agents):
    files = file_list.ordered(access.visible_files(agents["a"]), TODAY)
    assert refs(files) == refs(
        [listed["alert"], listed["overdue"], listed["fresh"], listed["instruction"]]
    )
    assert [f.overdue for f in files] == [1, 1, 0, 0]


def test_next_due_date_and_what_is_due(listed):
    due = deadlines.next_due(listed["fresh"], TODAY)
    assert due.due == TODAY + dt.timedelta(days=5) and not due.overdue
    assert due.what == "Valider la pré-instruction"
    due = deadlines.next_due(listed["overdue"], TODAY)
    assert due.due == TODAY - dt.timedelta(days=3) and due.overdue
    due = deadlines.next_due(listed["instruction"], TODAY)
    assert due.due == TODAY + dt.timedelta(days=14) and due.what == "Valider l’instruction"
    closed = listed["fresh"]
    closed.step = Step.CLOSED_BY_LANDLORD
    assert deadlines.next_due(closed, TODAY).due is None


def test_the_sql_next_due_date_sorts_like_the_python_one(landlords, agents):
    a, b = landlords["a"], landlords["b"]
    cases = [
        new_file(a, b, 11, days=3),
        new_file(a, b, 12, days=1, step=Step.INSTRUCTION, pre_instructed_on=TODAY),
        new_file(a, b, 13, days=60, step=Step.ATTRIBUTED, attributed_on=TODAY - dt.timedelta(2)),
        new_file(
            a,
            b,
            14,
            days=60,
            step=Step.MOVE_SCHEDULED,
            attributed_on=TODAY - dt.timedelta(30),
            move_date=TODAY + dt.timedelta(days=1),
        ),
        new_file(a, b, 15, days=60, step=Step.CAL_SCHEDULED),
    ]
    files = list(file_list.ordered(ExchangeFile.objects.all(), TODAY, "echeance"))
    dues = [deadlines.next_due(f, TODAY).due for f in files]
    known = [d for d in dues if d is not None]
    assert known == sorted(known) and dues[-1] is None  # no deadline: last
    assert len(files) == len(cases)
    back = list(file_list.ordered(ExchangeFile.objects.all(), TODAY, "echeance", True))
    assert [deadlines.next_due(f, TODAY).due for f in back][:-1] == sorted(known, reverse=True)


@pytest.mark.parametrize(
    "sort, key",
    [
        ("dossier", lambda f: f.pk),
        ("nur", lambda f: (f.nurs_date, f.pk)),
        ("locataire", lambda f: f.parties.order_by("position").first().tenant_name),
        ("echeance", lambda f: deadlines.next_due(f, TODAY).due),
    ],
)
def test_sort_by_each_column_both_ways(client, listed, agents, sort, key):
    client.force_login(agents["a"])
    mine = [f for k, f in listed.items() if k != "other"]
    response = client.get("/dossiers/", {"tri": sort})
    assert screen_refs(response) == refs(sorted(mine, key=key))
    assert response.context["sort_links"][sort]["state"] == "ascending"
    response = client.get("/dossiers/", {"tri": f"-{sort}"})
    assert screen_refs(response) == refs(sorted(mine, key=key, reverse=True))
    assert 'aria-sort="descending"' in response.content.decode()


def test_sort_by_step_and_by_alerts(client, listed, agents):
    client.force_login(agents["a"])
    response = client.get("/dossiers/", {"tri": "-etape"})
    assert screen_refs(response)[0] == listed["instruction"].reference
    response = client.get("/dossiers/", {"tri": "-alertes"})
    assert screen_refs(response)[0] == listed["alert"].reference


# --- Pagination -------------------------------------------------------------------------


def test_pagination_and_pages_out_of_range(client, landlords, agents, settings):
    for n in range(30, 30 + 53):
        new_file(landlords["a"], landlords["b"], n, days=n % 20)
    client.force_login(agents["a"])
    first = client.get("/dossiers/")
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    second = client.get("/dossiers/", {"page": 2})
    assert len(second.context["rows"]) == 3
    assert not set(screen_refs(first)) & set(screen_refs(second))
    for page, number in (("999", 2), ("abc", 1), ("-3", 2), ("0", 2), ("1e9", 1)):
        response = client.get("/dossiers/", {"page": page})
        assert response.status_code == 200 and response.context["page"].number == number
    # The export holds every page, in the screen's order.
    exported = export_refs(client.get("/dossiers/export.csv"), "csv")
    assert exported == screen_refs(first) + screen_refs(second)


# --- Exports ----------------------------------------------------------------------------


def export_refs(response, fmt):
    assert response.status_code == 200
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert lines[0] == list(file_list.EXPORT_HEADER)
        return [line[0] for line in lines[1:]]
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(file_list.EXPORT_HEADER)
    return [line[0] for line in values[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "martin"}, {"tri": "-nur"}, {"alerte": "1"}, {"q": "93048", "tri": "locataire"}],
)
def test_exports_hold_the_same_rows_as_the_screen(client, listed, agents, fmt, params):
    client.force_login(agents["a"])
    screen = screen_refs(client.get("/dossiers/", params))
    response = client.get(f"/dossiers/export.{fmt}", params)
    assert export_refs(response, fmt) == screen
    assert "attachment" in response["Content-Disposition"]


def test_export_columns_and_no_formula_from_a_name(client, landlords, agents):
    new_file(landlords["a"], landlords["b"], 40, name="=HYPERLINK(1)", days=10)
    client.force_login(agents["a"])
    text = client.get("/dossiers/export.csv").content.decode("utf-8-sig")
    line = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    row = dict(zip(file_list.EXPORT_HEADER, line, strict=True))
    assert row["Locataires"].startswith("'=HYPERLINK(1)-1")
    assert row["Délai dépassé"] == "oui"
    assert row["À faire"] == "Valider la pré-instruction"
    assert row["Prochaine échéance"] == (TODAY - dt.timedelta(days=3)).strftime("%d/%m/%Y")


# --- Screen: tenants, due date, pictograms -----------------------------------------------


def test_the_screen_shows_tenants_next_due_and_alert_pictograms(client, listed, agents):
    client.force_login(agents["a"])
    page = client.get("/dossiers/").content.decode()
    assert "Petit-1" in page and "Petit-2" in page
    assert "Valider la pré-instruction" in page
    assert 'class="eh-alert eh-alert-1"' in page and "Pré-instruction en retard" in page
    assert "Secret-1" not in page


def test_each_alert_has_its_own_pictogram(client):
    from django.template.loader import render_to_string

    from bourse.exchanges.alerts import RULES

    drawings = set()
    for alert, rule in RULES.items():
        html = render_to_string(
            "exchanges/includes/alert_badge.html", {"alert": alert, "rule": rule}
        )
        assert str(rule.short) in html and f"eh-alert-{int(alert)}" in html
        drawings.add(html[html.index("<svg") : html.index("</svg>")])
        assert "style=" not in html and "<script" not in html
    assert len(drawings) == 5


# --- Bad parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"tri": "inconnu"}, "Ce tri n’existe pas"),
        ({"tri": "-priorite; DROP TABLE"}, "Ce tri n’existe pas"),
        ({"q": "x" * 500}, "limitée à 100 caractères"),
        ({"statut": "zzz"}, "Un filtre n’est pas valide"),
        ({"alerte": "9"}, "Un filtre n’est pas valide"),
        ({"q": "abc\x00def"}, None),
        ({"q": "%_'\"<script>"}, None),
        ({"q": "DE-2026-99999999999999"}, None),
        ({"page": "NaN", "tri": ""}, None),
    ],
)
def test_bad_parameters_answer_with_the_default_list(client, listed, agents, params, message):
    client.force_login(agents["a"])
    for path in ("/dossiers/", "/dossiers/export.csv", "/dossiers/export.xlsx"):
        response = client.get(path, params)
        assert response.status_code == 200
    response = client.get("/dossiers/", params)
    if message:
        assert message in response.content.decode()
        assert screen_refs(response) == screen_refs(client.get("/dossiers/"))


def test_parse_request():
    assert file_list.parse_request({}).sort == "priorite"
    parsed = file_list.parse_request({"tri": "-echeance", "q": "  Martin "})
    assert (parsed.sort, parsed.descending, parsed.text) == ("echeance", True, "Martin")
    parsed = file_list.parse_request({"tri": "nope"})
    assert parsed.sort == "priorite" and parsed.messages


# --- Queries -----------------------------------------------------------------------------


def test_the_dashboard_queries_do_not_grow_with_the_files(client, landlords, agents):
    client.force_login(agents["a"])
    for n in range(50, 53):
        new_file(landlords["a"], landlords["b"], n)
    client.get("/dossiers/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/dossiers/", {"q": "a"})
    for n in range(53, 65):
        new_file(landlords["a"], landlords["b"], n)
    with CaptureQueriesContext(connection) as more:
        client.get("/dossiers/", {"q": "a"})
    assert len(more) == len(few)
    with CaptureQueriesContext(connection) as export_few:
        client.get("/dossiers/export.xlsx")
    for n in range(65, 70):
        new_file(landlords["a"], landlords["b"], n)
    with CaptureQueriesContext(connection) as export_more:
        client.get("/dossiers/export.xlsx")
    assert len(export_more) == len(export_few)
