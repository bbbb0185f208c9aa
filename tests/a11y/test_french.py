"""French typography (issue 19): « 1er », Ko/Mo, « à l’instant »; one test per rule."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from portal.french import elapsed, file_size, french_date


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def test_first_day_of_the_month_is_1er():
    assert french_date(datetime.date(2026, 9, 1)) == "1er septembre 2026"
    assert french_date(datetime.date(2026, 9, 2)) == "2 septembre 2026"
    assert french_date(datetime.date(2026, 9, 1), "d/m/Y") == "01/09/2026"
    html = Template('{% load french %}{{ d|date_fr:"j F Y" }}').render(
        Context({"d": datetime.date(2021, 6, 1)})
    )
    assert html == "1er juin 2021"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 octet"),
        (850, "850 octets"),
        (12_345, "12\xa0Ko"),
        (1_572_864, "1,5\xa0Mo"),
        (1024**3 * 3, "3\xa0Go"),
    ],
)
def test_file_sizes_in_ko_and_mo(size, text):
    assert file_size(size) == text
    assert "Kio" not in file_size(size)


def test_elapsed_time_under_a_minute_is_a_l_instant():
    now = timezone.now()
    assert elapsed(now - datetime.timedelta(seconds=20), now) == "à l’instant"
    assert elapsed(now - datetime.timedelta(minutes=5), now) == "il y a 5\xa0minutes"
    today = datetime.date(2026, 12, 3)
    assert elapsed(today, today) == "aujourd’hui"
    assert elapsed(datetime.date(2026, 11, 30), today) == "il y a 3\xa0jours"
