"""What the scheduler calls for 群众点单: the daily overdue check (the job runner commits).

Each morning a demand dispatched or accepted (the organisation's to do) whose deadline has passed is
marked overdue (超期), and every other mark is cleared (reported done, verified, declined or given a later
deadline): two UPDATEs, however many demands.
"""

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.service.demands.models import ACCEPTED, DISPATCHED, Demand

WORKING = (DISPATCHED, ACCEPTED)  # the organisation's to do: the deadline runs


def mark_overdue() -> dict[str, int]:
    """Mark the demands past their deadline, clear the others; returns how many were marked, cleared."""
    today = local(now()).date()
    late = Demand.status.in_(WORKING) & Demand.deadline.is_not(None) & (Demand.deadline < today)

    def set_overdue(where: sa.ColumnElement[bool], overdue: bool) -> int:
        return db.session.execute(
            sa.update(Demand)
            .where(where, Demand.overdue.is_(not overdue))
            .values(overdue=overdue)
            .execution_options(synchronize_session=False)
        ).rowcount

    return {"overdue": set_overdue(late, True), "cleared": set_overdue(sa.not_(late), False)}
