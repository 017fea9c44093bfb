"""Helpers for tests."""

from contextlib import contextmanager

import sqlalchemy as sa

from cloudplatform.extensions import db as _db


@contextmanager
def count_queries(app):
    """Count the SQL statements the app's engine executes inside the block."""
    statements = []

    def before_cursor_execute(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.engines[None]
    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
