"""The scrolling banner rule: current / expired / future messages and order."""

import datetime as dt

import pytest
from django.utils import timezone

from home.banner import current_banner_messages, seconds_until_next_banner_change
from home.models import BannerMessage

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def make(text, start_delta, end_delta=None, order=0):
    return BannerMessage.objects.create(
        text=text,
        starts_at=NOW + dt.timedelta(hours=start_delta),
        ends_at=None if end_delta is None else NOW + dt.timedelta(hours=end_delta),
        sort_order=order,
    )


def texts(now=NOW):
    return [m["text"] for m in current_banner_messages(now)]


def test_only_current_messages_show():
    make("en cours", -1, 1)
    make("expiré", -10, -1)
    make("futur", 1, 10)
    make("sans fin", -1)
    assert texts() == ["en cours", "sans fin"] or sorted(texts()) == ["en cours", "sans fin"]


def test_messages_follow_editor_order():
    make("troisième", -1, order=3)
    make("premier", -1, order=1)
    make("deuxième", -2, order=2)
    assert texts() == ["premier", "deuxième", "troisième"]


def test_start_is_inclusive_and_end_exclusive():
    message = make("bornes", 0, 2)
    assert texts(message.starts_at) == ["bornes"]
    assert texts(message.ends_at) == []
    assert texts(message.ends_at - dt.timedelta(microseconds=1)) == ["bornes"]


def test_future_message_appears_when_its_time_comes_even_if_cached():
    make("bientôt", 1, 2)
    assert texts() == []  # the list is now cached
    assert texts(NOW + dt.timedelta(hours=1, minutes=1)) == ["bientôt"]
    assert texts(NOW + dt.timedelta(hours=3)) == []


def test_saving_a_message_clears_the_cache():
    assert texts() == []
    make("nouveau", -1)
    assert texts() == ["nouveau"]
    BannerMessage.objects.update(text="ignored by signals")  # queryset update: no signal
    message = BannerMessage.objects.get()
    message.text = "modifié"
    message.save()
    assert texts() == ["modifié"]
    message.delete()
    assert texts() == []


def test_seconds_until_next_change():
    assert seconds_until_next_banner_change(NOW) == 24 * 3600
    make("futur", 2, 5)
    assert 7190 <= seconds_until_next_banner_change(NOW) <= 7200
    make("en cours", -1, 1)
    assert 3590 <= seconds_until_next_banner_change(NOW) <= 3600


def test_end_must_follow_start():
    from django.core.exceptions import ValidationError

    message = BannerMessage(text="x", starts_at=NOW, ends_at=NOW - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        message.full_clean()
    assert "fin d’affichage" in str(error.value)


def test_banner_shows_on_every_page_with_pause_control(client, home):
    make("Panne chez un bailleur", -1, 1)
    make("Message expiré", -5, -1)
    response = client.get("/")
    html = response.content.decode()
    assert "Panne chez un bailleur" in html
    assert "Message expiré" not in html
    assert "Mettre en pause le défilement" in html
    assert client.get("/introuvable/").status_code == 404
    assert "Panne chez un bailleur" in client.get("/introuvable/").content.decode()
