import pytest
from wagtail.models import Site

from home.demo import ensure_root
from home.models import HomePage, StandardPage


@pytest.fixture
def home(db):
    """A HomePage under the root, served by the default Site.

    Wagtail's initial migration leaves a root page, a "Welcome" page and a
    default Site pointing to it; the Welcome page stays outside our site.
    """
    root = ensure_root()
    home = HomePage(title="Accueil", slug="accueil", headline="Bienvenue")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def make_page(home):
    """Publish a StandardPage whose body holds ``text``."""

    def make(title, text="", parent=None, intro="", live=True, **fields):
        page = StandardPage(
            title=title,
            intro=intro,
            body=[("paragraph", f"<p>{text}</p>")] if text else [],
            live=live,
            **fields,
        )
        (parent or home).add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        return page

    return make
