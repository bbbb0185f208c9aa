from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "bourse.contact"
    label = "contact"
    verbose_name = _("Formulaire de contact")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import dashboard

        dashboard.connect()
