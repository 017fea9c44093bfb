"""Idempotency-Key for retried POSTs (after Stripe and the IETF draft).

The key is claimed in its own committed transaction before the work starts; the response is stored in
the request's own transaction, so the work and its remembered answer commit together.
Same key and body: the first answer is replayed. Same key, other body: 422. Still running: 409.

On PostgreSQL the request also holds a transaction-scoped advisory lock on its key, taken before the
claim: a retry that finds the key in flight but can take the lock knows the first request's transaction
is over without an answer (its connection was lost, its worker killed) and takes the key over at once.
Elsewhere such a key counts as abandoned after ``ABANDONED_AFTER``.
"""

import hashlib
from datetime import datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.clock import now
from cloudplatform.errors import Conflict, Unprocessable
from cloudplatform.extensions import db

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255  # printable characters
ABANDONED_AFTER = timedelta(minutes=10)  # an in-flight key older than this was left by a crashed worker


class InvalidIdempotencyKey(Unprocessable):
    """The Idempotency-Key header is empty, longer than 255 characters or not printable."""

    code, message = "INVALID_IDEMPOTENCY_KEY", "Idempotency-Key 格式有误"


class IdempotencyKeyReused(Unprocessable):
    """The Idempotency-Key was used for a request with another body or URL: use a new key."""

    code, message = "IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于另一个请求"


class IdempotencyInProgress(Conflict):
    """The first request with this Idempotency-Key is still running: retry in a moment."""

    code, message = "IDEMPOTENCY_IN_PROGRESS", "相同请求正在处理中，请稍后再试"


class IdempotencyKey(db.Model):
    __table_args__ = (sa.UniqueConstraint("actor", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    in_flight: Mapped[bool] = mapped_column(default=True)
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column(index=True)


def request_fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.encode(), request.get_data()):
        digest.update(part + b"\0")
    return digest.hexdigest()


def actor_key() -> str:
    """Keys are scoped to the caller: the signed-in user once known, else the client address."""
    return g.get("actor_key") or f"ip:{request.remote_addr}"


def idempotent(view):
    """Make a POST view safe to retry with an Idempotency-Key header (marked for the API document)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise InvalidIdempotencyKey()
        holder_gone = hold_key_lock(actor_key(), key)
        stored = claim_key(actor_key(), key, request_fingerprint(), holder_gone)
        if stored.in_flight:
            g.idempotency_key_id = stored.id
            return view(*args, **kwargs)
        response = current_app.response_class(
            stored.response_body, status=stored.response_status, mimetype="application/json"
        )
        response.headers[REPLAYED_HEADER] = "true"
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def hold_key_lock(actor: str, key: str) -> bool:
    """PostgreSQL: lock the key for the rest of the request's transaction; 409 while another request
    holds it. True when the lock was taken: whoever claimed the key before is no longer running. False
    on SQLite, which has no such lock."""
    if db.engine.dialect.name != "postgresql":
        return False
    lock_id = int.from_bytes(hashlib.sha256(f"{actor}\0{key}".encode()).digest()[:8], "big", signed=True)
    if not db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(lock_id))):
        raise IdempotencyInProgress()
    return True


def claim_key(actor: str, key: str, fingerprint: str, holder_gone: bool = False) -> IdempotencyKey:
    """Claim the key for this request, or return the finished record to replay. An in-flight claim is
    taken over when its request is known to be gone (``holder_gone``) or is older than ``ABANDONED_AFTER``."""
    table = IdempotencyKey.__table__
    current = now()
    ttl = timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])
    with db.engine.begin() as conn:
        existing = conn.execute(
            sa.select(table).where(table.c.actor == actor, table.c.key == key).with_for_update()
        ).first()
        if (
            existing is None
            or existing.expires_at <= current
            or (existing.in_flight and (holder_gone or existing.created_at <= current - ABANDONED_AFTER))
        ):
            if existing is not None:
                conn.execute(table.delete().where(table.c.id == existing.id))
            try:
                with conn.begin_nested():
                    new_id = conn.execute(
                        table.insert().values(
                            actor=actor,
                            key=key,
                            request_hash=fingerprint,
                            in_flight=True,
                            created_at=current,
                            expires_at=current + ttl,
                        )
                    ).inserted_primary_key[0]
            except sa.exc.IntegrityError:
                raise IdempotencyInProgress() from None
            return IdempotencyKey(id=new_id, in_flight=True)
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if existing.in_flight:
        raise IdempotencyInProgress()
    return IdempotencyKey(
        in_flight=False, response_status=existing.response_status, response_body=existing.response_body
    )


def remember_response(response) -> None:
    """Store the answer of a claimed key in the current transaction (5xx frees the key for a retry).
    Called again with a 503 when the COMMIT failed: a key whose answer did commit keeps it."""
    key_id = g.get("idempotency_key_id")
    if key_id is None:
        return
    table = IdempotencyKey.__table__
    if response.status_code >= 500:
        db.session.execute(table.delete().where(table.c.id == key_id, table.c.in_flight))
    else:
        db.session.execute(
            table.update()
            .where(table.c.id == key_id)
            .values(
                in_flight=False,
                response_status=response.status_code,
                response_body=response.get_data(as_text=True),
            )
        )


def prune_expired_keys() -> int:
    """Delete keys past their lifetime; returns how many went."""
    table = IdempotencyKey.__table__
    return db.session.execute(table.delete().where(table.c.expires_at <= now())).rowcount
