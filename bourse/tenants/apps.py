from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "bourse.tenants"
    label = "tenants"
    verbose_name = _("Comptes locataires et annonces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bourse import eligibility, tenancy

        from . import (
            contacts,
            dashboard,
            exchange_files,  # noqa: F401  (connects the exchange-file receivers)
            lifecycle,
            listing_eligibility,
            permissions,
            signin,
            visits,
        )

        eligibility.followers.append(listing_eligibility.follow_patrimoine)
        # What the screens below this app (exchange files, staff) need from the accounts.
        tenancy.find_profile = permissions.tenant_profile
        tenancy.sign_in_refusal = lifecycle.sign_in_refusal
        tenancy.set_nur = contacts.set_nur
        tenancy.visit_outcomes = visits.outcomes_of_file

        signin.connect()
        dashboard.connect()
