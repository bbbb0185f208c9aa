from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitAdherentsConfig(AppConfig):
    name = "kit_adherents"
    verbose_name = _("Kit adhérents")

    def ready(self):
        from . import signals

        signals.connect()
