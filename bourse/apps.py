from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BourseConfig(AppConfig):
    name = "bourse"
    verbose_name = _("Bourse d’échange")

    def ready(self):
        from portal import renditions
        from portal.spaces import Space, register

        from . import eligibility, permissions  # noqa: F401  (eligibility: cache receivers)
        from .models import StaffProfile

        # The landlords' logo and help images (staff/organisation.html, tenants/register.html).
        renditions.register("max-240x120", "max-320x240", "max-600x400")

        # The staff area: landlords' administrators and agents, and the AMO.
        register(
            Space(
                key="staff",
                label=_("Espace bailleur"),
                url_name="bourse:staff_dashboard",
                may_open=permissions.can_access_staff_area,
                prefixes=("/bourse/espace-bailleur/", "/dossiers/"),
                rank=20,
                invalidated_by=(StaffProfile,),
            )
        )
