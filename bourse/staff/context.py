"""The template context every staff screen shares (the navigation is drawn by
the ``staff_navigation`` inclusion tag, from the signed-in user)."""

from bourse import permissions


def staff_context(request, **extra) -> dict:
    """Who is signed in, for the page's body: ``staff_landlord`` (their own
    landlord, None for the AMO) and ``is_super_admin``; then ``extra``."""
    user = request.user
    context = {
        "staff_landlord": permissions.user_landlord(user),
        "is_super_admin": permissions.is_super_admin(user),
    }
    context.update(extra)
    return context
