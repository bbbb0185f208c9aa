from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BourseConfig(AppConfig):
    name = "bourse"
    verbose_name = _("Bourse d’échange")

    def ready(self):
        from portal.spaces import Space, register

        from . import permissions

        # The staff area: landlords' administrators and agents, and the AMO.
        register(
            Space(
                key="staff",
                label=_("Espace bailleur"),
                url_name="bourse:staff_dashboard",
                may_open=permissions.can_access_staff_area,
                prefixes=("/bourse/espace-bailleur/", "/dossiers/"),
                rank=20,
            )
        )
