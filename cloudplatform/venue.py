"""The venue QR check-in every domain shares: a screen at the venue shows a code that changes every
30 seconds; a member scans it with the mini-program to prove they are there.

The code is ``<purpose>.<record id>.<window>.<mac>``: an HMAC-SHA256 (key derived from SECRET_KEY) of
purpose, record id and the 30-second window number. The current and the previous window are accepted,
so a code scanned just before it changes still works; an older one (a photo sent to a friend) does
not. Domains declare their purpose and who may show its code with ``register_purpose``.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from cloudplatform.clock import now
from cloudplatform.errors import NotFound, Unprocessable

WINDOW_SECONDS = 30
TOKEN = re.compile(r"^([a-z_]{1,32})\.([1-9][0-9]{0,9})\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})$")


class VenueCodeInvalid(Unprocessable):
    """Not a venue code of this platform, or of another purpose, or tampered with."""

    code, message = "VENUE_CODE_INVALID", "二维码无效，请扫描现场的签到码"


class VenueCodeExpired(Unprocessable):
    """A genuine venue code, but older than the previous 30-second window (a photo of the screen)."""

    code, message = "VENUE_CODE_EXPIRED", "签到码已过期，请重新扫描现场屏幕上的二维码"


class VenuePurposeNotFound(NotFound):
    """No kind of venue code by that name (staff asked to show one)."""

    code, message = "VENUE_PURPOSE_NOT_FOUND", "签到码类型不存在"


@dataclass(frozen=True)
class Purpose:
    name: str  # e.g. "booking"
    title: str  # shown above the code, e.g. "预约签到"
    load: Callable[[Any, int], Any]  # (staff, record id) -> the record, raising 403/404 like load_scoped
    label: Callable[[Any], str]  # the record -> what the screen names, e.g. the service's name


PURPOSES: dict[str, Purpose] = {}


def register_purpose(purpose: Purpose) -> None:
    """Declare a kind of venue code (a domain does this once, at import)."""
    PURPOSES[purpose.name] = purpose


def load_for_display(staff: Any, purpose: str, record_id: int) -> tuple[Purpose, Any]:
    """The purpose and record whose code the staff member wants on a screen (403/404 as the domain says)."""
    declared = PURPOSES.get(purpose)
    if declared is None:
        raise VenuePurposeNotFound()
    return declared, declared.load(staff, record_id)


def _key() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"venue-qr", hashlib.sha256).digest()


def _mac(purpose: str, record_id: int, window: int) -> str:
    digest = hmac.new(_key(), f"{purpose}:{record_id}:{window}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def window_of(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def venue_code(purpose: str, record_id: int, at: datetime | None = None) -> str:
    """The code a venue screen shows for ``record_id`` during the current 30-second window."""
    window = window_of(at or now())
    return f"{purpose}.{record_id}.{window}.{_mac(purpose, record_id, window)}"


def seconds_left(at: datetime | None = None) -> int:
    """Seconds until the code shown now changes."""
    return WINDOW_SECONDS - int((at or now()).timestamp()) % WINDOW_SECONDS


def verify_venue_code(code: str, purpose: str) -> int:
    """The record id a scanned code names, if it is genuine, of this purpose and current.

    :raises VenueCodeInvalid: not a code of ours, or of another purpose.
    :raises VenueCodeExpired: genuine but older than the previous window.
    """
    match = TOKEN.match(code or "")
    if match is None or match[1] != purpose:
        raise VenueCodeInvalid()
    record_id, window, mac = int(match[2]), int(match[3]), match[4]
    if not hmac.compare_digest(mac, _mac(purpose, record_id, window)):
        raise VenueCodeInvalid()
    current = window_of(now())
    if window not in (current, current - 1):
        raise VenueCodeInvalid() if window > current else VenueCodeExpired()
    return record_id
