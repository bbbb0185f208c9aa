"""The landlord's dwellings in the staff area: the filtered list and the CSV export
(in the import's format, cells safe for spreadsheets)."""

import csv

from django.contrib import messages
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse import permissions
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.eligibility import is_eligible, opposed_contingent
from bourse.models import Commune, Dwelling, Position, Reservataire, ReservataireKind
from bourse.permissions import landlord_from_request, staff_required
from bourse.staff.context import staff_context
from bourse.territories import natural_sorted
from portal.http import Echo, page_of, query_without_page

from ..columns import COLUMN_NAMES, COLUMNS
from ..forms import DwellingFilterForm
from ..validation import safe_spreadsheet_text


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
    commune = form.fields["commune"]  # the list in natural order (« Paris 2e » before « 10e »)
    commune.choices = [
        ("", commune.empty_label),
        *natural_sorted(
            ((c.pk, commune.label_from_instance(c)) for c in communes), key=lambda row: row[1]
        ),
    ]
    queryset = queryset.annotate(opposed=opposed_contingent(), position=position_subquery())
    if form.is_valid():
        queryset = filtered(queryset, form.cleaned_data)
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


def filtered(queryset, data: dict):
    """``queryset`` (annotated with ``opposed``) narrowed to a valid ``DwellingFilterForm``."""
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
    return queryset


def _decimal_fr(value) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


# How a stored value is written back in the import's format, by the column's SQL type.
EXPORT_FORMATS = {
    "numeric": _decimal_fr,
    "int": str,
    "boolean": lambda value: "oui" if value else "non",
    "text": safe_spreadsheet_text,
}
_EXPORTED = tuple((column.field, EXPORT_FORMATS[column.sql_type]) for column in COLUMNS)


def export_row(dwelling: Dwelling) -> list[str]:
    """One dwelling in the import's columns (``columns.COLUMNS``), text made safe."""
    return [write(getattr(dwelling, field)) for field, write in _EXPORTED]


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
    record_access(request, screen=Screen.PATRIMOINE_EXPORT, reference=f"patrimoine-{landlord.pk}")
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
