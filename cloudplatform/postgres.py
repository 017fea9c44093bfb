"""The psycopg cursor the engine's PostgreSQL connections use.

SQLAlchemy reads ``cursor.description`` after every statement, and psycopg builds a ``Column`` object
for each column of the result each time it is read. For a statement SQLAlchemy has run before (every
hot statement: their result columns are cached with the compiled statement) it only checks that the
description is there, so here the columns are built when something first looks inside it: a
statement's first run, ``exec_driver_sql``, a row factory. Measured: 7 % of a notice list.
"""

from collections.abc import Sequence

import psycopg
from psycopg import pq

TUPLES = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class Cursor(psycopg.Cursor):
    @property
    def description(self) -> Sequence[psycopg.Column] | None:  # type: ignore[override]  # a list in psycopg
        result = self.pgresult
        if result is None or not (result.nfields or result.status in TUPLES):
            return None  # as psycopg: the statement returned no rows (DML without RETURNING, SET)
        return Description(self, result)


class Description(Sequence[psycopg.Column]):
    """psycopg's description of ``result``, its columns made on first use."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, cursor: Cursor, result: pq.abc.PGresult):
        self._cursor = cursor
        self._result = result
        self._columns: list[psycopg.Column] | None = None

    def _made(self) -> list[psycopg.Column]:
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                raise RuntimeError("a cursor's description read after it ran another statement")
            self._columns = psycopg.Cursor.description.fget(self._cursor) or []  # type: ignore[attr-defined]
        return self._columns

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        return self._made()[index]

    def __iter__(self):
        return iter(self._made())

    def __repr__(self) -> str:
        return repr(self._made())
