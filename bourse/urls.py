from django.urls import path
from django.views.generic import RedirectView

from portal.accounts import views as account_views
from portal.accounts.views import OldSignInRedirect

from . import staff_views

app_name = "bourse"

urlpatterns = [
    path(
        "inscription/",
        RedirectView.as_view(pattern_name="tenants:register", query_string=True),
        name="signup",
    ),
    path(
        "connexion/",
        OldSignInRedirect.as_view(),
        name="login",
    ),
    # The published format of the patrimoine file (public).
    path("fichier-patrimoine/format/", staff_views.patrimoine_format, name="patrimoine_format"),
    path("fichier-patrimoine/modele.csv", staff_views.template_csv, name="template_csv"),
    path("fichier-patrimoine/modele.xlsx", staff_views.template_xlsx, name="template_xlsx"),
    # Staff area ("espace bailleur").
    path("espace-bailleur/", staff_views.dashboard, name="staff_dashboard"),
    # The former staff doors: the one sign-in page of ``portal.accounts``.
    path("espace-bailleur/connexion/", OldSignInRedirect.as_view(), name="staff_login"),
    path("espace-bailleur/deconnexion/", account_views.sign_out, name="staff_logout"),
    path("espace-bailleur/mot-de-passe/", staff_views.password_change, name="password_change"),
    path("espace-bailleur/imports/", staff_views.imports, name="imports"),
    path("espace-bailleur/imports/nouveau/", staff_views.upload, name="upload"),
    path("espace-bailleur/imports/<int:pk>/", staff_views.import_detail, name="import_detail"),
    path("espace-bailleur/imports/<int:pk>/etat/", staff_views.import_state, name="import_state"),
    path(
        "espace-bailleur/imports/<int:pk>/rapport/",
        staff_views.import_report,
        name="import_report",
    ),
    path("espace-bailleur/imports/<int:pk>/fichier/", staff_views.import_file, name="import_file"),
    path(
        "espace-bailleur/imports/<int:pk>/appliquer/",
        staff_views.import_apply,
        name="import_apply",
    ),
    path(
        "espace-bailleur/imports/<int:pk>/relancer/",
        staff_views.import_rerun,
        name="import_rerun",
    ),
    path("espace-bailleur/patrimoine/", staff_views.dwellings, name="dwellings"),
    path(
        "espace-bailleur/patrimoine/export.csv",
        staff_views.patrimoine_export,
        name="patrimoine_export",
    ),
    path("espace-bailleur/organisation/", staff_views.organisation, name="organisation"),
    path("espace-bailleur/agents/", staff_views.agents, name="agents"),
    path("espace-bailleur/agents/nouveau/", staff_views.agent_create, name="agent_create"),
    path(
        "espace-bailleur/agents/<int:pk>/desactiver/",
        staff_views.agent_deactivate,
        name="agent_deactivate",
    ),
    path(
        "espace-bailleur/agents/<int:pk>/reactiver/",
        staff_views.agent_reactivate,
        name="agent_reactivate",
    ),
    path("espace-bailleur/collectivites/", staff_views.reservataires, name="reservataires"),
    path(
        "espace-bailleur/collectivites/nouveau/",
        staff_views.reservataire_edit,
        name="reservataire_create",
    ),
    path(
        "espace-bailleur/collectivites/<int:pk>/modifier/",
        staff_views.reservataire_edit,
        name="reservataire_edit",
    ),
]
