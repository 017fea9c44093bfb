"""A deposit's one-time codes: 8 digits for the keypad and a 128-bit token for the QR code.

Neither is stored. Both derive from the deposit's random salt and keys derived from SECRET_KEY, so the
recipient can be shown them again, while a copy of the database alone reveals neither; the database
finds a deposit by keyed hashes of them (``code_hash`` per cabinet, ``qr_hash``). Eight digits at a
keypad that locks after 10 failures an hour: SECURITY.md has the odds.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

CODE_DIGITS = 8


def _mac(purpose: str, message: str) -> bytes:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), f"locker-{purpose}".encode(), hashlib.sha256)
    return hmac.new(key.digest(), message.encode(), hashlib.sha256).digest()


def new_salt() -> str:
    return secrets.token_hex(16)


def pickup_code(salt: str) -> str:
    """The 8 digits the recipient types at the cabinet."""
    return f"{int.from_bytes(_mac('code', salt)[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def qr_token(salt: str) -> str:
    """The token the recipient's QR code carries (128 bits, URL-safe base64)."""
    return base64.urlsafe_b64encode(_mac("qr", salt)[:16]).decode().rstrip("=")


def code_hash(cabinet_id: int, code: str) -> str:
    """How the database finds a live deposit by the code typed at its cabinet."""
    return _mac("code-hash", f"{cabinet_id}:{code}").hex()


def qr_hash(token: str) -> str:
    return _mac("qr-hash", token).hex()
