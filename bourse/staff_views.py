"""The staff area ("espace bailleur"): landlords' administrators and agents, and the AMO.

Every view goes through ``permissions.staff_required``; every object is looked
up within what ``permissions`` lets the user see (another landlord's import
answers 404, another landlord's id in a form or URL answers 403).
"""

import csv
import hashlib
import io
import secrets
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions
from .dashboard import panels_for as dashboard_panels
from .eligibility import is_eligible, opposed_contingent
from .forms import (
    AgentCreateForm,
    DwellingFilterForm,
    OrganisationForm,
    PatrimoineUploadForm,
    ReservataireFilterForm,
    ReservataireForm,
)
from .models import (
    Commune,
    Dwelling,
    Landlord,
    PatrimoineImport,
    Position,
    Reservataire,
    ReservataireKind,
    StaffProfile,
    StaffRole,
)
from .patrimoine.columns import COLUMN_NAMES, COLUMNS
from .patrimoine.importer import rerun_import
from .patrimoine.validation import safe_spreadsheet_text
from .permissions import staff_required

REPORT_PREVIEW_ROWS = 50
PAGE_SIZE = 50


# --- Sign-in ------------------------------------------------------------------------


class StaffPasswordChangeView(PasswordChangeView):
    template_name = "bourse/staff/password_change.html"
    success_url = reverse_lazy("bourse:staff_dashboard")

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe est changé."))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return staff_context(self.request, **super().get_context_data(**kwargs))


# --- Helpers ------------------------------------------------------------------------


def landlord_from_request(request) -> Landlord | None:
    """The landlord a page is about.

    Landlord staff: always their own — another landlord's id in ``bailleur``
    (query string or form) is refused. Super administrator: the landlord named
    by ``bailleur``, or None for "all landlords".
    """
    user = request.user
    raw = request.POST.get("bailleur") or request.GET.get("bailleur") or ""
    own = permissions.user_landlord(user)
    if own is not None:
        if raw and raw != str(own.pk):
            raise PermissionDenied
        return own
    if not permissions.is_super_admin(user):
        raise PermissionDenied
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Landlord, pk=int(raw))


def visible_import(request, pk: int) -> PatrimoineImport:
    imp = get_object_or_404(
        PatrimoineImport.objects.select_related("landlord", "uploaded_by"), pk=pk
    )
    if not permissions.can_view_imports(request.user, imp.landlord):
        raise Http404  # another landlord's import does not exist for this user
    return imp


