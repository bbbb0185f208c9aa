"""Statistics URLs, included under ``bourse/`` by ``portal/urls.py`` *before*
``bourse.urls``: the public page ``/bourse/statistiques/`` (in the site's menu and
linked from the home page) and the staff page
``/bourse/espace-bailleur/statistiques/``, each with its CSV downloads."""

from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("statistiques/", views.public_statistics, name="public"),
    path("statistiques/<slug:table>.csv", views.public_csv, name="public_csv"),
    path("espace-bailleur/statistiques/", views.staff_statistics, name="staff"),
    path(
        "espace-bailleur/statistiques/<slug:table>.csv",
        views.staff_csv,
        name="staff_csv",
    ),
]
