from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BourseConfig(AppConfig):
    name = "bourse"
    verbose_name = _("Bourse d’échange")
