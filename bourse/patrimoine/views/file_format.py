"""The published format of the patrimoine file (public): its page and its
templates (CSV, XLSX), all drawn from ``columns.COLUMNS``."""

import csv
import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..columns import COLUMN_NAMES, COLUMNS


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
