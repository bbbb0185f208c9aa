from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "bourse.tenants"
    label = "tenants"
    verbose_name = _("Comptes locataires et annonces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bourse import eligibility

        from . import (
            dashboard,
            exchange_files,  # noqa: F401  (connects the exchange-file receivers)
            listing_eligibility,
            signin,
        )

        eligibility.followers.append(listing_eligibility.follow_patrimoine)

        signin.connect()
        dashboard.connect()
