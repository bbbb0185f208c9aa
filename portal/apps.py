from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from .spaces import Space, register

        # The Wagtail admin: the GIE editors' home (and the super user's).
        register(
            Space(
                key="admin",
                label=_("Administration du site"),
                href="/admin/",
                may_open=lambda user: user.has_perm("wagtailadmin.access_admin"),
                prefixes=("/admin/",),
                rank=lambda user: 5 if user.is_superuser else 40,
            )
        )
