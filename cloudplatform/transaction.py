"""The request's one transaction: ``create_app``'s ``finish_transaction`` commits it when the request
succeeds and rolls it back otherwise; a page that goes on after a refusal undoes it here; a request
whose database connection was lost answers 503."""

import logging

import sqlalchemy as sa

from cloudplatform.errors import ServiceUnavailable, handle_app_error
from cloudplatform.extensions import db

log = logging.getLogger(__name__)


def roll_back() -> None:
    """Undo the request's work so far (an operation refused; the page goes on to say why)."""
    db.session.rollback()


def database_unavailable(error: sa.exc.DBAPIError):
    """The database dropped the connection or cannot be reached: 503 with Retry-After, nothing changed.
    SQLAlchemy has already invalidated the pool's connections (the engine does not ping before each
    checkout), so the next request gets a fresh one. Any other database error is a fault (500)."""
    if not (error.connection_invalidated or isinstance(error, sa.exc.OperationalError)):
        raise error
    log.warning("database unavailable: %s", type(error.orig).__name__)
    db.session.rollback()
    unavailable = ServiceUnavailable()
    unavailable.headers = {"Retry-After": "1"}
    return handle_app_error(unavailable)
