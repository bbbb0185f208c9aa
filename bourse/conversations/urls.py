from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("locataire/conversations/", views.conversation_list, name="list"),
    path("locataire/conversations/preferences/", views.preferences, name="preferences"),
    path("locataire/conversations/<int:pk>/", views.detail, name="detail"),
    path("locataire/conversations/<int:pk>/ecrire/", views.post, name="post"),
    path("locataire/conversations/<int:pk>/lu/", views.read, name="read"),
    path("locataire/conversations/<int:pk>/partager/", views.share, name="share"),
    path("locataire/conversations/<int:pk>/partager/retirer/", views.revoke, name="revoke"),
    path("locataire/conversations/<int:pk>/bloquer/", views.block, name="block"),
    path("locataire/conversations/<int:pk>/debloquer/", views.unblock, name="unblock"),
    path(
        "locataire/conversations/<int:pk>/messages/<int:message_pk>/signaler/",
        views.report,
        name="report",
    ),
    path("locataire/demandes/<int:pk>/conversation/", views.for_request, name="for_request"),
    path(
        "bourse/espace-bailleur/moderation/messages/",
        views.staff_reports,
        name="staff_reports",
    ),
    path(
        "bourse/espace-bailleur/moderation/messages/<int:pk>/",
        views.staff_report,
        name="staff_report",
    ),
]
