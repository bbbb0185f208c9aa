from django import template

from bourse import permissions
from bourse.audit.access import can_view_log

register = template.Library()


@register.inclusion_tag("bourse/staff/navigation.html", takes_context=True)
def staff_navigation(context) -> dict:
    """The staff area's navigation, from the signed-in account's rights (no view
    builds it): every screen extending ``bourse/staff/base.html`` gets the same."""
    request = context["request"]
    user = request.user
    landlord = permissions.user_landlord(user)
    super_admin = permissions.is_super_admin(user)
    return {
        "request": request,
        "staff_landlord": landlord,
        "is_super_admin": super_admin,
        "can_moderate": permissions.can_moderate(user),
        "can_manage_agents": super_admin or permissions.can_manage_agents(user, landlord),
        "can_edit_organisation": landlord is not None
        and permissions.can_edit_organisation(user, landlord),
        "can_view_positions": permissions.can_view_positions(user),
        "can_view_access_log": can_view_log(user),
    }
