"""Screens of the exchange files, one module per audience: the landlords' list
(``staff_list``), a file's page and actions with the agreement PDF (``staff_file``),
the tenant's own files (``tenant``); ``confirming`` holds what the file actions share.

Views parse and display; every rule is in ``workflow`` (what may be done),
``access`` (who sees what), ``alerts`` and ``deadlines``.
"""

from .staff_file import agreement, file_action, file_page
from .staff_list import dashboard, dashboard_export
from .tenant import tenant_correct_nur, tenant_file, tenant_files, tenant_renounce

__all__ = [
    "agreement",
    "dashboard",
    "dashboard_export",
    "file_action",
    "file_page",
    "tenant_correct_nur",
    "tenant_file",
    "tenant_files",
    "tenant_renounce",
]
