"""Field encryption for sensitive personal data (PIPL): AES-GCM per value, with a keyed hash for lookups.

``FIELD_KEYS`` holds every key that may still decrypt (JSON ``{"key id": "base64 of 32 bytes"}``);
``FIELD_KEY_ID`` names the one new values are encrypted with. A value is stored as its key id and
``base64(nonce || ciphertext)``; the column it belongs to is bound in as associated data, so a value
copied into another column does not decrypt. Rotating: add a key, make it current, re-encrypt (the
``flask crypto rotate`` command), then retire the old one. ``FIELD_HASH_KEY`` keys the HMAC that finds
equal values (duplicate ID numbers) without decrypting; it is not rotated (the hashes would change).
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

NONCE_BYTES = 12
# development only (refused in production): a fixed key so the embedded demo's data survives restarts
DEV_FIELD_KEYS = json.dumps(
    {"dev1": base64.b64encode(hashlib.sha256(b"cloudplatform-dev-field-key").digest()).decode()}
)
DEV_FIELD_HASH_KEY = "dev-only-field-hash-key"


class CryptoError(RuntimeError):
    """A key is missing or malformed, or a stored value does not decrypt (tampered, or the wrong column)."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    token: str


def parse_keys(raw: str) -> dict[str, bytes]:
    """``FIELD_KEYS`` as key id -> 32 key bytes; :raises CryptoError: not that shape."""
    try:
        keys = {str(k): base64.b64decode(v, validate=True) for k, v in json.loads(raw).items()}
    except (ValueError, TypeError, AttributeError, binascii.Error) as error:
        raise CryptoError("FIELD_KEYS must be JSON {key id: base64 of 32 bytes}") from error
    if not keys or any(len(key) != 32 for key in keys.values()):
        raise CryptoError("FIELD_KEYS must hold at least one key, each of 32 bytes")
    return keys


def _keys() -> dict[str, bytes]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keys = app.extensions.get("field_keys")
    if keys is None:
        keys = app.extensions["field_keys"] = parse_keys(app.config["FIELD_KEYS"])
    return keys


def current_key_id() -> str:
    key_id = current_app.config["FIELD_KEY_ID"] or sorted(_keys())[-1]
    if key_id not in _keys():
        raise CryptoError(f"FIELD_KEY_ID {key_id!r} is not in FIELD_KEYS")
    return key_id


def seal(plaintext: str, column: str) -> Sealed:
    """Encrypt ``plaintext`` for ``column`` (e.g. ``"aid_application.id_number"``) with the current key."""
    key_id = current_key_id()
    nonce = os.urandom(NONCE_BYTES)
    data = AESGCM(_keys()[key_id]).encrypt(nonce, plaintext.encode(), column.encode())
    return Sealed(key_id, base64.b64encode(nonce + data).decode())


def unseal(key_id: str, token: str, column: str) -> str:
    """The plaintext of a sealed value; :raises CryptoError: unknown key, tampered, or another column's."""
    key = _keys().get(key_id)
    if key is None:
        raise CryptoError(f"no key {key_id!r} in FIELD_KEYS")
    try:
        raw = base64.b64decode(token, validate=True)
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], column.encode()).decode()
    except (InvalidTag, ValueError, binascii.Error) as error:
        raise CryptoError("the stored value does not decrypt") from error


def lookup_hash(value: str, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256, hex) of ``value`` that finds equal values without decrypting them."""
    key = current_app.config["FIELD_HASH_KEY"].encode()
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
