from django import template

from bourse import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def user_can_moderate(context) -> bool:
    """Whether the staff navigation shows the moderation queue."""
    request = context.get("request")
    return request is not None and permissions.can_moderate(request.user)
