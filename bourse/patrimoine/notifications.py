"""Mail the import report to whoever imported (or to the landlord's admins)."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.mail import queue_email
from portal.siteurl import absolute_url


def import_recipients(imp) -> list[str]:
    """The importer; for the drop folder, the landlord's administrators and its contact."""
    if imp.uploaded_by_id and imp.uploaded_by.email:
        return [imp.uploaded_by.email]
    User = get_user_model()
    admins = list(
        User.objects.filter(
            is_active=True,
            staff_profile__landlord_id=imp.landlord_id,
            staff_profile__role="landlord_admin",
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    contact = imp.landlord.contact_email
    return admins + ([contact] if contact and contact not in admins else [])


def notify_import_finished(imp) -> None:
    recipients = import_recipients(imp)
    if not recipients:
        return
    detail_url = absolute_url(reverse("bourse:import_detail", args=[imp.pk]))
    context = {"imp": imp, "detail_url": detail_url}
    if imp.status == imp.Status.DONE:
        subject = _("Import du fichier patrimoine « %(name)s » : %(errors)s ligne(s) en erreur") % {
            "name": imp.original_name,
            "errors": imp.error_count,
        }
    elif imp.status == imp.Status.CONFIRM:
        subject = _("Import du fichier patrimoine « %(name)s » : confirmation requise") % {
            "name": imp.original_name
        }
    else:
        subject = _("Import du fichier patrimoine « %(name)s » : fichier refusé") % {
            "name": imp.original_name
        }
    if imp.dry_run:
        subject = _("[Simulation] ") + subject
    queue_email(
        to=recipients,
        subject=subject,
        body=render_to_string("bourse/emails/import_report.txt", context),
        kind="patrimoine_import",
    )
