"""Who reads the access log: the AMO every entry, a landlord administrator its
own staff's entries (made while they belonged to its organisation); nobody else."""

from bourse import permissions

from .models import AccessLogEntry


def can_view_log(user) -> bool:
    return permissions.is_super_admin(user) or permissions.is_landlord_admin(user)


def visible_entries(user):
    if permissions.is_super_admin(user):
        return AccessLogEntry.objects.all()
    if permissions.is_landlord_admin(user):
        return AccessLogEntry.objects.filter(
            staff_landlord_id=permissions.staff_profile(user).landlord_id
        )
    return AccessLogEntry.objects.none()
