"""Declared status transitions, performed as conditional UPDATEs so that concurrent decisions have one winner.

A stateful model declares ``TRANSITIONS = {from_status: {to_status, ...}}``. ``transition(record, to)``
moves one row with ``UPDATE ... WHERE id = :id AND status IN (states that may become `to`)``; when no
row moved — the record was not in such a state, or a concurrent request moved it first — it raises the
documented 409 and changes nothing.
"""

from typing import Any

import sqlalchemy as sa

from cloudplatform.errors import Conflict
from cloudplatform.extensions import db


class InvalidTransition(Conflict):
    """The record's status does not allow this step (``details``: its status and the one asked for)."""

    code, message = "INVALID_TRANSITION", "当前状态不允许该操作"


def sources(model: Any, to: str) -> set[str]:
    """The states a record of ``model`` may move to ``to`` from."""
    return {state for state, targets in model.TRANSITIONS.items() if to in targets}


def allowed(model: Any, from_state: str, to: str) -> bool:
    return to in model.TRANSITIONS.get(from_state, set())


def transition(
    record: Any,
    to: str,
    *,
    error: Conflict | None = None,
    where: tuple[sa.ColumnElement[bool], ...] = (),
    **values: Any,
) -> None:
    """Move ``record`` to ``to`` (setting ``values`` too) in one conditional UPDATE, then refresh it.

    :raises Conflict: ``error`` (default INVALID_TRANSITION) when the record was not in a state that may
        become ``to``, or a condition in ``where`` did not hold.
    """
    model = type(record)
    moved = db.session.execute(
        sa.update(model)
        .where(model.id == record.id, model.status.in_(sources(model, to)), *where)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.refresh(record)
        raise error or InvalidTransition(details={"status": record.status, "to": to})
    db.session.refresh(record)


def transition_all(model: Any, to: str, *where: sa.ColumnElement[bool], returning=(), **values: Any):
    """Move every row matching ``where`` (and in a state that may become ``to``) to ``to``; the moved
    rows' ``returning`` columns come back."""
    stmt = (
        sa.update(model)
        .where(model.status.in_(sources(model, to)), *where)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    if returning:
        return db.session.execute(stmt.returning(*returning)).all()
    return db.session.execute(stmt).rowcount
