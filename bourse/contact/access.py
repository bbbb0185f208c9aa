"""Who sees which contact messages.

- The support team (superusers, the AMO's super administrators, or anyone
  granted ``contact.change_contactmessage`` through a group) sees every
  message and can reply, escalate, forward, annotate and close.
- Landlord staff (administrators and agents) see only the messages that were
  forwarded to their own organisation, and can mark them answered.
- Nobody else (tenants, partners, anonymous visitors) sees any.
"""

from bourse.models import StaffRole

from .models import ContactMessage


def _profile(user):
    return getattr(user, "staff_profile", None)


def is_support(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("contact.change_contactmessage"):
        return True
    profile = _profile(user)
    return profile is not None and profile.role == StaffRole.SUPER_ADMIN


def staff_landlord(user):
    """The landlord of a landlord administrator or agent, else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    profile = _profile(user)
    if profile is not None and profile.role in (StaffRole.LANDLORD_ADMIN, StaffRole.AGENT):
        return profile.landlord
    return None


def can_use_inbox(user) -> bool:
    return is_support(user) or staff_landlord(user) is not None


def visible_messages(user):
    if is_support(user):
        return ContactMessage.objects.all()
    landlord = staff_landlord(user)
    if landlord is not None:
        return ContactMessage.objects.filter(landlord=landlord, forwarded_at__isnull=False)
    return ContactMessage.objects.none()


def visible_events(user, message):
    events = message.events.select_related("author", "email", "landlord")
    if is_support(user):
        return events
    return events.filter(visible_to_landlord=True)
