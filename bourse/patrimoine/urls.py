"""The patrimoine's routes, in the ``bourse`` namespace (included by ``bourse.urls``)."""

from django.urls import path

from .views import dwellings, file_format, imports

urlpatterns = [
    # The published format of the patrimoine file (public).
    path("fichier-patrimoine/format/", file_format.patrimoine_format, name="patrimoine_format"),
    path("fichier-patrimoine/modele.csv", file_format.template_csv, name="template_csv"),
    path("fichier-patrimoine/modele.xlsx", file_format.template_xlsx, name="template_xlsx"),
    # The staff area's imports and dwellings.
    path("espace-bailleur/imports/", imports.imports, name="imports"),
    path("espace-bailleur/imports/nouveau/", imports.upload, name="upload"),
    path("espace-bailleur/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("espace-bailleur/imports/<int:pk>/etat/", imports.import_state, name="import_state"),
    path("espace-bailleur/imports/<int:pk>/rapport/", imports.import_report, name="import_report"),
    path("espace-bailleur/imports/<int:pk>/fichier/", imports.import_file, name="import_file"),
    path("espace-bailleur/imports/<int:pk>/appliquer/", imports.import_apply, name="import_apply"),
    path("espace-bailleur/imports/<int:pk>/relancer/", imports.import_rerun, name="import_rerun"),
    path("espace-bailleur/patrimoine/", dwellings.dwellings, name="dwellings"),
    path(
        "espace-bailleur/patrimoine/export.csv",
        dwellings.patrimoine_export,
        name="patrimoine_export",
    ),
]
