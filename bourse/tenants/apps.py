from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "bourse.tenants"
    label = "tenants"
    verbose_name = _("Comptes locataires et annonces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            dashboard,
            exchange_files,  # noqa: F401  (connects the exchange-file receivers)
            signin,
        )

        signin.connect()
        dashboard.connect()
