from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """The partner space (``/bourse/espace-partenaire/``) and the AMO's partner accounts."""

    name = "bourse.partners"
    label = "partners"
    verbose_name = _("Espace partenaire")

    def ready(self):
        from bourse.models import StaffProfile
        from bourse.permissions import can_access_partner_space
        from portal.spaces import Space, register

        register(
            Space(
                key="partner",
                label=_("Espace partenaire"),
                url_name="partners:dashboard",
                prefixes=("/bourse/espace-partenaire/",),
                may_open=can_access_partner_space,
                rank=30,
                invalidated_by=(StaffProfile,),
            )
        )
