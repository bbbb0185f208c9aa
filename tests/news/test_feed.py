"""RSS feed served by the news index at flux/."""

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own output

import pytest
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db


def test_feed_lists_live_public_notes(client, news_index, make_note, themes):
    make_note(
        "Note d’actualités – juin 2021",
        date=dt.date(2021, 6, 4),
        reference="FAB18 – 018a",
        intro="Les nouveautés.",
        theme=themes["evolutions"],
    )
    make_note("Brouillon", publish=False)
    private = make_note("Réservée aux adhérents")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/actualites/flux/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314
    channel = root.find("channel")
    assert channel.findtext("title") == "Actualités Echanger Habiter"
    assert channel.findtext("language") == "fr"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Note d’actualités – juin 2021 (FAB18 – 018a)"
    ]
    assert items[0].findtext("link").startswith("http://")
    assert items[0].findtext("link").endswith("/actualites/note-1/")
    assert items[0].findtext("category") == "Évolutions de la plateforme"
    assert "2021" in items[0].findtext("pubDate")


def test_feed_keeps_the_twenty_latest(client, news_index, make_note):
    for day in range(1, 26):
        make_note(f"Note {day}", date=dt.date(2021, 1, day))
    root = ET.fromstring(client.get("/actualites/flux/").content)  # noqa: S314
    items = root.findall("channel/item")
    assert len(items) == 20
    assert items[0].findtext("title") == "Note 25"


def test_unknown_sub_route_is_404(client, news_index):
    assert client.get("/actualites/inconnu/").status_code == 404


def test_feed_links_start_with_site_url(client, news_index, make_note, settings):
    """Whatever host serves the feed, its links are those of SITE_URL."""
    settings.SITE_URL = "https://portail.example.org"
    make_note("Note de juin")
    response = client.get("/actualites/flux/", HTTP_HOST="localhost")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    assert channel.findtext("link") == "https://portail.example.org/actualites/"
    links = [item.findtext("link") for item in channel.findall("item")]
    guids = [item.findtext("guid") for item in channel.findall("item")]
    assert links == guids == ["https://portail.example.org/actualites/note-1/"]
    assert b'href="https://portail.example.org/actualites/flux/"' in response.content
