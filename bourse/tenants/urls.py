"""Tenant area under /locataire/, staff screens under /bourse/espace-bailleur/."""

from django.urls import path
from django.views.generic import RedirectView

from portal.accounts import views as account_views
from portal.accounts.views import OldSignInRedirect

from . import staff_views, views

app_name = "tenants"

STAFF = "bourse/espace-bailleur/"

urlpatterns = [
    path("locataire/", views.dashboard, name="dashboard"),
    path("locataire/inscription/", views.register, name="register"),
    path("locataire/inscription/envoyee/", views.register_done, name="register_done"),
    path(
        "locataire/confirmer/<str:uidb64>/<str:token>/",
        views.confirm_email,
        name="confirm_email",
    ),
    path(
        "locataire/confirmer/nouveau-lien/",
        views.resend_confirmation,
        name="resend_confirmation",
    ),
    # The former tenant doors: the one sign-in page and password reset of ``portal.accounts``.
    path("locataire/connexion/", OldSignInRedirect.as_view(), name="login"),
    path("locataire/deconnexion/", account_views.sign_out, name="logout"),
    path(
        "locataire/mot-de-passe/",
        RedirectView.as_view(pattern_name="accounts:password_reset"),
        name="password_reset",
    ),
    path(
        "locataire/mot-de-passe/<uidb64>/<token>/",
        RedirectView.as_view(pattern_name="accounts:password_reset_confirm"),
        name="password_reset_confirm",
    ),
    path("locataire/etapes/profil/", views.step_profile, name="step_profile"),
    path("locataire/etapes/logement/", views.step_housing, name="step_housing"),
    path(
        "locataire/etapes/logement/photos/<int:pk>/supprimer/",
        views.photo_delete,
        name="photo_delete",
    ),
    path("locataire/etapes/criteres/", views.step_criteria, name="step_criteria"),
    path("locataire/annonce/suspendre/", views.suspend, name="suspend"),
    path("locataire/annonce/reprendre/", views.resume, name="resume"),
    path("locataire/recherche/", views.search, name="search"),
    path("locataire/recherche/carte.json", views.search_map, name="search_map"),
    path("locataire/annonces/<int:pk>/", views.listing_detail, name="listing"),
    path("locataire/annonces/<int:pk>/contacter/", views.contact_create, name="contact_create"),
    path("locataire/annonces/<int:pk>/signaler/", views.report_listing, name="report"),
    path("locataire/demandes/", views.requests_list, name="requests"),
    path("locataire/demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("locataire/photos/<int:pk>/", views.photo, name="photo"),
    path("locataire/garder-mon-compte/<str:token>/", views.keep_alive, name="keep_alive"),
    path("locataire/contact/", views.tenant_contact, name="contact"),
    path("locataire/recherches/", views.saved_searches, name="saved_searches"),
    path("locataire/recherches/enregistrer/", views.save_search, name="save_search"),
    path(
        "locataire/recherches/<int:pk>/modifier/",
        views.saved_search_update,
        name="saved_search_update",
    ),
    path("locataire/alertes/arreter/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Staff area.
    path(f"{STAFF}locataires/", staff_views.tenants, name="staff_tenants"),
    path(f"{STAFF}locataires/<int:pk>/", staff_views.tenant_detail, name="staff_tenant"),
    path(
        f"{STAFF}locataires/<int:pk>/desactiver/",
        staff_views.tenant_deactivate,
        name="staff_deactivate",
    ),
    path(
        f"{STAFF}locataires/<int:pk>/reactiver/",
        staff_views.tenant_reactivate,
        name="staff_reactivate",
    ),
    path(
        f"{STAFF}locataires/<int:pk>/anonymiser/",
        staff_views.tenant_anonymise,
        name="staff_anonymise",
    ),
    path(
        f"{STAFF}locataires/<int:pk>/photos/<int:photo_pk>/retirer/",
        staff_views.remove_photo,
        name="staff_remove_photo",
    ),
    path(
        f"{STAFF}locataires/<int:pk>/description/retirer/",
        staff_views.remove_description,
        name="staff_remove_description",
    ),
    path(f"{STAFF}moderation/", staff_views.moderation_queue, name="moderation"),
    path(
        f"{STAFF}moderation/<int:pk>/conforme/",
        staff_views.moderation_approve,
        name="moderation_approve",
    ),
]
