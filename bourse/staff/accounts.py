"""Creation of staff and partner accounts (agents' screens, partner accounts)."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from bourse import permissions


def create_staff_account(data, role, landlord=None, reservataire=None):
    """A new staff or partner account (``data``: a valid ``AgentCreateForm``'s), with
    its role; returns it and its initial password, to be shown once on the response
    only (never stored in clear, never mailed)."""
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        account = get_user_model().objects.create_user(
            data["username"],
            email=data["email"],
            password=password,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        permissions.set_staff_role(account, role, landlord, reservataire)
    return account, password
