"""Member area URLs (included in ``portal.urls`` before Wagtail's own)."""

from django.urls import path

from . import views

urlpatterns = [
    # Same paths and names as Wagtail's password views, which they wrap with a
    # brute-force limit (they must be matched before wagtail.urls / documents/).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        views.authenticate_collection_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path(
        "documents/<int:document_id>/<str:document_filename>",
        views.serve_document,
        name="wagtaildocs_serve",
    ),
    path(
        "documents/versions/<int:version_id>/<str:filename>",
        views.serve_version,
        name="kit_document_version",
    ),
]
