"""Transitional: the names ``bourse/tenants/staff_views.py`` still imports from here.

The staff area's views now live in ``bourse.staff`` (shell, organisation) and
``bourse.patrimoine.views``; remove this module once the tenants' staff views
import ``landlord_from_request`` from ``bourse.permissions``, ``staff_context``
from ``bourse.staff.context`` and ``page_of`` / ``query_without_page`` from
``portal.http``.
"""

from portal.http import page_of, query_without_page

from .permissions import landlord_from_request
from .staff.context import staff_context

__all__ = ["landlord_from_request", "page_of", "query_without_page", "staff_context"]
