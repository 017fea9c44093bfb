"""Lists staff take out of the office: rows and headers → a CSV (UTF-8 with BOM, for Excel) or an
.xlsx download with a Chinese file name. Values are shown as on screen (masked by the caller);
a value a spreadsheet would run as a formula is prefixed with a quote."""

import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_LENGTH = 31  # Excel's limit


def guard(value) -> str | int | float:
    """A cell's value: numbers stay numbers; text that would start a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the Chinese name per RFC 5987 (filename*=UTF-8'')."""
    fallback = filename.encode("ascii", "ignore").decode().strip() or "export"
    if fallback.startswith("."):
        fallback = "export" + fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard(h) for h in headers])
    writer.writerows([guard(v) for v in row] for row in rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:SHEET_TITLE_LENGTH] or "Sheet1")
    sheet.append([guard(h) for h in headers])
    for row in rows:
        sheet.append([guard(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(fmt: str, name: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """The download of ``rows`` under ``headers`` as ``<name>.<fmt>`` (fmt: csv or xlsx)."""
    body = to_xlsx(name, headers, rows) if fmt == "xlsx" else to_csv(headers, rows)
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response
