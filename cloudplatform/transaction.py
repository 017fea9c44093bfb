"""The request's one transaction: ``create_app``'s ``finish_transaction`` commits it when the request
succeeds and rolls it back otherwise; a page that goes on after a refusal undoes it here; a request
whose database connection was lost answers 503."""

import contextlib
import logging
import traceback

import sqlalchemy as sa

from cloudplatform.errors import InternalError, ServiceUnavailable, handle_app_error
from cloudplatform.extensions import db

log = logging.getLogger(__name__)


def roll_back() -> None:
    """Undo the request's work so far (an operation refused; the page goes on to say why)."""
    db.session.rollback()


def database_unavailable(error: sa.exc.DBAPIError):
    """The database dropped the connection, cannot be reached, or cancelled a statement that ran past
    ``DATABASE_STATEMENT_TIMEOUT_MS`` or waited past ``DATABASE_LOCK_TIMEOUT_MS`` for a lock (SQLSTATE
    57014, 55P03: an ``OperationalError``): 503 with Retry-After, nothing changed. SQLAlchemy has already
    invalidated the pool's connections (the engine does not ping before each checkout), so the next
    request gets a fresh one. Any other database error is a fault (500). Either is logged with its
    statement, never its parameters (``hide_parameters``) nor the database's own message (PostgreSQL's
    DETAIL shows the refused row's values); a fault with its stack too."""
    sqlstate = getattr(error.orig, "sqlstate", None) or "-"
    if not (error.connection_invalidated or isinstance(error, sa.exc.OperationalError)):
        stack = "".join(traceback.format_tb(error.__traceback__))
        log.error(
            "database error %s (%s, SQLSTATE %s)\n[SQL: %s]\n%s",
            type(error).__name__,
            type(error.orig).__name__,
            sqlstate,
            error.statement,
            stack,
        )
        db.session.rollback()
        return handle_app_error(InternalError())
    log.warning(
        "database unavailable: %s (SQLSTATE %s)\n[SQL: %s]",
        type(error.orig).__name__,
        sqlstate,
        error.statement,
    )
    # the session's own connection may be gone too (a restart drops every one): its ROLLBACK fails,
    # and SQLAlchemy has then ended the transaction and invalidated the connection all the same
    with contextlib.suppress(sa.exc.DBAPIError):
        db.session.rollback()
    unavailable = ServiceUnavailable()
    unavailable.headers = {"Retry-After": "1"}
    return handle_app_error(unavailable)


# -- views that only read run without a transaction ----------------------------------------------

READ_ONLY = "read_only"


class WriteInReadOnlyRequest(RuntimeError):
    """A view marked ``read_only`` tried to write: a programming error, never a client's."""


def read_only(view):
    """Mark a view that only reads (the API's hot lists and /me): its statements run without a
    transaction, saving the BEGIN and COMMIT round trips; each sees what is committed when it runs. A
    write in such a request raises ``WriteInReadOnlyRequest``. Put it right above the function."""
    view.read_only = True
    return view


def begin_request(view) -> None:
    """Before the view: a read-only view gets an autocommit connection (no BEGIN is ever sent)."""
    if getattr(view, "read_only", False):
        db.session.info[READ_ONLY] = True
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def in_read_only_request() -> bool:
    """Whether this request's view is read-only (without making a session)."""
    return db.session.registry.has() and db.session.info.get(READ_ONLY, False)


def end_request() -> None:
    """After the request: a read-only one has nothing to commit, so its session just closes (the
    autocommit connection goes back to the pool); the session writes again."""
    if db.session.registry.has() and db.session.info.pop(READ_ONLY, None):
        db.session.close()


@sa.event.listens_for(sa.orm.Session, "do_orm_execute")
def _refuse_dml(state: sa.orm.ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY) and (state.is_insert or state.is_update or state.is_delete):
        raise WriteInReadOnlyRequest(str(state.statement)[:80])


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _refuse_flush(session: sa.orm.Session, *_args) -> None:
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise WriteInReadOnlyRequest("flush")
