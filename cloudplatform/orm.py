"""Declarative base, the UTC datetime type and connection settings shared by every model, and ``Chain``:
writes that depend on each other in one round trip."""

import dataclasses
import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from cloudplatform.clock import now

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware datetime stored in UTC; SQLite loses the zone, so it is put back on load."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use cloudplatform.clock.now()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict[str, Any]: sa.JSON()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=now)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys and a busy timeout for every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


@event.listens_for(Engine, "savepoint")
def _begin_before_savepoint(conn: Any, _name: Any) -> None:
    """The sqlite3 module begins a transaction before the first write (reads before it take no snapshot
    that a later write could find stale) but not before a SAVEPOINT: a savepoint opened before the
    transaction's first write became the transaction itself, and its work was committed on release
    whatever the transaction did next. Begin the transaction first."""
    driver = conn.connection.driver_connection
    if isinstance(driver, sqlite3.Connection) and not driver.in_transaction:
        driver.execute("BEGIN")


def insert_for(session: Any, model: Any):
    """The dialect's INSERT (with ON CONFLICT support) for the session's database."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def flush_unique(session: Any, error: Exception) -> None:
    """Flush pending rows; a unique-constraint violation raises ``error`` and leaves the rest intact."""
    try:
        with session.begin_nested():
            session.flush()
    except sa.exc.IntegrityError:
        raise error from None


@dataclasses.dataclass(frozen=True)
class Ref:
    """A value a later step of a ``Chain`` takes from an earlier step's RETURNING row."""

    step: str
    column: str


@dataclasses.dataclass(frozen=True)
class _Step:
    name: str
    target: Any  # an UPDATE statement, or the model to INSERT a row of
    values: dict[str, Any]  # an INSERT's values (a Ref among them)
    returning: tuple


class Chain:
    """Writes that each need the one before: each step writes at most one row and returns it, and the
    chain stops at the first step that writes nothing. On PostgreSQL the whole chain is one statement
    (data-modifying CTEs, each guarded by the one before: one round trip); elsewhere the steps run one
    after another. An INSERT's value may be a ``Ref`` to an earlier step's row.

    ``run()`` gives each step's row, None from the first step that wrote nothing on; the caller raises
    then, and its transaction must roll back (the earlier steps were written)."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.steps: list[_Step] = []

    def update(self, name: str, stmt: sa.Update, *returning: Any) -> None:
        """A conditional UPDATE (its WHERE names at most one row), returning ``returning`` (the first
        never NULL)."""
        self.steps.append(_Step(name, stmt, {}, returning))

    def insert(self, name: str, model: Any, values: dict[str, Any]) -> None:
        """An INSERT of one row of ``model`` (its constant defaults apply; give the others), returning its
        id."""
        defaults = {
            column.key: column.default.arg
            for column in model.__table__.columns
            if column.key not in values and column.default is not None and column.default.is_scalar
        }
        self.steps.append(_Step(name, model, defaults | values, (model.id,)))

    def run(self) -> dict[str, dict[str, Any] | None]:
        if self.session.get_bind().dialect.name == "postgresql":
            return self._run_as_one()
        rows: dict[str, dict[str, Any] | None] = {}
        for step in self.steps:
            found = None
            if all(rows.values()):
                found = self.session.execute(self._statement(step, rows.__getitem__, None)).first()
            rows[step.name] = None if found is None else dict(found._mapping)
        return rows

    def _run_as_one(self) -> dict[str, dict[str, Any] | None]:
        ctes: dict[str, Any] = {}
        for step in self.steps:
            previous = list(ctes.values())[-1] if ctes else None
            ctes[step.name] = self._statement(step, ctes.__getitem__, previous).cte(step.name)
        got = (
            self.session.execute(
                sa.select(
                    *(
                        sa.select(ctes[step.name].c[column.key])
                        .scalar_subquery()
                        .label(f"{step.name}__{column.key}")
                        for step in self.steps
                        for column in step.returning
                    )
                )
            )
            .one()
            ._mapping
        )
        rows: dict[str, dict[str, Any] | None] = {}
        for step in self.steps:
            row = {column.key: got[f"{step.name}__{column.key}"] for column in step.returning}
            rows[step.name] = None if row[step.returning[0].key] is None else row
        return rows

    @staticmethod
    def _statement(step: _Step, earlier: Any, previous: Any) -> Any:
        """The step's statement, guarded on PostgreSQL by the CTE before it; a ref is the earlier row's
        value (a literal, or on PostgreSQL a scalar subquery of its CTE)."""
        guard = [sa.exists(sa.select(sa.literal(1)).select_from(previous))] if previous is not None else []
        if isinstance(step.target, sa.Update):
            return step.target.where(*guard).returning(*step.returning)
        columns: list[sa.ColumnElement[Any]] = []
        for key, value in step.values.items():
            kind = step.target.__table__.c[key].type
            if isinstance(value, Ref):
                found = earlier(value.step)
                if not isinstance(found, dict):
                    columns.append(sa.cast(sa.select(found.c[value.column]).scalar_subquery(), kind))
                    continue
                value = found[value.column]
            columns.append(sa.literal(value, kind))
        select = sa.select(*columns).where(*guard)
        insert = sa.insert(step.target).from_select(list(step.values), select, include_defaults=False)
        return insert.returning(*step.returning)
