"""The privacy notice shows the retention table from the code (issue 18): the
editors' standard page holds a « Durées de conservation » block drawn by
``bourse.privacy``; the demo's notice explains the tenants' rights and whom to
contact."""

import pytest
from django.test import override_settings

from home.demo import PRIVACY_BODY, PRIVACY_SLUG, update_privacy_page
from home.models import StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(home):
    page = StandardPage(
        slug=PRIVACY_SLUG, title="Données personnelles", intro="RGPD", body=PRIVACY_BODY
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_notice_shows_the_table_the_code_applies(client, notice):
    with override_settings(RETENTION_CONTACT_MESSAGE_MONTHS=7):
        html = client.get(notice.url).content.decode()
    assert "Durées de conservation des données personnelles" in html
    assert "Messages du formulaire de contact et leurs pièces jointes" in html
    assert "7 mois" in html  # the setting, not a copy typed by an editor
    assert "5 ans" in html
    assert "Télécharger mes données" in html and "Supprimer mon compte" in html
    assert "formulaire de contact" in html


def test_an_older_demo_notice_gets_the_table_once(home):
    page = StandardPage(slug=PRIVACY_SLUG, title="Données personnelles", body=[])
    home.add_child(instance=page)
    page.save_revision().publish()
    update_privacy_page(home)
    page.refresh_from_db()
    assert [b.block_type for b in page.body].count("retention_table") == 1
    revisions = page.revisions.count()
    update_privacy_page(home)
    assert page.revisions.count() == revisions
