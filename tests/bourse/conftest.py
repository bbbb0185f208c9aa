import pytest
from wagtail.models import Site

from home.demo import ensure_root
from home.models import HomePage


@pytest.fixture
def home(db):
    root = ensure_root()
    page = HomePage(title="Accueil", slug="accueil", headline="Échangez votre logement")
    root.add_child(instance=page)
    page.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": page, "site_name": "EH"},
    )
    return page
