from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import BannerMessage


class BannerMessageViewSet(SnippetViewSet):
    model = BannerMessage
    icon = "warning"
    menu_label = _("Bandeau déroulant")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["text", "starts_at", "ends_at", "sort_order"]
    list_filter = ["starts_at", "ends_at"]
    search_fields = ["text"]
    ordering = ["sort_order", "starts_at"]


register_snippet(BannerMessageViewSet)
