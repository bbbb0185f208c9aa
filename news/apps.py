from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("Actualités")

    def ready(self):
        from portal import renditions

        renditions.register("fill-400x225")  # news_index_page.html
