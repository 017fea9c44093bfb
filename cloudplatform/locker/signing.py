"""How a cabinet proves a request is its own (after WeChat Pay v3 and AWS SigV4).

Each request carries four headers: ``X-Cabinet-Key`` (the key id), ``X-Timestamp`` (Unix seconds),
``X-Nonce`` (16–64 characters of ``[A-Za-z0-9_-]``, never reused) and ``X-Signature``: the lowercase hex
HMAC-SHA256, with the key's secret, of::

    METHOD \\n PATH \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))

The server refuses a timestamp more than 300 seconds off, a nonce seen in the last 10 minutes (Redis
``SET NX EX`` where configured, the ``device_nonce`` table otherwise), an unknown or retired key, a
disabled cabinet and a wrong signature (compared in constant time). A nonce it cannot check (Redis
unreachable) refuses the request too, with 503: a replay must never get through an outage. ``sign`` is
what the cabinet (and the simulator in ``scripts/cabinet``) computes.
"""

import hashlib
import hmac
import re
from datetime import timedelta

import redis
import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import now
from cloudplatform.errors import AppError, ServiceUnavailable
from cloudplatform.extensions import db, redis_client
from cloudplatform.locker.models import Cabinet, CabinetKey, DeviceNonce
from cloudplatform.orm import insert_for

SKEW_SECONDS = 300
NONCE_SECONDS = 600
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEADERS = ("X-Cabinet-Key", "X-Timestamp", "X-Nonce", "X-Signature")


class SignatureInvalid(AppError):
    """The request is not signed by an active key of an enabled cabinet: a header missing or malformed,
    an unknown or retired key, or a signature that does not match."""

    status, code, message = 401, "SIGNATURE_INVALID", "设备签名无效"


class TimestampSkewed(AppError):
    """``X-Timestamp`` is more than 300 seconds from the server's clock (set the cabinet's clock)."""

    status, code, message = 401, "TIMESTAMP_SKEWED", "设备时间与服务器相差过大"


class NonceReused(AppError):
    """``X-Nonce`` was used in the last 10 minutes: a replayed request."""

    status, code, message = 401, "NONCE_REUSED", "请求已被使用过"


class NonceUncheckable(ServiceUnavailable):
    """The server cannot check ``X-Nonce`` just now (its store is unreachable): the request was refused
    and nothing was done; send it again, freshly signed, after ``Retry-After`` seconds."""

    headers = {"Retry-After": "5"}


class CabinetDisabled(AppError):
    """The cabinet is disabled in the console: it may not act until enabled."""

    status, code, message = 403, "CABINET_DISABLED", "该云柜已停用"


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest())).encode()


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The ``X-Signature`` of a request."""
    return hmac.new(
        secret.encode(), string_to_sign(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def verify_request(method: str, path: str, headers, body: bytes) -> Cabinet:
    """The cabinet that signed this request, after every check; the nonce is then spent.

    :raises SignatureInvalid, TimestampSkewed, NonceReused, NonceUncheckable, CabinetDisabled
    """
    key_id, timestamp, nonce, signature = (headers.get(name, "") for name in HEADERS)
    if not (key_id and timestamp.isdigit() and len(timestamp) <= 12 and NONCE.match(nonce) and signature):
        raise SignatureInvalid()
    if abs(int(timestamp) - int(now().timestamp())) > SKEW_SECONDS:
        raise TimestampSkewed()
    found = db.session.execute(
        sa.select(CabinetKey.secret, Cabinet)
        .join(Cabinet, Cabinet.id == CabinetKey.cabinet_id)
        .where(CabinetKey.key_id == key_id, CabinetKey.active.is_(True))
    ).first()
    expected = sign(found.secret if found else "-", method, path, timestamp, nonce, body)
    if not hmac.compare_digest(expected, signature.lower()) or found is None:
        raise SignatureInvalid()
    if not spend_nonce(key_id, nonce):
        raise NonceReused()
    if found.Cabinet.disabled:
        raise CabinetDisabled()
    return found.Cabinet


def spend_nonce(key_id: str, nonce: str) -> bool:
    """Remember the nonce for 10 minutes; False when it was remembered already.

    :raises NonceUncheckable: Redis is unreachable (the request fails closed).
    """
    url = current_app.config["REDIS_URL"]
    if url:
        try:
            spent = redis_client(url).set(f"device-nonce:{key_id}:{nonce}", 1, nx=True, ex=NONCE_SECONDS)
        except redis.RedisError as error:
            current_app.logger.warning("device nonce not checked: Redis %s", type(error).__name__)
            raise NonceUncheckable() from None
        return bool(spent)
    current = now()
    return (
        db.session.execute(
            insert_for(db.session, DeviceNonce)
            .values(key_id=key_id, nonce=nonce, expires_at=current + timedelta(seconds=NONCE_SECONDS))
            .on_conflict_do_nothing(index_elements=["key_id", "nonce"])
            .execution_options(preserve_rowcount=True)
        ).rowcount
        == 1
    )


def prune_nonces() -> int:
    """Forget the table's nonces that expired (a job); returns how many."""
    return db.session.execute(sa.delete(DeviceNonce).where(DeviceNonce.expires_at < now())).rowcount
