"""The patrimoine imports of the staff area: upload, list, detail, report, apply.

Every view goes through ``permissions.staff_required``; another landlord's
import answers 404, another landlord's id in a form answers 403.
"""

import csv
import hashlib
import io
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import transaction
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse import permissions
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.models import Landlord, PatrimoineImport
from bourse.permissions import landlord_from_request, staff_required
from bourse.staff.context import staff_context
from bourse.tasks import import_patrimoine
from portal.http import Echo, page_of, query_without_page
from portal.storage import private_file_response

from ..columns import COLUMNS
from ..forms import PatrimoineUploadForm
from ..importer import rerun_import
from ..validation import safe_spreadsheet_text

REPORT_PREVIEW_ROWS = 50


def visible_import(request, pk: int) -> PatrimoineImport:
    imp = get_object_or_404(
        PatrimoineImport.objects.select_related("landlord", "uploaded_by"), pk=pk
    )
    if not permissions.can_view_imports(request.user, imp.landlord):
        raise Http404  # another landlord's import does not exist for this user
    return imp


def queue_import(imp: PatrimoineImport) -> None:
    pk = imp.pk
    transaction.on_commit(lambda: import_patrimoine.delay(pk))


@staff_required
def upload(request):
    user = request.user
    super_admin = permissions.is_super_admin(user)
    own = permissions.user_landlord(user)
    if not super_admin and not permissions.can_import(user, own):
        return permissions.forbidden(request, _("Votre compte ne permet pas d’importer."))
    landlords = Landlord.objects.active() if super_admin else None
    if request.method == "POST":
        form = PatrimoineUploadForm(request.POST, request.FILES, landlords=landlords)
        if form.is_valid():
            # The landlord of landlord staff is implied: a posted id is ignored.
            landlord = form.cleaned_data["landlord"] if super_admin else own
            if not permissions.can_import(user, landlord):
                return permissions.forbidden(request)
            imp = create_import(form.cleaned_data, landlord, user)
            return redirect("bourse:import_detail", pk=imp.pk)
    else:
        initial = {}
        if super_admin and request.GET.get("bailleur", "").isdigit():
            initial["landlord"] = request.GET["bailleur"]
        form = PatrimoineUploadForm(initial=initial, landlords=landlords)
    return render(
        request,
        "bourse/staff/upload.html",
        staff_context(
            request,
            form=form,
            landlord=own,
            max_mb=settings.PATRIMOINE_MAX_UPLOAD_BYTES // (1024 * 1024),
        ),
    )


def create_import(data, landlord: Landlord, user) -> PatrimoineImport:
    upload = data["file"]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    suffix = PurePath(upload.name or "").suffix.lower() or ".csv"
    with transaction.atomic():
        imp = PatrimoineImport(
            landlord=landlord,
            uploaded_by=user,
            source=PatrimoineImport.Source.UPLOAD,
            original_name=(upload.name or "patrimoine")[:255],
            sha256=digest.hexdigest(),
            full_snapshot=data["full_snapshot"],
            dry_run=data["dry_run"],
        )
        imp.file.save(f"patrimoine-{landlord.pk}{suffix}", upload, save=False)
        imp.save()
        queue_import(imp)
    return imp


@staff_required
def imports(request):
    landlord = landlord_from_request(request)
    queryset = PatrimoineImport.objects.filter(
        landlord__in=permissions.visible_landlords(request.user)
    ).select_related("landlord", "uploaded_by")
    if landlord is not None:
        queryset = queryset.filter(landlord=landlord)
    return render(
        request,
        "bourse/staff/imports.html",
        staff_context(
            request,
            landlord=landlord,
            page=page_of(request, queryset, 25),
            query=query_without_page(request),
        ),
    )


def read_report(imp: PatrimoineImport, limit=REPORT_PREVIEW_ROWS) -> list[dict]:
    if not imp.report:
        return []
    rows = []
    try:
        with imp.report.open("rb") as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, delimiter=";")
            next(reader, None)
            for cells in reader:
                if len(rows) >= limit:
                    break
                if len(cells) >= 4:
                    rows.append(
                        {
                            "line": cells[0],
                            "column": cells[1],
                            "value": cells[2],
                            "reason": cells[3],
                        }
                    )
    except (FileNotFoundError, OSError):
        return []
    return rows


def can_apply(user, imp: PatrimoineImport) -> bool:
    """A finished dry run, or a real import held back by the snapshot guard."""
    S = PatrimoineImport.Status
    if not permissions.can_import(user, imp.landlord):
        return False
    if imp.dry_run:
        return imp.status == S.DONE
    return imp.confirmation_required and imp.status in (S.CONFIRM, S.REFUSED)


