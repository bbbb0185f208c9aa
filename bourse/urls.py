from django.urls import include, path
from django.views.generic import RedirectView

from portal.accounts import views as account_views
from portal.accounts.views import OldSignInRedirect

from .staff import organisation
from .staff import views as staff_views

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
    # Staff area ("espace bailleur"): its shell.
    path("espace-bailleur/", staff_views.dashboard, name="staff_dashboard"),
    # The former staff doors: the one sign-in page of ``portal.accounts``.
    path("espace-bailleur/connexion/", OldSignInRedirect.as_view(), name="staff_login"),
    path("espace-bailleur/deconnexion/", account_views.sign_out, name="staff_logout"),
    path("espace-bailleur/mot-de-passe/", staff_views.password_change, name="password_change"),
    # The patrimoine: its published format (public), imports and dwellings (staff).
    path("", include("bourse.patrimoine.urls")),
    # The organisation: its page, its agents, municipalities and reservataires.
    path("espace-bailleur/organisation/", organisation.organisation, name="organisation"),
    path("espace-bailleur/agents/", organisation.agents, name="agents"),
    path("espace-bailleur/agents/nouveau/", organisation.agent_create, name="agent_create"),
    path(
        "espace-bailleur/agents/<int:pk>/desactiver/",
        organisation.agent_deactivate,
        name="agent_deactivate",
    ),
    path(
        "espace-bailleur/agents/<int:pk>/reactiver/",
        organisation.agent_reactivate,
        name="agent_reactivate",
    ),
    path("espace-bailleur/collectivites/", organisation.reservataires, name="reservataires"),
    path(
        "espace-bailleur/collectivites/nouveau/",
        organisation.reservataire_edit,
        name="reservataire_create",
    ),
    path(
        "espace-bailleur/collectivites/<int:pk>/modifier/",
        organisation.reservataire_edit,
        name="reservataire_edit",
    ),
]
