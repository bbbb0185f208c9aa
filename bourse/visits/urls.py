from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path(
        "locataire/visites/<str:kind>/<int:context_pk>/proposer/",
        views.propose,
        name="propose",
    ),
    path("locataire/visites/<int:pk>/", views.detail, name="detail"),
    path("locataire/visites/<int:pk>/creneaux/", views.replan, name="replan"),
    path("locataire/visites/<int:pk>/choisir/", views.pick, name="pick"),
    path("locataire/visites/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("locataire/visites/<int:pk>/invitation.ics", views.calendar_file, name="ics"),
]
