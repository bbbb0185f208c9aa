"""Webinars and trainings: duration required and always shown, video."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from news.models import WebinarPage

pytestmark = pytest.mark.django_db


def make_webinar(index, title="Formation des bailleurs n°1", **fields):
    values = {
        "date": dt.date(2021, 2, 23),
        "landlords": "PARIS HABITAT\nELOGIE-SIEMP\nBATIGERE",
        "participants": 14,
        "video_url": "https://tube.example.org/w/4sXm2kQpZr8aNb1cD3eF5g",
        "duration": 65,
    }
    values.update(fields)
    webinar = WebinarPage(title=title, slug=slugify(title), **values)
    index.add_child(instance=webinar)
    webinar.save_revision().publish()
    return webinar


def test_duration_is_required(webinar_index):
    webinar = WebinarPage(title="Sans durée", slug="sans-duree", date=dt.date(2021, 2, 2))
    with pytest.raises(ValidationError) as error:
        webinar.full_clean(exclude=["path", "depth"])
    assert "duration" in error.value.message_dict


def test_bad_video_url_is_refused(webinar_index):
    webinar = WebinarPage(title="X", slug="x", duration=30, video_url="https://example.com/v")
    with pytest.raises(ValidationError) as error:
        webinar.full_clean(exclude=["path", "depth"])
    assert "video_url" in error.value.message_dict


def test_index_lists_webinars_by_date_with_durations(client, webinar_index):
    make_webinar(
        webinar_index, "Formation A", date=dt.date(2021, 2, 9), duration=45, participants=1
    )
    make_webinar(webinar_index, "Formation B", date=dt.date(2021, 2, 23), duration=65)
    response = client.get(webinar_index.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert [w.title for w in response.context["webinars"]] == ["Formation B", "Formation A"]
    assert "Durée : 1 h 05" in html and "Durée : 45 min" in html
    assert "1 participant" in html and "14 participants" in html
    assert "PARIS HABITAT – ELOGIE-SIEMP – BATIGERE" in html


def test_detail_shows_duration_landlords_and_privacy_friendly_video(client, webinar_index):
    webinar = make_webinar(webinar_index)
    html = client.get(webinar.url).content.decode()
    assert "Durée : 1 h 05" in html
    assert "<li>ELOGIE-SIEMP</li>" in html
    assert "14 participants" in html
    assert (
        'src="https://tube.example.org/videos/embed/4sXm2kQpZr8aNb1cD3eF5g?warningTitle=0&amp;p2p=0"'
        in html
    )
    assert html.count("<h1") == 1


def test_detail_without_video_still_shows_duration(client, webinar_index):
    webinar = make_webinar(webinar_index, video_url="", duration=90)
    html = client.get(webinar.url).content.decode()
    assert "Durée : 1 h 30" in html
    assert "<iframe" not in html
