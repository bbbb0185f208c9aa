from django.urls import path

from . import views

app_name = "contact"

urlpatterns = [
    path("", views.ContactView.as_view(), name="form"),
    path("merci/", views.thanks, name="thanks"),
    path("pieces-jointes/<int:pk>/", views.attachment, name="attachment"),
    path("espace-bailleur/", views.landlord_list, name="landlord_list"),
    path("espace-bailleur/<int:pk>/", views.landlord_detail, name="landlord_detail"),
]
