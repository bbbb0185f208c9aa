"""Home page key figures computed from the bourse, cached, and correct with the page cache."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bourse.models import Landlord
from bourse.stats import figures
from bourse.stats.compute import recompute_statistics
from home.models import KeyFigure

from .conftest import done

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed_home(home):
    for order, (source, label) in enumerate(
        [
            (figures.TENANTS_EXCHANGED, "locataires ayant échangé"),
            (figures.ACTIVE_LISTINGS, "annonces actives"),
            (figures.MEMBER_LANDLORDS, "bailleurs adhérents"),
        ]
    ):
        KeyFigure.objects.create(page=home, sort_order=order, source=source, label=label)
    KeyFigure.objects.create(page=home, sort_order=9, value="8", label="départements")
    home.milestone_text = "1 000 locataires ayant échangé le 24/04/2021"
    home.save_revision().publish()
    return home


def test_figures_are_computed_from_the_bourse(client, computed_home, landlords):
    done([(landlords["a"], "93048"), (landlords["b"], "75111")], dt.date(2024, 3, 5))
    assert figures.key_figures() == {
        figures.TENANTS_EXCHANGED: 2,
        figures.ACTIVE_LISTINGS: 0,
        figures.MEMBER_LANDLORDS: 3,
    }
    html = client.get("/").content.decode()
    assert '<span class="value">2</span><br><span>locataires ayant échangé</span>' in html
    assert '<span class="value">3</span><br><span>bailleurs adhérents</span>' in html
    assert '<span class="value">8</span><br><span>départements</span>' in html  # typed
    assert "1 000 locataires ayant échangé le 24/04/2021" in html  # the editor's milestone


def test_figures_are_cached_then_refreshed_by_the_nightly_run(
    client, computed_home, landlords, django_assert_num_queries, django_capture_on_commit_callbacks
):
    figures.key_figures()
    with django_assert_num_queries(0):
        figures.key_figures()
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    Landlord.objects.create(name="Bailleur D", siret="40483304800022")
    assert '<span class="value">3</span><br><span>bailleurs' in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        recompute_statistics()  # the nightly task: figures and cached pages dropped
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert '<span class="value">4</span><br><span>bailleurs' in response.content.decode()


def test_a_completed_exchange_shows_at_once(
    client, computed_home, amo, dwellings, tenants, django_capture_on_commit_callbacks
):
    from bourse.exchanges.models import Step
    from tests.exchanges.conftest import advance, open_file

    client.get("/")
    file = open_file(dwellings, tenants, ("a", "b"))
    with django_capture_on_commit_callbacks(execute=True):
        advance(file, Step.DONE, amo)
    assert '<span class="value">2</span><br><span>locataires' in client.get("/").content.decode()


def test_large_figures_are_grouped_the_french_way():
    assert figures.format_figure(1080) == "1\u00a0080"
    assert figures.format_figure(42) == "42"


def test_a_typed_figure_needs_a_value(computed_home):
    with pytest.raises(ValidationError):
        KeyFigure(page=computed_home, label="vide").clean()
    KeyFigure(page=computed_home, label="calculé", source=figures.MEMBER_LANDLORDS).clean()
