"""QR codes as PNG images (booking check-in, mini-program codes of the stand-in)."""

import struct
import zlib

import qrcode


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of ``text`` as a greyscale PNG, written with the standard library (no Pillow here)."""
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    rows = []
    for row in code.get_matrix():
        line = b"".join(b"\x00" * scale if dark else b"\xff" * scale for dark in row)
        rows.extend([b"\x00" + line] * scale)  # filter type 0 per scanline
    size = len(code.get_matrix()) * scale

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
