from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import NewsTheme


class NewsThemeViewSet(SnippetViewSet):
    model = NewsTheme
    icon = "tag"
    menu_label = _("Thèmes d’actualité")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


register_snippet(NewsThemeViewSet)
