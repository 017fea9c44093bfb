"""The certificate as a PNG: Chinese text drawn with the CJK font of ``CERTIFICATE_FONT_PATH`` (Noto Sans
CJK by default) and a QR code of the verification address, in a fixed layout of ``SIZE`` pixels."""

import functools
import io
import os
from dataclasses import dataclass
from datetime import date

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from cloudplatform.qr import qr_matrix
from cloudplatform.volunteer.certificates.errors import CertificateFontMissing

SIZE = (1240, 877)  # A4 landscape, about 105 dpi
MARGIN = 36
RED, INK, GREY, WHITE = (183, 28, 28), (33, 33, 33), (97, 97, 97), (255, 255, 255)
QR_SIZE = 232  # the QR code's box, quiet zone included
QR_BOX = (SIZE[0] - MARGIN - 60 - QR_SIZE, SIZE[1] - MARGIN - 100 - QR_SIZE)  # its top-left corner
SIMPLIFIED_CHINESE_FACE = 2  # Noto Sans CJK's .ttc: JP, KR, SC, TC, HK


@dataclass(frozen=True)
class CertificateText:
    """What the certificate says (the volunteer's real name: it is their own document)."""

    name: str
    community: str
    minutes: int
    star_level: int
    period: str
    issued_on: date
    number: str
    url: str  # the verification address the QR code carries


@functools.lru_cache(maxsize=16)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size, index=SIMPLIFIED_CHINESE_FACE)
    except OSError:
        return ImageFont.truetype(path, size)  # one face only (a .ttf or .otf): its first


def font(size: int) -> ImageFont.FreeTypeFont:
    """The configured CJK font at ``size`` pixels.

    :raises CertificateFontMissing: the font file is missing or unreadable.
    """
    path = current_app.config["CERTIFICATE_FONT_PATH"]
    if not os.path.isfile(path):  # Pillow would look for another file of that name elsewhere
        raise CertificateFontMissing()
    try:
        return _font(path, size)
    except OSError:
        raise CertificateFontMissing() from None


def star_text(level: int) -> str:
    """★★☆☆☆（2 星）, or 未达一星."""
    return f"{'★' * level}{'☆' * (5 - level)}（{level} 星）" if level else "未达一星"


def fitted(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> ImageFont.FreeTypeFont:
    """The font at ``size``, or smaller until ``text`` fits in ``width`` pixels."""
    chosen = font(size)
    while size > 14 and draw.textlength(text, font=chosen) > width:
        size -= 2
        chosen = font(size)
    return chosen


def qr_image(url: str) -> Image.Image:
    """The QR code of ``url`` scaled to fit ``QR_SIZE`` (whole pixels a module), centred on white."""
    matrix = qr_matrix(url)
    modules = len(matrix)
    scale = max(1, QR_SIZE // modules)
    code = Image.new("1", (modules, modules), 1)
    code.putdata([0 if dark else 1 for row in matrix for dark in row])
    code = code.resize((modules * scale, modules * scale), Image.Resampling.NEAREST).convert("RGB")
    box = Image.new("RGB", (QR_SIZE, QR_SIZE), WHITE)
    offset = (QR_SIZE - modules * scale) // 2
    box.paste(code, (offset, offset))
    return box


def render_png(text: CertificateText) -> bytes:
    """The certificate as PNG bytes.

    :raises CertificateFontMissing: the font is missing (nothing drawn).
    """
    title_font, body_font, small_font = font(72), font(32), font(22)
    image = Image.new("RGB", SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((MARGIN, MARGIN, width - MARGIN, height - MARGIN), outline=RED, width=6)
    draw.rectangle(
        (MARGIN + 14, MARGIN + 14, width - MARGIN - 14, height - MARGIN - 14), outline=RED, width=2
    )
    draw.text((width // 2, MARGIN + 90), "志愿服务证明", font=title_font, fill=RED, anchor="mm")

    left, right = MARGIN + 90, QR_BOX[0] - 40
    hours = f"{text.minutes / 60:.1f}"
    intro = f"兹证明 {text.name} 为{text.community}注册志愿者，"
    served = f"于{text.period}期间累计参加志愿服务 {hours} 小时。"
    y = MARGIN + 190
    for line in (intro, served):
        draw.text((left, y), line, font=fitted(draw, line, 34, width - MARGIN - 90 - left), fill=INK)
        y += 62
    y += 20
    rows = [
        ("志愿者", text.name),
        ("所在社区", text.community),
        ("服务时长", f"{hours} 小时"),
        ("星级", star_text(text.star_level)),
        ("服务期间", text.period),
        ("开具日期", f"{text.issued_on.year}年{text.issued_on.month}月{text.issued_on.day}日"),
        ("证明编号", text.number),
    ]
    for label, value in rows:
        draw.text((left, y), f"{label}：", font=body_font, fill=GREY)
        value_left = left + 180
        draw.text((value_left, y), value, font=fitted(draw, value, 32, right - value_left), fill=INK)
        y += 52

    image.paste(qr_image(text.url), QR_BOX)
    caption_y = QR_BOX[1] + QR_SIZE + 14
    draw.text((QR_BOX[0] + QR_SIZE // 2, caption_y), "扫码验证真伪", font=small_font, fill=GREY, anchor="mt")
    draw.text(
        (width // 2, height - MARGIN - 40),
        f"宝鸡社区云平台 · {text.community}",
        font=fitted(draw, f"宝鸡社区云平台 · {text.community}", 24, width - 2 * MARGIN - 40),
        fill=GREY,
        anchor="mm",
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
