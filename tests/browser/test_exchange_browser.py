"""Exchange files in a real browser: two landlords' agents carry a file from its
creation to "exchange done"; a tenant renounces another file. axe-core on the
dashboard, the file page and the tenant's page."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bourse.exchanges.api import open_exchange_file
from bourse.exchanges.models import ExchangeFile, Step
from bourse.models import Commune, Dwelling, Landlord, StaffRole
from bourse.permissions import set_staff_role
from tests.axe import assert_no_axe_violations
from tests.browser.signin import fill_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mot-de-passe-Agent-1"
TODAY = timezone.localdate()


def dwelling(landlord, n, insee):
    return Dwelling.objects.create(
        landlord=landlord,
        housing_reference=f"LOG-{n}",
        address=f"{n} rue Victor Hugo",
        commune=Commune.objects.get(pk=insee),
        typology="T3",
        surface=Decimal("61.0"),
        floor=2,
        lift=True,
        rent=Decimal("470.00"),
        charges=Decimal("90.00"),
        reservataire_kind="commune",
        reservataire_code=insee,
        tenant_reference=f"LOC-{n}",
        tenant_name=f"FAMILLE{n}",
        eligible_flag=True,
        contact1_email=f"gestion{n}@bailleur.example",
        contact2_email=f"cal{n}@bailleur.example",
    )


@pytest.fixture
def world(live_server):
    from bourse.territories import ensure_reference_data
    from home.demo import ensure_root

    ensure_root()
    ensure_reference_data()
    User = get_user_model()
    a = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    b = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    agents = {}
    for key, landlord in (("a", a), ("b", b)):
        user = User.objects.create_user(
            f"agent-{key}", email=f"agent-{key}@bailleur.example", password=PASSWORD
        )
        user.first_name = "Agent"
        user.last_name = landlord.name
        user.save()
        set_staff_role(user, StaffRole.AGENT, landlord)
        agents[key] = user
    tenants = [
        User.objects.create_user(f"locataire-{n}", email=f"l{n}@locataire.example", password="x")
        for n in range(4)
    ]
    files = []
    for pair in ((0, 1), (2, 3)):
        specs = [
            {
                "dwelling_left": dwelling(landlord, n, insee),
                "nur": f"093062600000{n}GDPUB",
                "tenant_user": tenants[n],
            }
            for n, landlord, insee in zip(pair, (a, b), ("93048", "75111"), strict=True)
        ]
        files.append(open_exchange_file(specs, tenants[pair[1]], notify=False))
    return {"agents": agents, "tenants": tenants, "files": files, "url": live_server.url}


def sign_in(browser, url, username):
    context = browser.new_context(base_url=url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/dossiers/")
    fill_sign_in(page, username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossiers d’échange")
    return page


def act(page, button, step_after, confirm=None):
    """Click an action's button; ``confirm`` (an axe-core label): the action asks for a
    confirmation first — check that page, then confirm."""
    page.get_by_role("button", name=button, exact=True).click()
    if confirm:
        expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmer :")
        expect(page.get_by_text("Rien n’est encore enregistré")).to_be_visible()
        assert_no_axe_violations(page, confirm)
        page.get_by_role("button", name=re.compile("^Confirmer :")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    expect(page.locator("#etape-actuelle")).to_have_text(step_after)


@pytest.mark.long
def test_two_agents_carry_a_file_to_the_exchange_done(browser, world):
    file = world["files"][0]
    agent_a = sign_in(browser, world["url"], "agent-a")
    assert_no_axe_violations(agent_a, "tableau de bord des dossiers")
    agent_a.get_by_role("link", name=file.reference).click()
    expect(agent_a.get_by_role("heading", level=1)).to_contain_text(file.reference)
    assert_no_axe_violations(agent_a, "page d’un dossier créé")
    act(agent_a, "Démarrer la pré-instruction", "En pré-instruction")
    # "Annuler l'action" asks first; going back changes nothing.
    agent_a.get_by_role("button", name="Annuler l’action").click()
    expect(agent_a.get_by_text("sera annulée")).to_be_visible()
    assert_no_axe_violations(agent_a, "confirmation : annuler l’action")
    agent_a.get_by_role("link", name="Revenir au dossier sans rien changer").click()
    expect(agent_a.locator("#etape-actuelle")).to_have_text("En pré-instruction")

    agent_b = sign_in(browser, world["url"], "agent-b")
    agent_b.goto(f"/dossiers/{file.pk}/")
    act(agent_b, "Valider la pré-instruction", "En instruction")

    # CAL dates nine days apart are refused, then fixed.
    agent_a.reload()
    first = TODAY  # the CALs meet today: their decisions may be recorded today
    agent_a.get_by_label(re.compile("Date de la CAL — ménage 1")).fill(first.isoformat())
    agent_a.get_by_label(re.compile("Date de la CAL — ménage 2")).fill(
        (first + dt.timedelta(days=9)).isoformat()
    )
    agent_a.get_by_role("button", name="Valider l’instruction et saisir les dates de CAL").click()
    expect(agent_a.get_by_role("alert").first).to_contain_text("9 jours les séparent, 8 au plus")
    assert_no_axe_violations(agent_a, "page d’un dossier avec une erreur de saisie")
    agent_a.get_by_label(re.compile("Date de la CAL — ménage 2")).fill(first.isoformat())
    act(agent_a, "Valider l’instruction et saisir les dates de CAL", "Passage en CAL programmé")

    # Each landlord records its own CAL's decision.
    agent_a.get_by_label("Attribution", exact=True).check()
    act(
        agent_a,
        "Enregistrer la décision",
        "Décisions des CAL en cours",
        confirm="confirmation : décision de la CAL",
    )
    agent_b.reload()
    expect(agent_b.get_by_role("button", name="Enregistrer la décision")).to_have_count(1)
    agent_b.get_by_label("Attribution", exact=True).check()
    act(
        agent_b,
        "Enregistrer la décision",
        "Attribué par les CAL — attente de la période de déménagement",
        confirm="confirmation : dernière décision de la CAL",
    )

    agent_b.get_by_label("Début de la période de déménagement").fill(TODAY.isoformat())
    agent_b.get_by_label("Fin de la période de déménagement").fill(
        (TODAY + dt.timedelta(days=15)).isoformat()
    )
    act(
        agent_b,
        "Saisir la période de déménagement",
        "Période de déménagement saisie — date à fixer",
    )
    agent_a.reload()
    # A move date outside the move period is refused next to its field.
    agent_a.get_by_label("Date de déménagement", exact=True).fill(
        (TODAY + dt.timedelta(days=40)).isoformat()
    )
    agent_a.get_by_role("button", name="Saisir la date de déménagement").click()
    expect(agent_a.locator("#id_set_move_date-date-erreur")).to_contain_text(
        "comprise dans la période"
    )
    assert_no_axe_violations(agent_a, "date de déménagement hors de la période")
    agent_a.get_by_label("Date de déménagement", exact=True).fill(TODAY.isoformat())
    act(agent_a, "Saisir la date de déménagement", "Déménagement programmé")
    assert_no_axe_violations(agent_a, "page d’un dossier au déménagement programmé")

    agent_b.reload()
    agent_b.get_by_label("Quelle est la date de réalisation de l’échange ?").fill(TODAY.isoformat())
    act(
        agent_b,
        "Saisir la date de réalisation de l’échange",
        "Échange réalisé",
        confirm="confirmation : réalisation de l’échange",
    )
    # The move date stays editable after the exchange, but not after the completion.
    agent_b.locator("summary", has_text="Modifier la date de déménagement").click()
    agent_b.get_by_label("Nouvelle date de déménagement").fill(
        (TODAY + dt.timedelta(days=1)).isoformat()
    )
    agent_b.get_by_role("button", name="Modifier la date de déménagement").click()
    expect(agent_b.locator("#id_edit_move_date-date-erreur")).to_contain_text("réalisé le")
    timeline = agent_b.get_by_role("list").filter(has_text="Création du dossier")
    expect(timeline).to_contain_text("Saisir la date de réalisation de l’échange")
    expect(timeline).not_to_contain_text("Modifier la date de déménagement")
    assert_no_axe_violations(agent_b, "page d’un échange réalisé")
    with agent_b.expect_download() as download:
        agent_b.get_by_role("link", name="Télécharger l’accord d’échange (PDF)").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    file.refresh_from_db()
    assert file.step == Step.DONE and file.completed_on == TODAY
    actors = list(file.events.order_by("at", "pk").values_list("actor__username", flat=True))
    assert {"agent-a", "agent-b"} <= set(actors)

    agent_a.goto("/dossiers/?statut=realises")
    expect(agent_a.get_by_role("link", name=file.reference)).to_be_visible()
    assert_no_axe_violations(agent_a, "tableau de bord filtré")


def test_a_tenant_renounces_their_file(browser, world):
    file = world["files"][1]
    tenant = world["tenants"][2]
    client = Client()
    client.force_login(tenant)
    context = browser.new_context(base_url=world["url"], locale="fr-FR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": world["url"]}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/dossiers/mes-dossiers/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(file.reference)
    expect(page.get_by_text("pré-instruisent votre dossier")).to_be_visible()
    assert_no_axe_violations(page, "dossier vu par le locataire")

    page.get_by_role("button", name="Renoncer à l’échange").click()
    expect(page.get_by_role("alert")).to_contain_text("Le motif est obligatoire.")
    assert_no_axe_violations(page, "renonciation sans motif")
    page.get_by_label("Motif").fill("Nous avons trouvé une autre solution.")
    page.get_by_role("button", name="Renoncer à l’échange").click()
    # Nothing happens before the tenant confirms.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmer :")
    expect(page.get_by_text("Vous renoncez à l’échange")).to_be_visible()
    assert_no_axe_violations(page, "confirmation : renoncer à l’échange")
    assert ExchangeFile.objects.get(pk=file.pk).step == Step.CREATED
    page.get_by_role("button", name="Confirmer : Renoncer à l’échange").click()
    expect(page.get_by_role("status")).to_contain_text("Vous avez renoncé à l’échange")
    expect(page.get_by_role("button", name="Renoncer à l’échange")).to_have_count(0)
    file.refresh_from_db()
    assert file.step == Step.CLOSED_BY_TENANT
    assert file.closure_reason == "Nous avons trouvé une autre solution."
    assert ExchangeFile.objects.get(pk=world["files"][0].pk).step == Step.CREATED
    context.close()


def test_closing_and_reopening_are_confirmed_first(browser, world):
    file = world["files"][1]
    agent_a = sign_in(browser, world["url"], "agent-a")
    agent_a.goto(f"/dossiers/{file.pk}/")
    agent_a.locator("summary", has_text="Clôturer le dossier").click()
    agent_a.get_by_label("Motif", exact=True).fill("Le ménage a obtenu une mutation interne.")
    agent_a.get_by_role("button", name="Clôturer le dossier").click()
    expect(agent_a.get_by_text("sera clos à l’étape « Créé — NUR transmis »")).to_be_visible()
    assert ExchangeFile.objects.get(pk=file.pk).step == Step.CREATED
    act(agent_a, "Confirmer : Clôturer le dossier", "Clos par un bailleur")
    agent_a.get_by_role("button", name="Réactiver le dossier").click()
    expect(agent_a.get_by_text("il reviendra à l’étape « Créé — NUR transmis »")).to_be_visible()
    assert_no_axe_violations(agent_a, "confirmation : réactiver le dossier")
    act(agent_a, "Confirmer : Réactiver le dossier", "Créé — NUR transmis")
    agent_a.locator("summary", has_text="Clôturer le dossier").click()
    agent_a.get_by_label("Motif", exact=True).fill("Doublon.")
    act(
        agent_a,
        "Clôturer le dossier",
        "Clos par un bailleur",
        confirm="confirmation : clôturer le dossier",
    )
    assert ExchangeFile.objects.get(pk=file.pk).events.filter(action="reopen").count() == 1
