"""Keyset (cursor) pagination: pages stay fast however deep the list goes."""

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from cloudplatform.errors import Unprocessable
from cloudplatform.extensions import db

MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 512
CURSOR_PATTERN = "^[A-Za-z0-9_-]*$"  # unpadded URL-safe base64


class InvalidCursor(Unprocessable):
    """The cursor was not a ``next_cursor`` of this list: start again without one."""

    code, message = "INVALID_CURSOR", "分页游标无效"


class PageArgsSchema(ma.Schema):
    cursor = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=MAX_CURSOR_LENGTH),
        metadata={
            "description": "下一页：上一页的 next_cursor，原样传回。The previous page's next_cursor, "
            "passed back unchanged (opaque: never build or change one; 422 INVALID_CURSOR otherwise). "
            "Omit for the first page.",
            "pattern": CURSOR_PATTERN,
            "example": "WzE3XQ",
        },
    )
    # query strings arrive as text: "20" is fine, "7.9" is refused (only JSON bodies use strict integers)
    limit = ma.fields.Integer(
        load_default=20,
        validate=ma.validate.Range(1, MAX_LIMIT),
        metadata={"description": "每页条数 items per page", "example": 20},
    )


def keyset_page(
    stmt: sa.Select,
    order_by: list,
    cursor: str | None,
    limit: int,
    *,
    descending: bool = True,
    values_of: Callable[[Any], list] | None = None,
    params: dict | None = None,
):
    """Return (rows, next_cursor) for ``stmt`` ordered by ``order_by`` columns (the last one unique).

    ``values_of`` gives a row's values of those columns (default: its attributes of the columns' names),
    for columns of a joined table; ``params`` are the values of ``stmt``'s bound parameters. A hot list
    whose statement is built once pages with ``Keyset`` instead.

    :raises InvalidCursor: the cursor was not made by this function for these columns.
    """
    if cursor:
        values = decode_cursor(cursor, order_by)
        key = sa.tuple_(*order_by)
        stmt = stmt.where(key < sa.tuple_(*values) if descending else key > sa.tuple_(*values))
    stmt = stmt.order_by(*(c.desc() if descending else c.asc() for c in order_by)).limit(limit + 1)
    return next_page(list(db.session.scalars(stmt, params)), order_by, limit, values_of)


class Keyset:
    """``keyset_page`` for a statement built once (a hot list's module constant): its first page and the
    pages after a cursor are statements built once too, the limit and the cursor's values bound at each
    request, so SQLAlchemy finds them in its cache without working out their cache key again. A statement
    of columns only runs on the connection, and a page is the rows it answers, without the ORM's work per
    statement and per row (a third of a notice list's page); one that selects ORM entities (with columns
    beside them) runs in the session, which makes the objects."""

    def __init__(self, stmt: sa.Select, order_by: list, *, descending: bool = True):
        self.order_by = order_by
        order = [c.desc() if descending else c.asc() for c in order_by]
        limit = sa.bindparam("keyset_limit", type_=sa.Integer)
        key = sa.tuple_(*order_by)
        after = sa.tuple_(*(sa.bindparam(f"keyset_{i}", type_=c.type) for i, c in enumerate(order_by)))
        self.first = stmt.order_by(*order).limit(limit)
        self.after = stmt.where(key < after if descending else key > after).order_by(*order).limit(limit)
        self.entities = any(isinstance(column["type"], type) for column in stmt.column_descriptions)

    def page(
        self, cursor: str | None, limit: int, params: dict, values_of: Callable[[Any], list] | None = None
    ):
        """(rows, next_cursor) with ``params``, the values of the statement's own bound parameters.

        :raises InvalidCursor: the cursor was not made for this list's columns.
        """
        params = {**params, "keyset_limit": limit + 1}
        if cursor:
            values = decode_cursor(cursor, self.order_by)
            params.update((f"keyset_{i}", value) for i, value in enumerate(values))
        execute = db.session.execute if self.entities else db.session.connection().execute
        rows = execute(self.after if cursor else self.first, params)
        return next_page(list(rows), self.order_by, limit, values_of)


