from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "bourse.visits"
    label = "visits"
    verbose_name = _("Visites")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import contexts

        contexts.connect_request_context()
