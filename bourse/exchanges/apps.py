from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "bourse.exchanges"
    label = "exchanges"
    verbose_name = _("Dossiers d’échange")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import dashboard

        dashboard.connect()
