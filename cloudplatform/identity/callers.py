"""Who a bearer token belongs to, remembered by each process, so that an authenticated request asks Redis
for one short value instead of asking the database; a revocation, and any change to a user, their staff
account or their tokens, still counts on the next request, in every process.

- Redis keeps a version of each user (``caller-version:<user id>``, a random value). Once a change to the
  user, their staff account or one of their tokens commits, the user gets a new version
  (``after_commit`` below): changes the ORM flushes are found by themselves; a bulk UPDATE or DELETE of
  those tables must say whose they are (``changed``), or it is refused.
- A process remembers a caller (the user, their active staff account, the token's expiry) with the
  version it read *before* it asked the database. A request uses what is remembered only while Redis
  holds the same version; otherwise it asks the database and remembers the answer again.
- A version Redis lost (a restart, a day without change) is replaced by a new random one, which matches
  nothing remembered. Without Redis (the embedded default), or while Redis fails, every request asks the
  database, as does a token's first request in a process (its user is not known yet).
- A change made outside the platform (psql) counts within ``REMEMBER_SECONDS``.
"""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import redis
import sqlalchemy as sa
from flask import current_app, has_app_context

from cloudplatform.clock import now
from cloudplatform.extensions import db, redis_client
from cloudplatform.identity.models import LoginToken, StaffAccount, User

REMEMBER_SECONDS = 60  # how long a remembered caller is used at most before the database is asked again
MAX_CALLERS = 10_000  # callers remembered per process (the oldest is forgotten first)
VERSION_SECONDS = 86_400  # an unchanged user's version is forgotten after a day (and replaced when read)
CHANGED = "callers_changed"  # session.info: the users whose callers this transaction changed
MARKED = "callers_marked"  # execution option of a bulk statement whose users were passed to ``changed``

Caller = tuple[User, StaffAccount | None]
Found = tuple[User, StaffAccount | None, datetime]  # the database's answer, with the token's expiry


@dataclass(frozen=True)
class Remembered:
    user: User  # detached copies: each request merges its own into its session
    staff: StaffAccount | None
    version: bytes | None  # None: read after the database was asked, not to be trusted
    until: datetime

    def caller(self) -> Caller:
        merge = db.session.merge
        return merge(self.user, load=False), self.staff and merge(self.staff, load=False)


class Callers:
    """A process's remembered callers by token hash, the oldest forgotten first."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Remembered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> Remembered | None:
        return self._entries.get(token_hash)

    def put(self, token_hash: str, entry: Remembered) -> None:
        with self._lock:
            self._entries[token_hash] = entry
            while len(self._entries) > MAX_CALLERS:
                self._entries.popitem(last=False)

    def forget(self, token_hash: str) -> None:
        with self._lock:
            self._entries.pop(token_hash, None)


def caller_for(token_hash: str, ask: Callable[[], Found | None]) -> Caller | None:
    """The caller a token belongs to: the remembered one while its user's version holds, else ``ask``'s
    answer (the database's: user, active staff account, token expiry; None for no live token)."""
    url = current_app.config["REDIS_URL"]
    if not url:
        return _caller(ask())
    callers: Callers | None = current_app.extensions.get("callers")
    if callers is None:  # the process's first authenticated request
        callers = current_app.extensions.setdefault("callers", Callers())
    entry = callers.get(token_hash)
    version = None  # a token's first request: whose it is, and so which version to read, is not known
    if entry is not None:
        try:
            version = read_version(redis_client(url), entry.user.id)
        except redis.RedisError:
            return _caller(ask())
        if version == entry.version and entry.until > now():
            return entry.caller()
    found = ask()
    if found is None:
        callers.forget(token_hash)
        return None
    user, staff, expires_at = found
    until = min(expires_at, now() + timedelta(seconds=REMEMBER_SECONDS))
    callers.put(token_hash, Remembered(detached(user), staff and detached(staff), version, until))
    return user, staff


def _caller(found: Found | None) -> Caller | None:
    return None if found is None else (found[0], found[1])


def detached(instance):
    """A copy of a loaded row that belongs to no session, its columns as loaded."""
    mapper = sa.inspect(type(instance))
    copy = mapper.class_(**{attr.key: getattr(instance, attr.key) for attr in mapper.column_attrs})
    sa.orm.make_transient_to_detached(copy)
    return copy


def read_version(client: redis.Redis, user_id: int) -> bytes:
    """The user's version, a new random one when Redis has none (never the same as a lost one)."""
    key = version_key(user_id)
    version = client.get(key)
    if version is None:
        client.set(key, secrets.token_hex(8), nx=True, ex=VERSION_SECONDS)
        version = client.get(key)
    return cast(bytes, version)


def version_key(user_id: int) -> str:
    return f"caller-version:{user_id}"


def changed(user_ids) -> None:
    """Give these users new versions once the session's transaction commits (a bulk statement's users;
    the ORM's own changes are found without it)."""
    db.session.info.setdefault(CHANGED, set()).update(user_ids)


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_changes(session: sa.orm.Session, _context) -> None:
    ids = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, User):
            ids.add(instance.id)
        elif isinstance(instance, LoginToken | StaffAccount):
            # a staff account linked to another user changes both users
            moved_from = sa.orm.attributes.get_history(instance, "user_id").deleted
            ids.update(i for i in (instance.user_id, *(moved_from or ())) if i is not None)
    if ids:
        session.info.setdefault(CHANGED, set()).update(ids)


@sa.event.listens_for(sa.orm.Session, "do_orm_execute")
def _refuse_unmarked_bulk(state: sa.orm.ORMExecuteState) -> None:
    if (
        (state.is_update or state.is_delete)
        and state.bind_mapper is not None
        and state.bind_mapper.class_ in (User, LoginToken, StaffAccount)
        and not state.execution_options.get(MARKED)
    ):
        raise RuntimeError(f"a bulk change of {state.bind_mapper.class_.__name__} must call callers.changed")


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _new_versions(session: sa.orm.Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint released: the change is not committed yet
        return
    ids = session.info.pop(CHANGED, None)
    url = has_app_context() and current_app.config["REDIS_URL"]
    if not ids or not url:
        return
    try:
        with redis_client(url).pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.set(version_key(user_id), secrets.token_hex(8), ex=VERSION_SECONDS)
            pipe.execute()
    except redis.RedisError as error:  # processes see the change within REMEMBER_SECONDS
        current_app.logger.error("callers of %d users not renewed: Redis %s", len(ids), type(error).__name__)
