from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Landlord


class LandlordViewSet(SnippetViewSet):
    model = Landlord
    icon = "group"
    menu_label = _("Bailleurs")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "siret", "joined_on", "active"]
    list_filter = ["active", "joined_on"]
    search_fields = ["name", "siret"]
    search_backend_name = None  # plain ORM lookups: the same on SQLite and PostgreSQL
    ordering = ["name"]


register_snippet(LandlordViewSet)
