"""What a file is, by its bytes (never its name or the client's claim), and images made safe to serve."""

import io
import zipfile

from PIL import Image, UnidentifiedImageError

PDF, JPEG, PNG, TEXT = "application/pdf", "image/jpeg", "image/png", "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", TEXT: ".txt", DOCX: ".docx", XLSX: ".xlsx"}
OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<head", b"<body", b"<iframe")


def office_type(data: bytes) -> str | None:
    """A .docx or .xlsx: a zip holding ``[Content_Types].xml`` and the part of its kind."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in OFFICE_PARTS.items() if part in names), None)


def is_plain_text(data: bytes) -> bool:
    """UTF-8 without control characters (tabs and line ends aside) and nothing a browser takes for markup."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any((ord(c) < 32 and c not in "\t\r\n") or c == "\x7f" for c in text):
        return False
    head = text.lstrip()[:512].lower().encode()
    return not any(marker in head for marker in MARKUP)


def sniff(data: bytes) -> str | None:
    """The allowed content type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return office_type(data)
    return TEXT if data and is_plain_text(data) else None


class ImageRefused(ValueError):
    """Not a readable image, or more pixels than allowed."""


def reencode(data: bytes, content_type: str, max_pixels: int) -> bytes:
    """Decode and write the image afresh: no EXIF (location, camera) or other metadata survives.

    :raises ImageRefused: it does not decode as the type it claims, or it is larger than ``max_pixels``.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise ImageRefused("too many pixels")
            fmt = "JPEG" if content_type == JPEG else "PNG"
            if image.format != fmt:
                raise ImageRefused("not the type it claims")
            image.load()
            clean = image.convert("RGB") if fmt == "JPEG" and image.mode not in ("RGB", "L") else image
            out = io.BytesIO()
            if fmt == "JPEG":
                clean.save(out, "JPEG", quality=90)
            else:
                clean.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ImageRefused(str(error)) from None
