"""Demo news notes (filled from the June 2021 seed)."""

from home.demo import get_or_create_child

from .models import NewsIndexPage


def load(home):
    return get_or_create_child(
        home, NewsIndexPage, "actualites", title="Actualités",
        intro="Les notes d’actualités du GIE Echanger Habiter.",
    )
