"""Who sees which statistics (on top of ``bourse.permissions``).

- Everyone (partners: State, Action Logement, municipalities; the public):
  the public page, every landlord or one, small counts by commune masked.
- Landlord administrators and agents: the staff page of **their** landlord
  only (delays per step, current alerts, counts unmasked); asking for another
  landlord is refused.
- The super administrator (AMO): the staff page of every landlord, or all.
"""

from django.core.exceptions import PermissionDenied

from bourse import permissions
from bourse.exchanges.access import visible_files
from bourse.exchanges.models import ExchangeFile


def staff_statistics_landlord(user, requested):
    """The landlord whose staff statistics ``user`` sees (None: all landlords).

    Raises ``PermissionDenied`` when a landlord's staff ask for another landlord.
    """
    if permissions.is_super_admin(user):
        return requested
    own = permissions.user_landlord(user)
    if own is None or (requested is not None and requested.pk != own.pk):
        raise PermissionDenied
    return own


def staff_alert_files(user, landlord):
    """The files whose current alerts the page counts: the landlord's (or all, AMO)."""
    if landlord is not None:
        return visible_files(user) & ExchangeFile.objects.for_landlord(landlord)
    return visible_files(user)
