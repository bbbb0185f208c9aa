"""Who sees which exchange files (the rules of ``bourse.permissions``, for files).

- The super administrator (AMO) sees every file.
- A landlord's administrators and agents see the files where their
  organisation is the landlord of at least one party — and no other.
- A tenant sees the files where they are a party (``tenant_user``), through
  the tenant pages only.
- The exchange agreement (PDF) is for the file's landlords, its tenants and
  the AMO.
What each of them may *do* on a file is the table of ``workflow.py``.
"""

from bourse import permissions as staff_permissions

from .models import ExchangeFile


def visible_files(user):
    if staff_permissions.is_super_admin(user):
        return ExchangeFile.objects.all()
    landlord = staff_permissions.user_landlord(user)
    if landlord is None:
        return ExchangeFile.objects.none()
    return ExchangeFile.objects.for_landlord(landlord)


def can_view_file(user, file) -> bool:
    """Staff view of a file."""
    if staff_permissions.is_super_admin(user):
        return True
    landlord = staff_permissions.user_landlord(user)
    return landlord is not None and file.parties.filter(landlord=landlord).exists()


def tenant_files(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ExchangeFile.objects.none()
    return ExchangeFile.objects.for_tenant(user)


def is_file_tenant(user, file) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and file.parties.filter(tenant_user=user).exists()
    )


def can_download_agreement(user, file) -> bool:
    return can_view_file(user, file) or is_file_tenant(user, file)
