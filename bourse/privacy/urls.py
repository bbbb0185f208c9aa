from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path(
        "bourse/espace-bailleur/journal-des-acces/",
        views.access_log_list,
        name="access_log",
    ),
    path(
        "bourse/espace-bailleur/journal-des-acces/export.csv",
        views.access_log_export,
        name="access_log_export",
    ),
    path("locataire/mes-donnees/", views.my_data, name="my_data"),
    path("locataire/mes-donnees/telecharger/", views.download, name="download"),
    path("locataire/mes-donnees/supprimer/", views.delete_account, name="delete_account"),
]
