import datetime as dt

import pytest

from news.models import NewsIndexPage, NewsPage, NewsTheme, WebinarIndexPage


@pytest.fixture
def news_index(home):
    index = NewsIndexPage(title="Actualités", slug="actualites", intro="Les notes.")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def webinar_index(home):
    index = WebinarIndexPage(title="Webinaires et formations", slug="webinaires")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def themes(db):
    return {
        "evolutions": NewsTheme.objects.create(
            name="Évolutions de la plateforme", slug="evolutions"
        ),
        "reseau": NewsTheme.objects.create(name="Vie du réseau", slug="vie-du-reseau"),
    }


@pytest.fixture
def make_note(news_index):
    counter = {"n": 0}

    def make(title=None, date=dt.date(2021, 6, 4), parent=None, publish=True, **fields):
        counter["n"] += 1
        note = NewsPage(
            title=title or f"Note {counter['n']}",
            slug=f"note-{counter['n']}",
            date=date,
            live=publish,
            **fields,
        )
        (parent or news_index).add_child(instance=note)
        revision = note.save_revision()
        if publish:
            revision.publish()
        return note

    return make
