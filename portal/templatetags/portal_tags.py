from django import template
from django.conf import settings
from django.urls import reverse

from portal.spaces import header_notices, spaces_for

register = template.Library()


@register.inclusion_tag("includes/account_menu.html", takes_context=True)
def account_menu(context):
    """The header's account menu: who is signed in, the spaces it may open, sign-out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    next_path = ""
    if request is not None and request.path not in (settings.LOGIN_URL, reverse("accounts:logout")):
        next_path = request.get_full_path()
    return {
        "user": user,
        "spaces": [(space.label, space.url()) for space in spaces_for(user)],
        "notices": header_notices(user),
        "login_url": settings.LOGIN_URL,
        "next": next_path,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def editor_userbar(context, position="bottom-right"):
    """Wagtail's user bar, for the accounts that may open the admin only: it asks
    every other signed-in account's permissions on each page otherwise, where
    the cached spaces already know the answer."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not any(space.key == "admin" for space in spaces_for(user)):
        return ""
    from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

    return wagtailuserbar(context, position)
