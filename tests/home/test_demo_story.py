"""The demo tells one story (issue 19): several years of exchange files so that the
computed « locataires ayant échangé » and the milestone « 1 000 … le 24/04/2021 »
agree; statistics worth reading; self-hosted videos; the members-only note filled."""

import datetime as dt

import pytest
from django.db.models import Count
from wagtail.documents import get_document_model

from bourse.exchanges.demo import MILESTONE_DAY, load_history
from bourse.exchanges.models import ExchangeFile, ExchangeParty, Step
from bourse.stats.figures import tenants_who_exchanged
from bourse.stats.models import MonthlyStat
from home.demo import DEMO_VIDEO, DEMO_VIDEO_TITLE
from home.models import HomePage
from news.models import NewsPage, WebinarPage

pytestmark = pytest.mark.django_db


def test_the_computed_figure_and_the_milestone_agree(client, demo_content):
    assert "1 000 locataires ayant échangé le 24/04/2021" in HomePage.objects.get().milestone_text
    total = tenants_who_exchanged()
    assert 1_075 <= total <= 1_085
    done = ExchangeParty.objects.filter(file__step=Step.DONE)
    assert done.filter(file__completed_on__lt=MILESTONE_DAY).count() < 1_000
    assert done.filter(file__completed_on__lte=MILESTONE_DAY).count() >= 1_000
    html = client.get("/").content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert f"{total // 1000} {total % 1000:03d}" in html


def test_history_since_2019_with_closures_and_realistic_dates(demo_content):
    files = ExchangeFile.objects.all()
    first = files.order_by("nurs_date").first()
    assert first.nurs_date < dt.date(2019, 3, 1)
    steps = dict(files.values_list("step").annotate(n=Count("pk")))
    assert steps[Step.DONE] > 500
    assert all(steps.get(step, 0) > 0 for step in (Step.CLOSED_BY_TENANT, Step.CLOSED_BY_LANDLORD))
    for file in files.filter(step=Step.DONE, completed_on__year__lt=2025)[:50]:
        assert file.nurs_date <= file.pre_instructed_on <= file.instructed_on
        assert file.instructed_on <= file.attributed_on <= file.move_date <= file.completed_on
        assert file.events.filter(action="open").exists()
    # Fictitious households, every name filled, every NUR of the SNE shape.
    parties = ExchangeParty.objects.filter(file__completed_on__year=2020)
    assert parties.exclude(tenant_name="").count() == parties.count() > 100
    assert all(len(nur) == 18 for nur in parties.values_list("nur", flat=True)[:100])
    assert load_history() == 0  # once


def test_statistics_are_worth_reading(client, demo_content):
    months = MonthlyStat.objects.filter(landlord__isnull=True, department="")
    years = {m.year for m in months.values_list("month", flat=True)}
    assert {2019, 2020, 2021} <= years
    assert sum(months.values_list("tenants_exchanged", flat=True)) == tenants_who_exchanged()
    response = client.get("/bourse/statistiques/")
    assert response.status_code == 200
    assert "2019" in response.content.decode()


def test_videos_are_self_hosted_and_small(client, demo_content):
    assert DEMO_VIDEO.stat().st_size < 300 * 1024
    videos = get_document_model().objects.filter(title=DEMO_VIDEO_TITLE)
    assert videos.exists()
    for webinar in WebinarPage.objects.live():
        assert webinar.video_document_id and not webinar.video_url
        html = client.get(webinar.url).content.decode()
        assert "echangerhabiter.example" not in html
        assert "<video" in html
    for page in NewsPage.objects.live():
        assert "echangerhabiter.example" not in str(page.body.raw_data)


def test_the_members_only_note_has_a_body(demo_content):
    note = NewsPage.objects.get(slug="note-adherents-juin-2021")
    text = str(note.body.raw_data)
    assert len(note.body) >= 4
    assert "second contact" in text and "Book de procédures" in text
