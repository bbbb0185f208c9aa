"""The exchange-file mail texts in the Wagtail admin, for the super administrator only.

A row overrides the default text of one mail (``mail_defaults.py``); deleting
it brings the default back. Nobody else sees the menu entry.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bourse.models import StaffRole
from bourse.permissions import is_super_admin

from .models import MailTemplate

ACTIONS = {"add", "change", "delete", "view"}


class SuperAdminOnlyPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in ACTIONS and is_super_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if not ACTIONS & set(actions):
            return get_user_model().objects.none()
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(staff_profile__role=StaffRole.SUPER_ADMIN), is_active=True
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return MailTemplate.objects.all()
        return MailTemplate.objects.none()


register_permission_policy(MailTemplate, SuperAdminOnlyPolicy(MailTemplate), exact_class=True)


class MailTemplateViewSet(SnippetViewSet):
    model = MailTemplate
    icon = "mail"
    menu_label = _("Courriels des dossiers")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["__str__", "subject", "updated_at"]
    search_fields = ["subject", "body"]
    search_backend_name = None
    ordering = ["key"]
    copy_view_enabled = False


register_snippet(MailTemplateViewSet)
