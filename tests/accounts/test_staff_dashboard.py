"""The staff dashboard's "À traiter" panel: the AMO's contact inbox, moderation queue
and exchange files; a landlord's own; nothing of another landlord's."""

import re


def todo(html: str) -> dict[str, int]:
    section = html[html.index('id="a-traiter"') : html.index("</section>")]
    return {
        label.strip(): int(count)
        for count, label in re.findall(
            r'display-6">(\d+)</span><span class="d-block">([^<]+)</span>', section
        )
    }


def test_the_amo_sees_its_inbox_moderation_and_files(client, accounts):
    client.force_login(accounts["amo"])
    html = client.get("/bourse/espace-bailleur/").content.decode()
    lines = todo(html)
    assert set(lines) == {
        "Messages de contact à traiter",
        "Annonces à modérer",
        "Messages signalés",
        "Dossiers d’échange en alerte",
        "Dossiers d’échange en cours",
    }
    assert 'href="/admin/messages-de-contact/"' in html
    assert 'href="/dossiers/"' in html


def test_an_agent_sees_its_messages_and_files_but_no_moderation(client, accounts):
    client.force_login(accounts["agent"])
    html = client.get("/bourse/espace-bailleur/").content.decode()
    lines = todo(html)
    assert "Annonces à modérer" not in lines
    assert lines["Dossiers d’échange en cours"] == 0
    assert 'href="/contact/espace-bailleur/"' in html


def test_a_landlord_admin_moderates_its_own_tenants(client, accounts):
    client.force_login(accounts["landlord_admin"])
    lines = todo(client.get("/bourse/espace-bailleur/").content.decode())
    assert "Annonces à modérer" in lines
