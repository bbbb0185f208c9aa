from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from . import folding, renditions, usercache
        from .spaces import Space, connect_account_signals, register

        connect_account_signals()
        connection_created.connect(
            usercache.watch_connection, dispatch_uid="portal.usercache.watch_connection"
        )
        folding.connect()
        renditions.connect()
        user_logged_in.connect(
            prepare_admin_profile, dispatch_uid="portal.prepare_admin_profile", weak=False
        )

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


def prepare_admin_profile(sender, request, user, **kwargs):
    """Wagtail's user bar creates an account's admin profile the first time it shows:
    made at sign-in (a POST) instead, so that no page view writes."""
    if user.has_perm("wagtailadmin.access_admin"):
        from wagtail.users.models import UserProfile

        UserProfile.get_for_user(user)
