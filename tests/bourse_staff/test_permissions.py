"""Permissions both ways: who sees and does what in the staff area."""

import pytest
from django.contrib.auth.models import Group

from bourse import permissions
from bourse.factories import StaffFactory
from bourse.models import Dwelling, PatrimoineImport, Position, Reservataire, StaffRole
from bourse.permissions import ROLE_GROUPS, set_staff_role

from .conftest import row

STAFF_URLS = [
    "/bourse/espace-bailleur/",
    "/bourse/espace-bailleur/imports/",
    "/bourse/espace-bailleur/imports/nouveau/",
    "/bourse/espace-bailleur/patrimoine/",
    "/bourse/espace-bailleur/patrimoine/export.csv",
    "/bourse/espace-bailleur/organisation/",
    "/bourse/espace-bailleur/agents/",
    "/bourse/espace-bailleur/agents/nouveau/",
    "/bourse/espace-bailleur/collectivites/",
]


@pytest.fixture
def import_b(client, admin_b, upload, landlord_b):
    client.force_login(admin_b)
    upload([row(1), row(2, code_insee="99999")])
    client.logout()
    imp = PatrimoineImport.objects.get(landlord=landlord_b)
    assert imp.status == "done" and imp.report
    return imp


@pytest.mark.parametrize("url", STAFF_URLS)
def test_anonymous_visitors_are_sent_to_the_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("who", ["partner", "plain_user"])
@pytest.mark.parametrize("url", STAFF_URLS)
def test_partners_and_plain_users_see_no_staff_screen(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert "no-cache" in response.get("Cache-Control", "") or "max-age=0" in response.get(
        "Cache-Control", ""
    )


def test_staff_sign_in_lands_on_the_dashboard(client, admin_a):
    response = client.post(
        "/connexion/",
        {"username": "admin-a", "password": "Mot-de-passe-1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/bourse/espace-bailleur/"
    assert "Seine-Saint-Denis Habitat" in response.content.decode()


def test_wrong_password_gets_a_french_message(client, admin_a):
    response = client.post("/connexion/", {"username": "admin-a", "password": "non"})
    assert response.status_code == 200
    assert (
        "Identifiant, adresse électronique ou mot de passe incorrect" in response.content.decode()
    )


@pytest.mark.parametrize(
    "suffix", ["", "etat/", "rapport/", "fichier/"], ids=["detail", "state", "report", "file"]
)
def test_an_agent_cannot_read_another_landlords_import(client, agent_a, import_b, suffix):
    client.force_login(agent_a)
    response = client.get(f"/bourse/espace-bailleur/imports/{import_b.pk}/{suffix}")
    assert response.status_code == 404


def test_the_other_landlords_staff_can_read_it(client, admin_b, import_b):
    client.force_login(admin_b)
    for suffix in ["", "etat/", "rapport/", "fichier/"]:
        response = client.get(f"/bourse/espace-bailleur/imports/{import_b.pk}/{suffix}")
        assert response.status_code == 200, suffix


def test_an_agent_cannot_apply_another_landlords_dry_run(client, agent_a, import_b):
    PatrimoineImport.objects.filter(pk=import_b.pk).update(dry_run=True)
    client.force_login(agent_a)
    response = client.post(f"/bourse/espace-bailleur/imports/{import_b.pk}/appliquer/")
    assert response.status_code == 404
    assert PatrimoineImport.objects.count() == 1


def test_an_agent_cannot_import_into_another_landlord_by_form_tampering(
    client, agent_a, landlord_a, landlord_b, upload
):
    client.force_login(agent_a)
    response = upload([row(1)], landlord=landlord_b)
    assert response.status_code == 302
    imp = PatrimoineImport.objects.get()
    assert imp.landlord == landlord_a
    assert not Dwelling.objects.filter(landlord=landlord_b).exists()
    assert Dwelling.objects.filter(landlord=landlord_a).count() == 1


def test_another_landlord_in_the_query_string_is_refused(client, agent_a, landlord_b, import_b):
    client.force_login(agent_a)
    for url in [
        "/bourse/espace-bailleur/",
        "/bourse/espace-bailleur/patrimoine/",
        "/bourse/espace-bailleur/patrimoine/export.csv",
        "/bourse/espace-bailleur/imports/",
    ]:
        response = client.get(url, {"bailleur": landlord_b.pk})
        assert response.status_code == 403, url


def test_an_agent_sees_only_their_landlords_dwellings_and_imports(
    client, agent_a, admin_a, upload, import_b
):
    client.force_login(admin_a)
    upload([row(10)])
    client.force_login(agent_a)
    html = client.get("/bourse/espace-bailleur/patrimoine/").content.decode()
    assert "LOG-10" in html and "LOG-1<" not in html
    imports = client.get("/bourse/espace-bailleur/imports/").content.decode()
    assert f"/imports/{import_b.pk}/" not in imports
    export = b"".join(client.get("/bourse/espace-bailleur/patrimoine/export.csv").streaming_content)
    assert b"LOG-10" in export and b"LOG-1;" not in export


def test_the_super_admin_sees_every_landlord(client, amo, import_b, landlord_b):
    client.force_login(amo)
    assert client.get(f"/bourse/espace-bailleur/imports/{import_b.pk}/").status_code == 200
    html = client.get("/bourse/espace-bailleur/patrimoine/").content.decode()
    assert "LOG-1" in html and "Paris Habitat" in html
    response = client.get(
        "/bourse/espace-bailleur/patrimoine/export.csv", {"bailleur": landlord_b.pk}
    )
    assert response.status_code == 200


def test_visible_landlords(admin_a, agent_b, amo, partner, landlord_a, landlord_b):
    assert list(permissions.visible_landlords(admin_a)) == [landlord_a]
    assert list(permissions.visible_landlords(agent_b)) == [landlord_b]
    assert set(permissions.visible_landlords(amo)) == {landlord_a, landlord_b}
    assert not permissions.visible_landlords(partner).exists()
    assert permissions.can_import(admin_a, landlord_a)
    assert not permissions.can_import(admin_a, landlord_b)
    assert permissions.can_import(amo, landlord_b)
    assert not permissions.can_import(partner, landlord_a)


# --- Agents ---------------------------------------------------------------------------


def test_a_landlord_admin_creates_an_agent_of_their_landlord(
    client, admin_a, landlord_a, landlord_b
):
    client.force_login(admin_a)
    response = client.post(
        "/bourse/espace-bailleur/agents/nouveau/",
        {
            "username": "nouvel.agent",
            "first_name": "Nina",
            "last_name": "Nouvel",
            "email": "nina@example.org",
            "landlord": landlord_b.pk,  # tampering: ignored
            "role": "landlord_admin",  # tampering: ignored
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mot de passe initial" in html
    password = response.context["password"]
    profile = response.context["account"].staff_profile
    assert profile.landlord == landlord_a and profile.role == StaffRole.AGENT
    assert response.context["account"].groups.filter(name="Agents bailleur").exists()
    client.logout()
    assert client.login(username="nouvel.agent", password=password)


def test_agent_form_errors_are_french_and_keep_the_values(client, admin_a, agent_a):
    client.force_login(admin_a)
    response = client.post(
        "/bourse/espace-bailleur/agents/nouveau/",
        {"username": "agent-a", "first_name": "Jo", "last_name": "", "email": "pas-une-adresse"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cet identifiant est déjà utilisé." in html
    assert "Indiquez une adresse e-mail valide." in html
    assert "Champ requis." in html
    assert 'value="Jo"' in html and 'value="pas-une-adresse"' in html


def test_a_landlord_admin_deactivates_and_reactivates_their_own_agents_only(
    client, admin_a, agent_a, agent_b, landlord_a
):
    client.force_login(admin_a)
    response = client.post(f"/bourse/espace-bailleur/agents/{agent_a.pk}/desactiver/")
    assert response.status_code == 302
    agent_a.refresh_from_db()
    assert not agent_a.is_active
    client.post(f"/bourse/espace-bailleur/agents/{agent_a.pk}/reactiver/")
    agent_a.refresh_from_db()
    assert agent_a.is_active
    response = client.post(f"/bourse/espace-bailleur/agents/{agent_b.pk}/desactiver/")
    assert response.status_code == 404
    agent_b.refresh_from_db()
    assert agent_b.is_active
    other_admin = StaffFactory(
        username="admin-a2",
        role=StaffRole.LANDLORD_ADMIN,
        landlord=landlord_a,
        email="admin-a2@example.org",
        first_name="",
    )
    response = client.post(f"/bourse/espace-bailleur/agents/{other_admin.pk}/desactiver/")
    assert response.status_code == 403
    response = client.post(f"/bourse/espace-bailleur/agents/{admin_a.pk}/desactiver/")
    assert response.status_code == 403


def test_a_deactivated_agent_cannot_sign_in(client, admin_a, agent_a):
    client.force_login(admin_a)
    client.post(f"/bourse/espace-bailleur/agents/{agent_a.pk}/desactiver/")
    client.logout()
    assert not client.login(username="agent-a", password="Mot-de-passe-1")


def test_an_agent_cannot_manage_agents(client, agent_a, admin_a):
    client.force_login(agent_a)
    assert client.get("/bourse/espace-bailleur/agents/").status_code == 403
    response = client.post(
        "/bourse/espace-bailleur/agents/nouveau/",
        {"username": "x", "first_name": "x", "last_name": "x", "email": "x@example.org"},
    )
    assert response.status_code == 403
    assert not type(agent_a).objects.filter(username="x").exists()
    other = StaffFactory(
        username="agent-a2",
        role=StaffRole.AGENT,
        landlord=admin_a.staff_profile.landlord,
        email="agent-a2@example.org",
        first_name="",
    )
    assert client.post(f"/bourse/espace-bailleur/agents/{other.pk}/desactiver/").status_code == 403
    other.refresh_from_db()
    assert other.is_active


# --- Organisation ---------------------------------------------------------------------


def test_a_landlord_admin_edits_their_organisation(client, admin_a, landlord_a, landlord_b):
    client.force_login(admin_a)
    data = {
        "siret": "732 829 320 00074",
        "website": "https://www.example.org",
        "contact_email": "echanges@ssdh.example",
        "handling": "Un référent par dossier.\nCAL chaque semaine.",
    }
    response = client.post("/bourse/espace-bailleur/organisation/", data)
    assert response.status_code == 302
    landlord_a.refresh_from_db()
    assert landlord_a.contact_email == "echanges@ssdh.example"
    assert landlord_a.handling_text == "<p>Un référent par dossier.</p><p>CAL chaque semaine.</p>"
    response = client.post(
        "/bourse/espace-bailleur/organisation/", {**data, "bailleur": landlord_b.pk}
    )
    assert response.status_code == 403


def test_organisation_errors_keep_the_values(client, admin_a):
    client.force_login(admin_a)
    response = client.post(
        "/bourse/espace-bailleur/organisation/",
        {"siret": "12345678901234", "website": "pas une url", "contact_email": "x@example.org"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce numéro SIRET n’est pas valide" in html
    assert "Indiquez une adresse web complète" in html
    assert 'value="x@example.org"' in html


def test_help_images_are_uploaded_as_wagtail_images(client, admin_a, landlord_a):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def png(name):
        out = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(out, "PNG")
        return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")

    client.force_login(admin_a)
    response = client.post(
        "/bourse/espace-bailleur/organisation/",
        {
            "siret": landlord_a.siret,
            "tenant_help_upload": png("avis-locataire.png"),
            "housing_help_upload": png("avis-logement.png"),
            "logo_upload": png("logo.png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    landlord_a.refresh_from_db()
    assert landlord_a.tenant_reference_help_image.width == 40
    assert landlord_a.housing_reference_help_image is not None
    assert landlord_a.logo is not None
    assert client.get("/bourse/espace-bailleur/organisation/").status_code == 200


def test_an_agent_cannot_edit_the_organisation(client, agent_a):
    client.force_login(agent_a)
    assert client.get("/bourse/espace-bailleur/organisation/").status_code == 403


# --- Positions ------------------------------------------------------------------------


@pytest.fixture
def montreuil(db):
    return Reservataire.objects.create(kind="commune", code="93048", name="Montreuil")


def test_only_the_super_admin_edits_positions(client, admin_a, agent_a, amo, montreuil):
    data = {"position": Position.OPPOSITION, "position_date": "2024-01-15", "note": "Courrier"}
    url = f"/bourse/espace-bailleur/collectivites/{montreuil.pk}/modifier/"
    for user in (admin_a, agent_a):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
        html = client.get("/bourse/espace-bailleur/collectivites/").content.decode()
        assert "Montreuil" in html and url not in html
    montreuil.refresh_from_db()
    assert montreuil.position == Position.NOT_POSITIONED
    client.force_login(amo)
    response = client.post(url, data)
    assert response.status_code == 302
    montreuil.refresh_from_db()
    assert montreuil.position == Position.OPPOSITION
    assert montreuil.updated_by == amo
    assert str(montreuil.position_date) == "2024-01-15"


def test_the_super_admin_adds_a_reservataire_from_the_reference_data(client, amo):
    client.force_login(amo)
    response = client.post(
        "/bourse/espace-bailleur/collectivites/nouveau/",
        {"kind": "epci", "code": "200056232", "position": Position.ADHESION},
    )
    assert response.status_code == 302
    epci = Reservataire.objects.get(kind="epci", code="200056232")
    assert "Paris-Saclay" in epci.name and epci.position_date is not None
    response = client.post(
        "/bourse/espace-bailleur/collectivites/nouveau/",
        {"kind": "commune", "code": "12345", "position": Position.ADHESION},
    )
    assert "Indiquez le code INSEE d’une commune d’Île-de-France." in response.content.decode()


def test_reservataires_filters(client, agent_a, montreuil):
    Reservataire.objects.create(kind="commune", code="92051", name="Neuilly", position="opposition")
    Reservataire.objects.create(kind="etat", code="", name="État", position="adhesion")
    client.force_login(agent_a)
    page = client.get("/bourse/espace-bailleur/collectivites/", {"position": "opposition"})
    names = [r.name for r in page.context["page"].object_list]
    assert names == ["Neuilly"]
    page = client.get("/bourse/espace-bailleur/collectivites/", {"department": "93"})
    assert [r.name for r in page.context["page"].object_list] == ["Montreuil"]
    page = client.get("/bourse/espace-bailleur/collectivites/", {"kind": "etat"})
    assert [r.name for r in page.context["page"].object_list] == ["État"]


def test_positions_show_on_the_dwellings_list_without_n_plus_one(
    client, admin_a, upload, montreuil, django_assert_max_num_queries
):
    client.force_login(admin_a)
    upload([row(n) for n in range(1, 31)])
    Reservataire.objects.filter(pk=montreuil.pk).update(position=Position.OPPOSITION)
    with django_assert_max_num_queries(14):
        response = client.get("/bourse/espace-bailleur/patrimoine/")
    html = response.content.decode()
    assert html.count("Opposition") >= 30
    dwellings = response.context["page"].object_list
    assert all(not d.eligible_now for d in dwellings)
    response = client.get("/bourse/espace-bailleur/patrimoine/", {"eligible": "non"})
    assert response.context["page"].paginator.count == 30
    response = client.get("/bourse/espace-bailleur/patrimoine/", {"eligible": "oui"})
    assert response.context["page"].paginator.count == 0


# --- Groups ---------------------------------------------------------------------------


def test_roles_put_users_in_the_matching_group_only(db, landlord_a):
    user = StaffFactory(
        username="u",
        role=StaffRole.AGENT,
        landlord=landlord_a,
        email="u@example.org",
        first_name="",
    )
    assert set(user.groups.values_list("name", flat=True)) == {"Agents bailleur"}
    assert user.has_perm("bourse.add_patrimoineimport")
    assert not user.has_perm("bourse.add_staffprofile")
    set_staff_role(user, StaffRole.LANDLORD_ADMIN, landlord_a)
    assert set(user.groups.values_list("name", flat=True)) == {"Administrateurs bailleur"}
    assert user.has_perm("bourse.add_staffprofile")
    with pytest.raises(ValueError):
        set_staff_role(user, StaffRole.PARTNER)  # a partner belongs to a reservataire
    state = Reservataire.objects.create(kind="etat", name="État")
    set_staff_role(user, StaffRole.PARTNER, landlord_a, state)
    user.staff_profile.refresh_from_db()
    assert user.staff_profile.landlord is None
    assert user.staff_profile.reservataire == state
    assert set(user.groups.values_list("name", flat=True)) == {"Partenaires"}
    set_staff_role(user, StaffRole.AGENT, landlord_a)
    user.staff_profile.refresh_from_db()
    assert user.staff_profile.reservataire is None
    with pytest.raises(ValueError):
        set_staff_role(user, StaffRole.AGENT, None)


def test_the_groups_migration_created_every_role_group(db):
    for name in [*ROLE_GROUPS.values(), "Editors"]:
        assert Group.objects.filter(name=name).exists(), name
    amo = Group.objects.get(name="Super administrateurs (AMO)")
    assert amo.permissions.filter(codename="change_reservataire").exists()
    assert amo.permissions.filter(codename="access_admin").exists()
    admins = Group.objects.get(name="Administrateurs bailleur")
    assert not admins.permissions.filter(codename="change_reservataire").exists()
    assert admins.permissions.filter(codename="change_landlord").exists()


def test_the_groups_migration_is_idempotent(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("bourse.migrations.0005_staff_groups")
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    migration.create_groups(apps, None)
    migration.create_groups(apps, None)
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_staff_change_their_password(client, agent_a):
    client.force_login(agent_a)
    response = client.post(
        "/bourse/espace-bailleur/mot-de-passe/",
        {
            "old_password": "Mot-de-passe-1",
            "new_password1": "Un-nouveau-mot-2026",
            "new_password2": "Un-nouveau-mot-2026",
        },
    )
    assert response.status_code == 302
    agent_a.refresh_from_db()
    assert agent_a.check_password("Un-nouveau-mot-2026")


def test_partners_cannot_reach_the_password_page_of_the_staff_area(client, partner):
    client.force_login(partner)
    assert client.get("/bourse/espace-bailleur/mot-de-passe/").status_code == 403


def test_the_super_admin_screens(client, amo, admin_a, agent_b, landlord_a, landlord_b, import_b):
    client.force_login(amo)
    html = client.get("/bourse/espace-bailleur/").content.decode()
    assert "Tableau de bord du super administrateur" in html
    assert "Seine-Saint-Denis Habitat" in html and "Paris Habitat" in html
    assert client.get("/bourse/espace-bailleur/", {"bailleur": landlord_b.pk}).context["counts"]
    html = client.get("/bourse/espace-bailleur/imports/").content.decode()
    assert f"/imports/{import_b.pk}/" in html
    html = client.get("/bourse/espace-bailleur/agents/").content.decode()
    assert "admin-a" in html and "agent-b" in html
    assert (
        client.get("/bourse/espace-bailleur/organisation/", {"bailleur": landlord_b.pk}).status_code
        == 200
    )
    response = client.post(
        "/bourse/espace-bailleur/agents/nouveau/",
        {
            "username": "admin-b2",
            "first_name": "Bea",
            "last_name": "B",
            "email": "bea@example.org",
            "landlord": landlord_b.pk,
            "role": "landlord_admin",
        },
    )
    profile = response.context["account"].staff_profile
    assert profile.landlord == landlord_b and profile.role == StaffRole.LANDLORD_ADMIN
    response = client.post(f"/bourse/espace-bailleur/agents/{admin_a.pk}/desactiver/")
    assert response.status_code == 302
    admin_a.refresh_from_db()
    assert not admin_a.is_active