def page_of(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def staff_context(request, **extra):
    user = request.user
    landlord = permissions.user_landlord(user)
    context = {
        "staff_landlord": landlord,
        "is_super_admin": permissions.is_super_admin(user),
        "can_manage_agents": permissions.is_super_admin(user)
        or permissions.can_manage_agents(user, landlord),
        "can_edit_organisation": landlord is not None
        and permissions.can_edit_organisation(user, landlord),
        "can_view_positions": permissions.can_view_positions(user),
    }
    context.update(extra)
    return context


def queue_import(imp: PatrimoineImport) -> None:
    from .tasks import import_patrimoine

    pk = imp.pk
    transaction.on_commit(lambda: import_patrimoine.delay(pk))


def dwelling_counts(queryset) -> dict:
    total = queryset.count()
    eligible = (
        queryset.annotate(opposed=opposed_contingent())
        .filter(in_snapshot=True, eligible_flag=True, opposed=False)
        .exclude(tenant_reference="")
        .count()
    )
    return {
        "total": total,
        "eligible": eligible,
        "ineligible": total - eligible,
        "outside_snapshot": queryset.filter(in_snapshot=False).count(),
    }


# --- Dashboard ----------------------------------------------------------------------


@staff_required
def dashboard(request):
    landlord = landlord_from_request(request)
    user = request.user
    context = staff_context(request, landlord=landlord)
    context["todo"] = dashboard_panels(user)
    if landlord is None:
        # The AMO: every landlord at a glance.
        context["landlords"] = Landlord.objects.annotate(
            dwelling_count=Count("dwellings", distinct=True),
            last_import_at=Max("imports__created_at"),
        ).order_by("name")
        context["imports"] = PatrimoineImport.objects.select_related(
            "landlord", "uploaded_by"
        ).order_by("-created_at")[:10]
    else:
        context["counts"] = dwelling_counts(Dwelling.objects.filter(landlord=landlord))
        context["imports"] = PatrimoineImport.objects.filter(landlord=landlord).select_related(
            "uploaded_by"
        )[:5]
        context["can_import"] = permissions.can_import(user, landlord)
    return render(request, "bourse/staff/dashboard.html", context)


# --- Imports ------------------------------------------------------------------------


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


def csv_export_text(value: str) -> str:
    """The report's cells as downloaded: safe for spreadsheets (never on the screen)."""
    return safe_spreadsheet_text(value)


@staff_required
def import_report(request, pk):
    """The report as CSV; its cells made safe for spreadsheets here, on the way out."""
    imp = visible_import(request, pk)
    if not imp.report:
        raise Http404
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
                yield writer.writerow([csv_export_text(cell) for cell in cells])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-import-{imp.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def import_file(request, pk):
    imp = visible_import(request, pk)
    try:
        handle = imp.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=imp.original_name or f"patrimoine-{imp.pk}",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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


# --- Patrimoine ----------------------------------------------------------------------


def position_subquery():
    return Coalesce(
        Subquery(
            Reservataire.objects.filter(
                kind=OuterRef("reservataire_kind"), code=OuterRef("reservataire_code")
            ).values("position")[:1]
        ),
        Value(Position.NOT_POSITIONED),
    )


def eligible_q() -> Q:
    """The rule of ``bourse.eligibility`` on a queryset annotated with ``opposed``."""
    return Q(in_snapshot=True, eligible_flag=True, opposed=False) & ~Q(tenant_reference="")


@staff_required(test=lambda user: user.has_perm("bourse.view_dwelling"))
def dwellings(request):
    user = request.user
    landlord = landlord_from_request(request)
    visible = permissions.visible_landlords(user)
    queryset = Dwelling.objects.filter(landlord__in=visible)
    if landlord is not None:
        queryset = queryset.filter(landlord=landlord)
    communes = Commune.objects.filter(
        insee_code__in=queryset.values("commune_id").distinct()
    ).order_by("name")
    params = request.GET.copy()
    if landlord is not None and permissions.is_super_admin(user):
        params.setdefault("landlord", str(landlord.pk))
    form = DwellingFilterForm(
        params,
        landlords=visible if permissions.is_super_admin(user) else None,
        communes=communes,
    )
    queryset = queryset.annotate(opposed=opposed_contingent(), position=position_subquery())
    if form.is_valid():
        data = form.cleaned_data
        if data.get("landlord"):
            queryset = queryset.filter(landlord=data["landlord"])
        if data.get("commune"):
            queryset = queryset.filter(commune=data["commune"])
        if data.get("typology"):
            queryset = queryset.filter(typology=data["typology"])
        if data.get("eligible") == "oui":
            queryset = queryset.filter(eligible_q())
        elif data.get("eligible") == "non":
            queryset = queryset.exclude(eligible_q())
        if data.get("in_snapshot"):
            queryset = queryset.filter(in_snapshot=data["in_snapshot"] == "oui")
        if q := data.get("q", "").strip():
            queryset = queryset.filter(
                Q(housing_reference__icontains=q)
                | Q(tenant_reference__icontains=q)
                | Q(address__icontains=q)
            )
    queryset = queryset.select_related("commune", "landlord").order_by(
        "landlord__name", "housing_reference"
    )
    page = page_of(request, queryset)
    positions = dict(Position.choices)
    kinds = dict(ReservataireKind.choices)
    for dwelling in page.object_list:
        dwelling.eligible_now = is_eligible(dwelling, position=dwelling.position)
        dwelling.position_label = positions.get(dwelling.position, dwelling.position)
        dwelling.kind_label = kinds.get(dwelling.reservataire_kind, dwelling.reservataire_kind)
    export_landlord = landlord or (form.cleaned_data.get("landlord") if form.is_valid() else None)
    return render(
        request,
        "bourse/staff/dwellings.html",
        staff_context(
            request,
            landlord=landlord,
            form=form,
            page=page,
            query=query_without_page(request),
            export_landlord=export_landlord,
        ),
    )


class Echo:
    def write(self, value):
        return value


def _decimal_fr(value) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def export_row(dwelling: Dwelling) -> list[str]:
    safe = safe_spreadsheet_text
    return [
        safe(dwelling.housing_reference),
        safe(dwelling.address),
        dwelling.commune_id,
        dwelling.typology,
        _decimal_fr(dwelling.surface),
        str(dwelling.floor),
        "oui" if dwelling.lift else "non",
        _decimal_fr(dwelling.rent),
        _decimal_fr(dwelling.charges),
        dwelling.reservataire_kind,
        safe(dwelling.reservataire_code),
        safe(dwelling.tenant_reference),
        safe(dwelling.tenant_name),
        "oui" if dwelling.eligible_flag else "non",
        safe(dwelling.contact1_email),
        safe(dwelling.contact2_email),
    ]


@staff_required(test=lambda user: user.has_perm("bourse.view_dwelling"))
def patrimoine_export(request):
    """The landlord's patrimoine in the import format (cells safe for spreadsheets)."""
    landlord = landlord_from_request(request)
    if landlord is None:
        messages.error(
            request, _("Choisissez le bailleur dont vous voulez exporter le patrimoine.")
        )
        return redirect("bourse:dwellings")
    if not permissions.can_view_patrimoine(request.user, landlord):
        return permissions.forbidden(request)
    queryset = Dwelling.objects.filter(landlord=landlord, in_snapshot=True).order_by(
        "housing_reference"
    )
    writer = csv.writer(Echo(), delimiter=";")

    def rows():
        yield "\ufeff" + writer.writerow(COLUMN_NAMES)
        for dwelling in queryset.iterator(chunk_size=2000):
            yield writer.writerow(export_row(dwelling))

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patrimoine-{landlord.pk}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The published format (public) ------------------------------------------------


def example_row() -> list[str]:
    return [column.example for column in COLUMNS]


def patrimoine_format(request):
    return render(
        request,
        "bourse/patrimoine_format.html",
        {
            "columns": COLUMNS,
            "max_mb": settings.PATRIMOINE_MAX_UPLOAD_BYTES // (1024 * 1024),
            "guard_percent": settings.PATRIMOINE_SNAPSHOT_GUARD_PERCENT,
        },
    )


def template_csv(request):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMN_NAMES)
    writer.writerow(example_row())
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="modele-fichier-patrimoine.csv"'
    return response


def template_xlsx(request):
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Patrimoine"
    sheet.append(list(COLUMN_NAMES))
    sheet.append(example_row())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_row=2):
        for cell in row:
            cell.number_format = "@"  # text: "64,5" and codes keep their form
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
            14, len(column.name) + 4
        )
    doc = workbook.create_sheet(str(_("Format")))
    doc.append(
        [
            str(_("Colonne")),
            str(_("Libellé")),
            str(_("Obligatoire")),
            str(_("Valeurs admises")),
            str(_("Exemple")),
        ]
    )
    for column in COLUMNS:
        doc.append(
            [
                column.name,
                str(column.label),
                str(_("oui")) if column.required else str(_("non")),
                str(column.allowed),
                column.example,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="modele-fichier-patrimoine.xlsx"'
    return response


# --- Organisation ------------------------------------------------------------------


@staff_required
def organisation(request):
    landlord = landlord_from_request(request)
    if landlord is None:
        messages.info(request, _("Choisissez le bailleur dont vous voulez modifier la fiche."))
        return redirect("bourse:staff_dashboard")
    if not permissions.can_edit_organisation(request.user, landlord):
        return permissions.forbidden(
            request, _("Seuls les administrateurs du bailleur modifient sa fiche.")
        )
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, instance=landlord)
        if form.is_valid():
            form.save()
            messages.success(request, _("La fiche de l’organisme est enregistrée."))
            url = reverse("bourse:organisation")
            if permissions.is_super_admin(request.user):
                url += f"?bailleur={landlord.pk}"
            return redirect(url)
    else:
        form = OrganisationForm(instance=landlord)
    return render(
        request,
        "bourse/staff/organisation.html",
        staff_context(request, form=form, landlord=landlord),
    )


# --- Agents ------------------------------------------------------------------------


@staff_required
def agents(request):
    user = request.user
    landlord = landlord_from_request(request)
    if landlord is not None and not permissions.can_manage_agents(user, landlord):
        return permissions.forbidden(
            request, _("Seuls les administrateurs du bailleur gèrent les comptes des agents.")
        )
    if landlord is None and not permissions.is_super_admin(user):
        return permissions.forbidden(request)
    profiles = StaffProfile.objects.filter(
        role__in=[StaffRole.LANDLORD_ADMIN, StaffRole.AGENT]
    ).select_related("user", "landlord")
    if landlord is not None:
        profiles = profiles.filter(landlord=landlord)
    profiles = profiles.order_by("landlord__name", "role", "user__last_name", "user__username")
    page = page_of(request, profiles)
    for profile in page.object_list:
        profile.manageable = permissions.can_manage_account(user, profile.user)
    return render(
        request,
        "bourse/staff/agents.html",
        staff_context(request, landlord=landlord, page=page, query=query_without_page(request)),
    )


@staff_required
def agent_create(request):
    user = request.user
    super_admin = permissions.is_super_admin(user)
    own = permissions.user_landlord(user)
    if not super_admin and not permissions.can_manage_agents(user, own):
        return permissions.forbidden(
            request, _("Seuls les administrateurs du bailleur créent des comptes d’agents.")
        )
    landlords = Landlord.objects.all() if super_admin else None
    if request.method == "POST":
        form = AgentCreateForm(request.POST, landlords=landlords)
        if form.is_valid():
            data = form.cleaned_data
            landlord = data["landlord"] if super_admin else own
            role = data.get("role", StaffRole.AGENT) if super_admin else StaffRole.AGENT
            if not permissions.can_manage_agents(user, landlord):
                return permissions.forbidden(request)
            account, password = create_staff_account(data, role, landlord)
            return render(
                request,
                "bourse/staff/agent_created.html",
                staff_context(
                    request,
                    account=account,
                    password=password,
                    landlord=landlord,
                    role_label=StaffRole(role).label,
                ),
            )
    else:
        initial = {}
        if super_admin and request.GET.get("bailleur", "").isdigit():
            initial["landlord"] = request.GET["bailleur"]
        form = AgentCreateForm(initial=initial, landlords=landlords)
    return render(
        request, "bourse/staff/agent_form.html", staff_context(request, form=form, landlord=own)
    )


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


def _set_active(request, pk, active: bool):
    account = get_object_or_404(get_user_model(), pk=pk)
    profile = StaffProfile.objects.filter(user=account).select_related("landlord").first()
    if profile is None or not permissions.can_view_landlord(request.user, profile.landlord):
        raise Http404
    if not permissions.can_manage_account(request.user, account):
        return permissions.forbidden(
            request,
            _("Vous ne pouvez pas modifier ce compte (seuls les agents de votre organisme)."),
        )
    account.is_active = active
    account.save(update_fields=["is_active"])
    name = account.get_full_name() or account.username
    if active:
        messages.success(request, _("Le compte de %(name)s est réactivé.") % {"name": name})
    else:
        messages.success(request, _("Le compte de %(name)s est désactivé.") % {"name": name})
    url = reverse("bourse:agents")
    if permissions.is_super_admin(request.user):
        url += f"?bailleur={profile.landlord_id}"
    return redirect(url)


@require_POST
@staff_required
def agent_deactivate(request, pk):
    return _set_active(request, pk, False)


@require_POST
@staff_required
def agent_reactivate(request, pk):
    return _set_active(request, pk, True)


# --- Municipalities and reservataires ---------------------------------------------


@staff_required(test=permissions.can_view_positions)
def reservataires(request):
    form = ReservataireFilterForm(request.GET)
    queryset = form.filter(
        Reservataire.objects.select_related("updated_by").order_by("kind", "name")
    )
    return render(
        request,
        "bourse/staff/reservataires.html",
        staff_context(
            request,
            form=form,
            page=page_of(request, queryset),
            query=query_without_page(request),
            can_edit_positions=permissions.can_edit_positions(request.user),
        ),
    )


@staff_required(test=permissions.can_edit_positions)
def reservataire_edit(request, pk=None):
    instance = get_object_or_404(Reservataire, pk=pk) if pk else None
    old_position = instance.position if instance else None
    if request.method == "POST":
        form = ReservataireForm(request.POST, instance=instance)
        if form.is_valid():
            reservataire = form.save(commit=False)
            reservataire.name = form.cleaned_data["name"]
            reservataire.code = form.cleaned_data["code"]
            reservataire.updated_by = request.user
            if reservataire.position != old_position and not reservataire.position_date:
                reservataire.position_date = timezone.localdate()
            reservataire.save()
            messages.success(
                request,
                _("Position de %(name)s enregistrée : %(position)s.")
                % {"name": reservataire.name, "position": reservataire.get_position_display()},
            )
            return redirect("bourse:reservataires")
    else:
        form = ReservataireForm(instance=instance)
    return render(
        request,
        "bourse/staff/reservataire_form.html",
        staff_context(request, form=form, reservataire=instance),
    )


password_change = staff_required(StaffPasswordChangeView.as_view())
