"""Small files of each kind, built in memory (an image with Pillow, an Office file with zipfile)."""

import io
import zipfile

from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
TEXT = "停水时间：周六 8:00-18:00\n请提前储水。\n".encode()
GPS = 0x8825  # the EXIF tag of the GPS block
MAKE = 0x010F  # the camera maker
STAMP = (2026, 12, 1, 0, 0, 0)


def jpeg_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "TestCam"
    exif[GPS] = {1: "N", 2: (34.0, 21.0, 0.0), 3: "E", 4: (107.0, 14.0, 0.0)}  # 宝鸡
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(16, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def office(part: str) -> bytes:
    """The same bytes on every call (fixed member times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", STAMP), "<Types/>")
        archive.writestr(zipfile.ZipInfo(part, STAMP), "<document/>")
    return out.getvalue()


def docx() -> bytes:
    return office("word/document.xml")


def xlsx() -> bytes:
    return office("xl/workbook.xml")


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.exe", b"MZ")
    return out.getvalue()
