"""Read an uploaded patrimoine file (CSV or XLSX) as a stream of rows.

The file is recognised by its content, not its name. Hostile or broken files
are refused with a French message (``PatrimoineFileError``) before a single
row is returned: too large, neither CSV nor XLSX, a ZIP bomb, an XML bomb, an
unknown encoding or separator, missing columns. Rows are produced one at a
time so that memory stays flat whatever the size of the file.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import COLUMN_NAMES, REQUIRED_COLUMNS, normalise_header

ZIP_MAGIC = b"PK\x03\x04"
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
MAX_ZIP_MEMBERS = 500
MAX_COMPRESSION_RATIO = 100
CHUNK = 1 << 20


class PatrimoineFileError(Exception):
    """The whole file is refused; ``message`` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    line: int  # line number in the file as a spreadsheet shows it (header = 1)
    values: dict[str, object]


def max_upload_bytes() -> int:
    return getattr(settings, "PATRIMOINE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "PATRIMOINE_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024)


def _size(fileobj) -> int:
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def detect_format(fileobj) -> str:
    """'xlsx' or 'csv', judged by the first bytes of the content."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if b"\x00" in head or not head:
        raise PatrimoineFileError(
            _("Le fichier est vide ou n’est ni un fichier CSV ni un classeur XLSX.")
        )
    return "csv"


def read_rows(fileobj) -> tuple[list[str], Iterator[Row]]:
    """Check the file and return (columns found, iterator of rows).

    ``fileobj`` is a binary file object (an upload or an open file). Every
    check that can refuse the file as a whole runs before this returns.
    """
    if check_file(fileobj) == "xlsx":
        return _read_xlsx(fileobj)
    return _read_csv(fileobj)


def check_file(fileobj) -> str:
    """The checks of ``read_rows`` that come before the content: size and format."""
    size = _size(fileobj)
    if size > max_upload_bytes():
        raise PatrimoineFileError(
            _("Le fichier dépasse la taille maximale autorisée (%(max)s Mo).")
            % {"max": max_upload_bytes() // (1024 * 1024)}
        )
    return detect_format(fileobj)


# --- CSV -----------------------------------------------------------------


def _detect_encoding(fileobj) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes, else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        fileobj.seek(0)
        try:
            while chunk := fileobj.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        else:
            fileobj.seek(0)
            return encoding
    raise PatrimoineFileError(
        _(
            "L’encodage du fichier n’est pas reconnu : enregistrez-le en CSV UTF-8 "
            "ou Windows-1252 (« CSV séparateur point-virgule » dans Excel)."
        )
    )


def _detect_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    delimiter, count = max(counts.items(), key=lambda item: item[1])
    if count == 0:
        raise PatrimoineFileError(
            _(
                "Le séparateur de colonnes n’est pas reconnu : utilisez le point-virgule "
                "(;) ou la virgule (,), comme dans le modèle de fichier."
            )
        )
    return delimiter


def _map_header(raw_header: list[str]) -> list[str]:
    names = [normalise_header(h) for h in raw_header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise PatrimoineFileError(
            _(
                "Colonnes obligatoires absentes : %(missing)s. Vérifiez la première ligne "
                "du fichier (en-têtes) et le séparateur ; téléchargez le modèle au besoin."
            )
            % {"missing": ", ".join(missing)}
        )
    duplicates = {name for name in names if name in COLUMN_NAMES and names.count(name) > 1}
    if duplicates:
        raise PatrimoineFileError(
            _("Colonnes en double : %(columns)s.") % {"columns": ", ".join(sorted(duplicates))}
        )
    return names


@dataclass
class CsvLayout:
    """What the checks of a CSV file found: enough to read it, or to COPY it."""

    encoding: str  # "utf-8-sig" or "cp1252"
    delimiter: str
    names: list[str]  # one per column of the header, normalised
    data_offset: int | None  # first byte after the header line (None: not found)


def _header_end(fileobj) -> int | None:
    """Byte offset just after the header line, as ``readline`` ends it (\n, \r\n or \r)."""
    fileobj.seek(0)
    head = fileobj.read(CHUNK)
    fileobj.seek(0)
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    if not ends:
        return len(head) if len(head) < CHUNK else None
    end = min(ends)
    if head[end : end + 2] == b"\r\n":
        return end + 2
    return end + 1 if end + 1 < len(head) or len(head) < CHUNK else None


def check_csv(fileobj) -> CsvLayout:
    """Every check of a CSV file as a whole: encoding, header, separator, columns."""
    encoding = _detect_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        header_line = text.readline()
    finally:
        text.detach()
    if not header_line.strip():
        raise PatrimoineFileError(_("Le fichier ne contient pas de ligne d’en-têtes."))
    delimiter = _detect_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))
    names = _map_header(header)
    return CsvLayout(encoding, delimiter, names, _header_end(fileobj))


def _read_csv(fileobj) -> tuple[list[str], Iterator[Row]]:
    layout = check_csv(fileobj)
    fileobj.seek(0)
    text = io.TextIOWrapper(fileobj, encoding=layout.encoding, newline="")
    text.readline()
    names, delimiter = layout.names, layout.delimiter

    def rows() -> Iterator[Row]:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for index, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                yield Row(index, dict(zip(names, cells, strict=False)))
        except csv.Error as error:
            raise PatrimoineFileError(
                _("Le fichier CSV est mal formé (ligne %(line)s) : %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from error
        finally:
            text.detach()

    return names, rows()


# --- XLSX ----------------------------------------------------------------


def _check_zip(fileobj) -> None:
    """Refuse ZIP bombs, XML bombs and ZIP files that are not workbooks."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile as error:
        raise PatrimoineFileError(_("Le classeur XLSX est illisible ou endommagé.")) from error
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if len(members) > MAX_ZIP_MEMBERS or not all(n in names for n in XLSX_REQUIRED_MEMBERS):
            raise PatrimoineFileError(
                _("Ce fichier n’est pas un classeur XLSX (Excel 2007 ou plus récent).")
            )
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > max_uncompressed_bytes() or (
                member.file_size > CHUNK and ratio > MAX_COMPRESSION_RATIO
            ):
                raise PatrimoineFileError(
                    _(
                        "Le classeur est refusé : son contenu décompressé est anormalement "
                        "volumineux (fichier piégé ou trop gros)."
                    )
                )
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as stream:
                    prolog = stream.read(4096).upper()
                if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                    raise PatrimoineFileError(
                        _("Le classeur est refusé : il contient des déclarations XML interdites.")
                    )
    fileobj.seek(0)


def _cell_text(value) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return str(value)


def _read_xlsx(fileobj) -> tuple[list[str], Iterator[Row]]:
    _check_zip(fileobj)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except PatrimoineFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on broken files
        raise PatrimoineFileError(_("Le classeur XLSX est illisible ou endommagé.")) from error
    if not header or not any(header):
        raise PatrimoineFileError(_("La première feuille du classeur ne contient pas d’en-têtes."))
    names = _map_header([_cell_text(h) for h in header])

    def rows() -> Iterator[Row]:
        try:
            for index, cells in enumerate(iterator, start=2):
                if not cells or all(c is None or str(c).strip() == "" for c in cells):
                    continue
                yield Row(index, dict(zip(names, map(_cell_text, cells), strict=False)))
        except Exception as error:
            raise PatrimoineFileError(_("Le classeur XLSX est illisible ou endommagé.")) from error
        finally:
            workbook.close()

    return names, rows()
