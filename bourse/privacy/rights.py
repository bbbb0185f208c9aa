"""The tenants' own rights (issue 18): delete one's account (the download is
``export.build_archive``)."""

from django.contrib.auth import logout
from django.utils.translation import gettext as _

from bourse.exchanges import api as exchanges_api
from bourse.models import ActorKind
from bourse.tenants import services
from bourse.tenants.models import TenantProfile


def deletion_refusal(profile: TenantProfile) -> str:
    """Why the account cannot be deleted now ("" when it can)."""
    file = exchanges_api.open_file_of(profile.user)
    if file is not None:
        return _(
            "Votre compte ne peut pas être supprimé tant que votre dossier d’échange "
            "%(reference)s est en cours : vos données sont nécessaires à votre bailleur "
            "pour le mener à terme. Vous pourrez supprimer votre compte une fois le "
            "dossier réalisé ou clos ; vous pouvez aussi renoncer à l’échange depuis la "
            "page du dossier."
        ) % {"reference": file.reference}
    return ""


def delete_account(request, profile: TenantProfile) -> TenantProfile:
    """Anonymise the tenant's account now and end all its sessions.

    Its other sessions end because the account's password is made unusable
    (Django checks a hash of it on every request) and the account inactive;
    this one is flushed here. Raises ``lifecycle.TransitionError`` when an
    exchange file is open (the caller shows ``deletion_refusal`` first).
    """
    profile = services.anonymise(profile, None, actor_kind=ActorKind.TENANT)
    logout(request)
    return profile
