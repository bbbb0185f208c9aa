from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "bourse.audit"
    label = "audit"
    verbose_name = _("Journal des accès")
    default_auto_field = "django.db.models.BigAutoField"
