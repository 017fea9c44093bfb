"""QR codes as PNG or JPEG images (booking check-in; the WeChat stand-in's mini-program codes)."""

import struct
import zlib

import qrcode

JPEG_BLOCK = 8  # one module is one 8x8 JPEG block: every block is flat, so only its DC value counts
# the standard luminance DC Huffman table (ITU T.81, table K.3): code lengths 1-16, then the symbols
DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
DC_SYMBOLS = tuple(range(12))
DC_QUANT = 8  # quantised DC of a flat block: 8 * (level - 128) / 8, so black -128 and white 127


def qr_matrix(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of ``text`` as a greyscale PNG, written with the standard library (no Pillow here)."""
    matrix = qr_matrix(text)
    rows = []
    for row in matrix:
        line = b"".join(b"\x00" * scale if dark else b"\xff" * scale for dark in row)
        rows.extend([b"\x00" + line] * scale)  # filter type 0 per scanline
    size = len(matrix) * scale

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


def qr_jpeg(text: str) -> bytes:
    """A QR code of ``text`` as a baseline greyscale JPEG, 8 pixels a module (standard library only)."""
    matrix = qr_matrix(text)
    size = len(matrix) * JPEG_BLOCK
    dc_codes = _huffman_codes(DC_BITS, DC_SYMBOLS)
    bits = _BitWriter()
    previous = 0
    for row in matrix:
        for dark in row:
            value = -128 if dark else 127
            diff, previous = value - previous, value
            category = abs(diff).bit_length()
            bits.write(*dc_codes[category])
            if category:
                bits.write(diff if diff > 0 else diff + (1 << category) - 1, category)
            bits.write(0, 1)  # end of block: the AC table's only code, "0"
    quant = bytes([DC_QUANT] * 64)
    frame = struct.pack(">BHHB", 8, size, size, 1) + bytes([1, 0x11, 0])
    huffman = (
        bytes([0x00, *DC_BITS, *DC_SYMBOLS])
        + bytes([0x10, 1, *([0] * 15), 0x00])  # AC table 0: one code of length 1 for end of block
    )
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, b"\x00" + quant)
        + _segment(0xC0, frame)
        + _segment(0xC4, huffman)
        + _segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
        + bits.getvalue()
        + b"\xff\xd9"
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _huffman_codes(lengths, symbols) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes: symbol -> (code, length)."""
    codes, code, position = {}, 0, 0
    for length, count in enumerate(lengths, 1):
        for _ in range(count):
            codes[symbols[position]] = (code, length)
            code, position = code + 1, position + 1
        code <<= 1
    return codes


class _BitWriter:
    """Entropy-coded bits, most significant first, with JPEG's 0xFF byte stuffing."""

    def __init__(self):
        self.out, self.acc, self.count = bytearray(), 0, 0

    def write(self, value: int, length: int) -> None:
        self.acc, self.count = (self.acc << length) | (value & ((1 << length) - 1)), self.count + length
        while self.count >= 8:
            self.count -= 8
            byte = (self.acc >> self.count) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)
        self.acc &= (1 << self.count) - 1

    def getvalue(self) -> bytes:
        if self.count:
            self.write((1 << (8 - self.count)) - 1, 8 - self.count)  # pad with ones
        return bytes(self.out)
