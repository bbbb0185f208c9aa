"""The accessibility statement says what the audit found (issue 19)."""

import pytest

from home.accessibility_statement import AUDIT, compliance_rate

pytestmark = pytest.mark.django_db


def test_the_rate_is_computed_from_the_audit():
    met, applicable, rate = compliance_rate()
    assert applicable == len([row for row in AUDIT if row[2] != "NA"])
    assert met == len([row for row in AUDIT if row[2] == "C"])
    assert rate == round(100 * met / applicable)


def test_the_statement_page_has_every_part_rgaa_asks_for(client, demo_content):
    html = client.get("/accessibilite/").content.decode()
    rate = compliance_rate()[2]
    for text in (
        "partiellement conforme",
        f"{rate} %",
        "Contenus non accessibles",
        "Contenus non soumis",
        "Établissement de cette déclaration",
        "Défenseur des droits",
        "Schéma pluriannuel",
        "Pas encore vérifiés".lower(),
    ):
        assert text in html, text
