"""Every role on every space, both ways: what it may open (200) and what it may not
(a French 403, or for the Wagtail admin a redirect to the sign-in page that says so)."""

import pytest

SPACES = {
    "tenant": "/locataire/",
    "staff": "/bourse/espace-bailleur/",
    "files": "/dossiers/",
    "partner": "/bourse/espace-partenaire/",
    "admin": "/admin/",
}
MAY_OPEN = {
    "tenant": {"tenant"},
    "agent": {"staff", "files"},
    "landlord_admin": {"staff", "files"},
    "amo": {"staff", "files", "partner", "admin"},
    "partner": {"partner"},
    "editor": {"admin"},
    "member": set(),
    "superuser": {"staff", "files", "partner", "admin"},
}


@pytest.mark.parametrize("role", sorted(MAY_OPEN))
def test_every_role_on_every_space(client, accounts, role):
    client.force_login(accounts[role])
    for space, path in SPACES.items():
        response = client.get(path)
        if space in MAY_OPEN[role]:
            assert response.status_code == 200, (role, path)
        elif space == "admin":
            assert response.status_code == 302, (role, path)
            assert response["Location"].startswith("/connexion/?next=/admin/")
            denied = client.get(response["Location"])
            assert "ce compte n’a pas accès à la page demandée" in denied.content.decode()
        else:
            assert response.status_code == 403, (role, path)
            assert "Accès refusé" in response.content.decode() or "réservé" in (
                response.content.decode()
            ), (role, path)


@pytest.mark.parametrize("role", sorted(MAY_OPEN))
def test_the_header_lists_exactly_the_spaces_the_account_may_open(client, accounts, role, home):
    client.force_login(accounts[role])
    html = client.get("/").content.decode()
    menu = html[html.index('id="menu-compte"') : html.index("Se déconnecter")]
    for space in ("tenant", "staff", "partner", "admin"):
        assert (f'href="{SPACES[space]}"' in menu) is (space in MAY_OPEN[role]), (role, space)
