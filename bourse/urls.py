from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "bourse"

urlpatterns = [
    path("inscription/", views.coming_soon, {"title": _("Inscription locataire")}, name="signup"),
    path("connexion/", views.coming_soon, {"title": _("Connexion locataire")}, name="login"),
    path("contact/", views.coming_soon, {"title": _("Nous contacter")}, name="contact"),
    path("statistiques/", views.coming_soon, {"title": _("Statistiques")}, name="statistics"),
    path(
        "espace-bailleur/imports/<int:pk>/",
        views.coming_soon,
        {"title": _("Import du fichier patrimoine")},
        name="import_detail",
    ),
]
