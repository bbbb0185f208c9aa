from django.urls import path

from . import views

app_name = "chains"

urlpatterns = [
    path("locataire/chaines/<int:pk>/", views.proposal_detail, name="proposal"),
    path("locataire/chaines/<int:pk>/accepter/", views.accept, name="accept"),
    path("locataire/chaines/<int:pk>/decliner/", views.decline, name="decline"),
    path("bourse/espace-bailleur/chaines/", views.staff_proposals, name="staff_list"),
]
