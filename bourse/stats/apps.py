from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "bourse.stats"
    label = "stats"
    verbose_name = _("Statistiques")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import figures

        figures.connect_signals()
