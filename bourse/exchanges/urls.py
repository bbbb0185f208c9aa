from django.urls import path

from . import views

app_name = "exchanges"

urlpatterns = [
    # Landlords' staff and the AMO.
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.dashboard_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.dashboard_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/", views.file_page, name="file"),
    path("<int:pk>/action/<slug:action>/", views.file_action, name="action"),
    # Landlords, tenants of the file, AMO.
    path("<int:pk>/accord-echange.pdf", views.agreement, name="agreement"),
    # Tenants.
    path("mes-dossiers/", views.tenant_files, name="tenant_files"),
    path("mes-dossiers/<int:pk>/", views.tenant_file, name="tenant_file"),
    path("mes-dossiers/<int:pk>/renoncer/", views.tenant_renounce, name="renounce"),
    path("mes-dossiers/<int:pk>/nur/", views.tenant_correct_nur, name="correct_nur"),
]
