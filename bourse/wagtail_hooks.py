from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import LANDLORD_FIELDS, LANDLORD_SECOND_CONTACT_FIELDS, LandlordAdminForm
from .models import Landlord


class LandlordViewSet(SnippetViewSet):
    """The AMO's door to the landlords: every field of ``bourse.forms``'s one list,
    with the staff area's rules (``LandlordAdminForm``). A landlord's administrators
    edit their own page in the staff area (``bourse.staff.organisation``)."""

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
    edit_handler = ObjectList(
        [
            *(FieldPanel(name) for name in LANDLORD_FIELDS),
            MultiFieldPanel(
                [FieldPanel(name) for name in LANDLORD_SECOND_CONTACT_FIELDS],
                heading=_("Deuxième contact (en cas de difficulté pour joindre le gestionnaire)"),
            ),
        ],
        base_form_class=LandlordAdminForm,
    )


register_snippet(LandlordViewSet)
