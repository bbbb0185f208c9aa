"""Partner space URLs, included under ``bourse/`` by ``portal/urls.py`` *before*
``bourse.urls``: the space ``/bourse/espace-partenaire/`` and, in the staff
area, the AMO's partner accounts ``/bourse/espace-bailleur/partenaires/``."""

from django.urls import path

from . import accounts, views

app_name = "partners"

urlpatterns = [
    path("espace-partenaire/", views.dashboard, name="dashboard"),
    path("espace-partenaire/statistiques/", views.statistics, name="statistics"),
    path("espace-partenaire/statistiques/<slug:table>.csv", views.statistics_csv, name="stats_csv"),
    path("espace-partenaire/bailleurs/", views.landlords, name="landlords"),
    path("espace-partenaire/bailleurs/<slug:table>.csv", views.landlords_csv, name="landlords_csv"),
    path("espace-partenaire/contingent/", views.contingent, name="contingent"),
    path(
        "espace-partenaire/contingent/<slug:table>.csv",
        views.contingent_csv,
        name="contingent_csv",
    ),
    path("espace-partenaire/collectivites/", views.positions, name="positions"),
    path(
        "espace-partenaire/collectivites/<slug:table>.csv",
        views.positions_csv,
        name="positions_csv",
    ),
    path("espace-bailleur/partenaires/", accounts.accounts, name="accounts"),
    path("espace-bailleur/partenaires/nouveau/", accounts.account_create, name="account_create"),
]
