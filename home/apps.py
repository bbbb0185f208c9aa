from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Accueil et pages")

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal import pagecache, renditions
        from portal.siteurl import sync_default_site

        from . import banner, signals  # noqa: F401

        renditions.register("max-1000x800")  # templates/blocks/image_block.html
        # Cached pages never outlive the banner's next start or end.
        pagecache.banner_change_seconds = banner.seconds_until_next_banner_change

        # The default Site's hostname and port follow SITE_URL (its root_url, used
        # by Wagtail's links and the sitemap, is then SITE_URL).
        post_migrate.connect(sync_default_site, sender=self, dispatch_uid="home_sync_default_site")
