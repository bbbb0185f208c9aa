"""Tenant area under /locataire/, staff screens under /bourse/espace-bailleur/."""

from django.urls import path
from django.views.generic import RedirectView

from portal.accounts import views as account_views
from portal.accounts.views import OldSignInRedirect

from . import staff_views
from .views import (
    account,
    contact_requests,
    home,
    listings,
    registration,
    saved_searches,
    search,
    steps,
)

app_name = "tenants"

STAFF = "bourse/espace-bailleur/"

urlpatterns = [
    path("locataire/", home.dashboard, name="dashboard"),
    path("locataire/inscription/", registration.register, name="register"),
    path("locataire/inscription/envoyee/", registration.register_done, name="register_done"),
    path(
        "locataire/confirmer/<str:uidb64>/<str:token>/",
        registration.confirm_email,
        name="confirm_email",
    ),
    path(
        "locataire/confirmer/nouveau-lien/",
        registration.resend_confirmation,
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
    path("locataire/etapes/profil/", steps.step_profile, name="step_profile"),
    path("locataire/etapes/logement/", steps.step_housing, name="step_housing"),
    path(
        "locataire/etapes/logement/photos/<int:pk>/supprimer/",
        steps.photo_delete,
        name="photo_delete",
    ),
    path("locataire/etapes/criteres/", steps.step_criteria, name="step_criteria"),
    path(
        "locataire/communes/suggestions/",
        steps.commune_suggestions,
        name="commune_suggestions",
    ),
    path("locataire/annonce/suspendre/", home.suspend, name="suspend"),
    path("locataire/annonce/reprendre/", home.resume, name="resume"),
    path("locataire/recherche/", search.search, name="search"),
    path("locataire/recherche/carte.json", search.search_map, name="search_map"),
    path("locataire/annonces/<int:pk>/", listings.listing_detail, name="listing"),
    path("locataire/annonces/<int:pk>/contacter/", listings.contact_create, name="contact_create"),
    path("locataire/annonces/<int:pk>/signaler/", listings.report_listing, name="report"),
    path("locataire/demandes/", contact_requests.requests_list, name="requests"),
    path("locataire/demandes/<int:pk>/", contact_requests.request_detail, name="request_detail"),
    path(
        "locataire/demandes/<int:pk>/repondre/",
        contact_requests.request_answer,
        name="request_answer",
    ),
    path(
        "locataire/demandes/<int:pk>/retirer/",
        contact_requests.request_withdraw,
        name="request_withdraw",
    ),
    path("locataire/demandes/<int:pk>/nur/", contact_requests.request_nur, name="request_nur"),
    path(
        "locataire/demandes/<int:pk>/visite/",
        contact_requests.request_visit,
        name="request_visit",
    ),
    path("locataire/photos/<int:pk>/", listings.photo, name="photo"),
    path("locataire/garder-mon-compte/<str:token>/", account.keep_alive, name="keep_alive"),
    path("locataire/contact/", account.tenant_contact, name="contact"),
    path("locataire/recherches/", saved_searches.saved_searches, name="saved_searches"),
    path("locataire/recherches/enregistrer/", saved_searches.save_search, name="save_search"),
    path(
        "locataire/recherches/<int:pk>/modifier/",
        saved_searches.saved_search_update,
        name="saved_search_update",
    ),
    path(
        "locataire/recherches/<int:pk>/supprimer/",
        saved_searches.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "locataire/recherches/<int:pk>/alertes/activer/",
        saved_searches.saved_search_alerts,
        {"on": True},
        name="saved_search_alerts_on",
    ),
    path(
        "locataire/recherches/<int:pk>/alertes/arreter/",
        saved_searches.saved_search_alerts,
        {"on": False},
        name="saved_search_alerts_off",
    ),
    path("locataire/alertes/arreter/<str:token>/", saved_searches.unsubscribe, name="unsubscribe"),
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
