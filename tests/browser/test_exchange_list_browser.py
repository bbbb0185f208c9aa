"""The agents' list of exchange files at volume (issue 14 C) in a real browser: an agent
searches a file by its NUR, sorts by the next due date, exports the list (CSV and XLSX);
axe-core on the dashboard on a phone (375 px) and a desktop."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from bourse.exchanges.api import open_exchange_file
from bourse.exchanges.models import ExchangeFile
from bourse.models import Landlord, StaffRole
from bourse.permissions import set_staff_role
from tests.axe import assert_no_axe_violations
from tests.browser.signin import fill_sign_in
from tests.browser.test_exchange_browser import dwelling

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mot-de-passe-Agent-1"
TODAY = timezone.localdate()
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(live_server):
    from bourse.territories import ensure_reference_data
    from home.demo import ensure_root

    ensure_root()
    ensure_reference_data()
    User = get_user_model()
    a = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    b = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    c = Landlord.objects.create(name="Créteil Habitat", siret="55208131766522")
    agent = User.objects.create_user("agent-a", email="agent-a@b.example", password=PASSWORD)
    set_staff_role(agent, StaffRole.AGENT, a)
    files = []
    # Days since the NURs: overdue (10, 30), due soon (2, 5), and one of landlords B and C.
    for k, (days, left, right) in enumerate(((2, a, b), (10, a, b), (30, a, b), (5, a, b))):
        specs = []
        for side, (landlord, insee) in enumerate(((left, "93048"), (right, "75111"))):
            n = 10 * k + side
            tenant = User.objects.create_user(f"loc-{n}", email=f"l{n}@l.example", password="x")
            specs.append(
                {
                    "dwelling_left": dwelling(landlord, n, insee),
                    "nur": f"0930626{n:06d}GDPUB",
                    "tenant_user": tenant,
                }
            )
        file = open_exchange_file(specs, None, notify=False)
        ExchangeFile.objects.filter(pk=file.pk).update(nurs_date=TODAY - dt.timedelta(days=days))
        files.append(file)
    other = [
        {
            "dwelling_left": dwelling(landlord, 90 + side, insee),
            "nur": f"0940626{90 + side:06d}GDPUB",
            "tenant_user": User.objects.create_user(f"loc-o{side}", password="x"),
        }
        for side, (landlord, insee) in enumerate(((b, "75111"), (c, "94028")))
    ]
    return {"files": files, "other": open_exchange_file(other, None, notify=False)}


def rows(page):
    return page.locator("table.eh-files tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.reference)"
    )


def test_an_agent_searches_sorts_and_exports_the_list(browser, live_server, world, tmp_path):
    files, other = world["files"], world["other"]
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.set_viewport_size(DESKTOP)
    page.goto("/dossiers/")
    fill_sign_in(page, "agent-a", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossiers d’échange")
    # Default order: the overdue files first (the oldest due date first), then the next due.
    expected = [files[2].reference, files[1].reference, files[3].reference, files[0].reference]
    assert rows(page) == expected
    assert other.reference not in rows(page)
    assert_no_axe_violations(page, "liste des dossiers (bureau)")
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, "liste des dossiers (téléphone, 375 px)")
    page.set_viewport_size(DESKTOP)

    # Search by NUR, typed with spaces.
    search = page.get_by_label("Rechercher un dossier")
    search.fill("093 06 26 000030 gdpub")
    page.get_by_role("button", name="Chercher dans les dossiers").click()
    expect(page.locator("table.eh-files caption")).to_contain_text("1 dossier")
    assert rows(page) == [files[3].reference]
    # Another landlord's file is never found.
    search = page.get_by_label("Rechercher un dossier")
    search.fill(other.parties.first().nur)
    page.get_by_role("button", name="Chercher dans les dossiers").click()
    expect(page.get_by_text("Aucun dossier ne correspond.")).to_be_visible()

    # Sort by the next due date (every file again), then descending.
    page.get_by_label("Rechercher un dossier").fill("")
    page.get_by_role("button", name="Chercher dans les dossiers").click()
    page.get_by_role("link", name="Prochaine échéance").click()
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Prochaine échéance")
    ascending = expected  # here the default order is also the due dates' order
    assert rows(page) == ascending
    page.get_by_role("link", name="Prochaine échéance").click()
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Prochaine échéance")
    assert rows(page) == list(reversed(ascending))
    assert_no_axe_violations(page, "liste triée par échéance")

    # Export what the screen shows.
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter la liste (CSV)").click()
    path = Path(tmp_path) / "dossiers.csv"
    info.value.save_as(path)
    lines = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == rows(page)
    assert re.match(r"dossiers-echange-.*\.csv", info.value.suggested_filename)
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter la liste (Excel)").click()
    path = Path(tmp_path) / "dossiers.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path, read_only=True).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == rows(page)
    context.close()
