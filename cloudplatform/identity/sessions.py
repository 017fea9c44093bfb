"""Console sessions kept by the server: the browser's cookie holds only a random id (its SHA-256 is
stored), so signing out, a password change or reset and deactivation end a session at once, and a copied
cookie opens nothing afterwards. A session ends after ``CONSOLE_SESSION_IDLE_MINUTES`` unused and
``CONSOLE_SESSION_MAX_HOURS`` after its sign-in, whichever comes first."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import ConsoleSession, StaffAccount

TOUCH_EVERY = timedelta(minutes=1)  # how stale ``last_seen_at`` may get (one write a minute, not a request)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    """(idle, absolute) lifetimes of a session."""
    config = current_app.config
    return timedelta(minutes=config["CONSOLE_SESSION_IDLE_MINUTES"]), timedelta(
        hours=config["CONSOLE_SESSION_MAX_HOURS"]
    )


def start_session(account: StaffAccount) -> str:
    """A new session of the account; the returned id goes into the cookie and nowhere else. Sessions of
    anyone that have expired unvisited are cleared away here."""
    token = secrets.token_urlsafe(32)
    moment = now()
    idle, lifetime = _limits()
    db.session.execute(
        sa.delete(ConsoleSession).where(
            (ConsoleSession.last_seen_at <= moment - idle) | (ConsoleSession.created_at <= moment - lifetime)
        )
    )
    db.session.add(
        ConsoleSession(token_hash=_hash(token), staff_id=account.id, created_at=moment, last_seen_at=moment)
    )
    return token


SESSION_STAFF = (
    sa.select(ConsoleSession, StaffAccount)
    .join(StaffAccount, StaffAccount.id == ConsoleSession.staff_id)
    .where(ConsoleSession.token_hash == sa.bindparam("token_hash"))
    .options(sa.orm.joinedload(StaffAccount.community), sa.orm.joinedload(StaffAccount.street))
)


def session_staff(token: str) -> StaffAccount | None:
    """The active account signed in with this id, with its community and street (one statement), or None:
    unknown, ended, expired (then ended) or deactivated."""
    row = db.session.execute(SESSION_STAFF, {"token_hash": _hash(token)}).first()
    if row is None:
        return None
    console_session, account = row
    moment = now()
    idle, lifetime = _limits()
    if moment - console_session.last_seen_at >= idle or moment - console_session.created_at >= lifetime:
        db.session.delete(console_session)
        return None
    if not account.is_active:
        return None
    if moment - console_session.last_seen_at >= TOUCH_EVERY:
        console_session.last_seen_at = moment
    return account


def end_session(token: str) -> None:
    db.session.execute(sa.delete(ConsoleSession).where(ConsoleSession.token_hash == _hash(token)))


def end_sessions(account: StaffAccount) -> None:
    """Sign the account out everywhere."""
    db.session.execute(sa.delete(ConsoleSession).where(ConsoleSession.staff_id == account.id))