def next_page(rows: list, order_by: list, limit: int, values_of: Callable[[Any], list] | None):
    """(the page, the cursor after it) of ``limit + 1`` rows: None when nothing is left."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    values = values_of(rows[-1]) if values_of else [getattr(rows[-1], c.key) for c in order_by]
    return rows, encode_cursor(values)


def encode_cursor(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, columns: list) -> list:
    try:
        if not re.fullmatch(CURSOR_PATTERN, cursor):
            raise ValueError("not URL-safe base64")
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError("cursor shape")
        values = [
            datetime.fromisoformat(v) if c.type.python_type is datetime else c.type.python_type(v)
            for v, c in zip(raw, columns, strict=True)
        ]
        if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in values):
            raise ValueError("cursor out of range")
        return values
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidCursor() from None


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The list envelope ``{"items": [...], "next_cursor": "..."}`` around ``item_schema``."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "next_cursor": ma.fields.String(
                required=True,
                allow_none=True,
                metadata={
                    "description": "下一页的游标，最后一页为 null。Pass it as `cursor` for the next page; "
                    "null on the last page.",
                    "pattern": CURSOR_PATTERN,
                    "example": "WzE3XQ",
                },
            ),
        },
        name=name,
    )


# -- numbered pages with a total: the console's lists ----------------------------------------------

CONSOLE_PAGE_SIZE = 50


@dataclass(frozen=True)
class NumberedPage:
    """One page of a console list: its rows, the total of the whole (filtered) list, and where it is."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first(self) -> int:
        """The position of its first row in the whole list (1-based; 0 when the list is empty)."""
        return min((self.page - 1) * self.per_page + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


def numbered_page(
    stmt: sa.Select, order_by: list, page: int, per_page: int = CONSOLE_PAGE_SIZE
) -> NumberedPage:
    """Page ``page`` (1-based; past the end gives the last page) of ``stmt`` in ``order_by`` order (the last
    column unique), with the total: two statements. For staff lists, which a worker reads a few pages of;
    the API's lists that grow without end use ``keyset_page``."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = max(1, min(page, max(1, -(-total // per_page))))
    rows = list(db.session.scalars(stmt.order_by(*order_by).offset((page - 1) * per_page).limit(per_page)))
    return NumberedPage(rows, total, page, per_page)


def like_pattern(q: str) -> str:
    """``%q%`` for ``LIKE ... ESCAPE '\\'``: a worker's ``%``, ``_`` and ``\\`` are taken literally."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column: sa.SQLColumnExpression[str], q: str) -> sa.ColumnElement[bool]:
    """``column`` contains the words ``q`` (``%`` and ``_`` literal)."""
    return column.like(like_pattern(q), escape="\\")


def sort_order(sort: str, columns: dict[str, list]) -> list:
    """The ORDER BY of a list's ``sort`` key ("name", or "-name" for descending) over ``columns[key]``
    (the last column unique); an unknown key sorts by the first entry of ``columns``."""
    key = sort.lstrip("-")
    chosen = columns.get(key) or next(iter(columns.values()))
    return [c.desc() if sort.startswith("-") else c.asc() for c in chosen]


def rows_page(
    stmt: sa.Select,
    order_by: list,
    cursor: str | None,
    limit: int,
    *,
    descending: bool,
    key,
    params: dict | None = None,
):
    """``keyset_page`` for a statement of several columns: (rows, next cursor); ``key(row)`` gives a
    row's values of ``order_by``, ``params`` the values of the statement's bound parameters."""
    if cursor:
        values = decode_cursor(cursor, order_by)
        tuple_ = sa.tuple_(*order_by)
        stmt = stmt.where(tuple_ < sa.tuple_(*values) if descending else tuple_ > sa.tuple_(*values))
    stmt = stmt.order_by(*(c.desc() if descending else c.asc() for c in order_by)).limit(limit + 1)
    rows = db.session.execute(stmt, params).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(key(rows[-1]))


class Listed:
    """A record with values its list computed alongside it (the caller's sign-up status, a count...);
    every other attribute is the record's."""

    def __init__(self, record: Any, **values: Any):
        self.record = record
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.record, name)