def confirmation_label(imp: PatrimoineImport) -> str:
    return _(
        "Je confirme que %(count)s logement(s) de %(landlord)s sortiront du patrimoine "
        "ou deviendront inéligibles : leurs locataires ne pourront plus se connecter "
        "et leurs annonces seront retirées de la recherche."
    ) % {"count": imp.at_risk_count, "landlord": imp.landlord.name}


@staff_required
def import_detail(request, pk, confirm_error=""):
    imp = visible_import(request, pk)
    context = staff_context(
        request,
        imp=imp,
        landlord=imp.landlord,
        errors=read_report(imp) if imp.finished else [],
        error_preview_limit=REPORT_PREVIEW_ROWS,
        can_apply=can_apply(request.user, imp),
        confirmation_label=confirmation_label(imp) if imp.confirmation_required else "",
        confirm_error=confirm_error,
        can_rerun=imp.status == PatrimoineImport.Status.FAILED
        and permissions.can_import(request.user, imp.landlord),
        column_labels={column.name: column.label for column in COLUMNS},
    )
    return render(
        request, "bourse/staff/import_detail.html", context, status=400 if confirm_error else 200
    )


@staff_required
def import_state(request, pk):
    imp = visible_import(request, pk)
    return JsonResponse(
        {
            "status": imp.status,
            "status_label": imp.get_status_display(),
            "finished": imp.finished,
            "rows": imp.rows_total,
            "message": imp.message,
        }
    )


@staff_required
def import_report(request, pk):
    """The report as CSV; its cells made safe for spreadsheets here, on the way out
    (``safe_spreadsheet_text``; never on the screen)."""
    imp = visible_import(request, pk)
    if not imp.report:
        raise Http404
    record_access(request, screen=Screen.IMPORT_REPORT, reference=f"import-{imp.pk}")
    try:
        handle = imp.report.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    writer = csv.writer(Echo(), delimiter=";")

    def rows():
        with handle:
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, delimiter=";")
            header = next(reader, None)
            if header is not None:
                yield "\ufeff" + writer.writerow(header)
            for cells in reader:
                yield writer.writerow([safe_spreadsheet_text(cell) for cell in cells])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-import-{imp.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def import_file(request, pk):
    imp = visible_import(request, pk)
    try:
        return private_file_response(imp.file, filename=imp.original_name or f"patrimoine-{imp.pk}")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404 from error


@require_POST
@staff_required
def import_apply(request, pk):
    """Apply the file of a dry run, or of an import held back by the snapshot guard:
    a real import of the same file. When the file would make too many dwellings
    absent or ineligible, the box naming their number must be ticked."""
    source = visible_import(request, pk)
    if not permissions.can_import(request.user, source.landlord):
        return permissions.forbidden(request)
    if not can_apply(request.user, source):
        messages.error(request, _("Seule une simulation terminée peut être appliquée."))
        return redirect("bourse:import_detail", pk=source.pk)
    confirmed_count = None
    if source.confirmation_required:
        if request.POST.get("confirm") != str(source.at_risk_count):
            return import_detail(
                request,
                pk=source.pk,
                confirm_error=_(
                    "Cochez la case pour confirmer que %(count)s logement(s) sortiront du "
                    "patrimoine ou deviendront inéligibles."
                )
                % {"count": source.at_risk_count},
            )
        confirmed_count = source.at_risk_count
    with transaction.atomic():
        imp = PatrimoineImport(
            landlord=source.landlord,
            uploaded_by=request.user,
            source=PatrimoineImport.Source.UPLOAD,
            original_name=source.original_name,
            sha256=source.sha256,
            full_snapshot=source.full_snapshot,
            dry_run=False,
            confirmed_count=confirmed_count,
        )
        with source.file.open("rb") as handle:
            name = PurePath(source.file.name).name
            imp.file.save(name, File(handle), save=False)
        imp.save()
        queue_import(imp)
    messages.success(request, _("Le fichier est en cours d’application."))
    return redirect("bourse:import_detail", pk=imp.pk)


@require_POST
@staff_required
def import_rerun(request, pk):
    """Run a failed import again (e.g. after a stopped worker); a second click does nothing."""
    imp = visible_import(request, pk)
    if not permissions.can_import(request.user, imp.landlord):
        return permissions.forbidden(request)
    with transaction.atomic():
        if rerun_import(imp):
            queue_import(imp)
            messages.success(request, _("L’import est relancé."))
        else:
            messages.info(request, _("Cet import n’est pas en échec : il n’est pas relancé."))
    return redirect("bourse:import_detail", pk=imp.pk)
