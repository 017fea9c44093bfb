"""Reading the points ledger: a user's balance, their ledger newest first, and their points by month."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.pagination import keyset_page
from cloudplatform.volunteer.models import ADJUST, EARN, PointAccount, PointEntry


def balance_of(user_id: int) -> int:
    """The user's balance (0 before their first points): one statement."""
    return db.session.scalar(sa.select(PointAccount.balance).where(PointAccount.user_id == user_id)) or 0


def ledger_page(user_id: int, cursor: str | None, limit: int) -> tuple[list[PointEntry], str | None]:
    """The user's ledger rows, newest first, a page at a time: one statement.

    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    stmt = sa.select(PointEntry).where(PointEntry.user_id == user_id)
    return keyset_page(stmt, [PointEntry.id], cursor, limit)


def earned_by_month(user_id: int, year: int | None = None) -> dict[int, int]:
    """The points the user earned for service in each month (1..12) of ``year`` (this year by default,
    Beijing time): their earn rows and the corrections of them, by the day of service; one statement."""
    year = year or local(now()).year
    month = sa.extract("month", PointEntry.served_on)
    rows = db.session.execute(
        sa.select(month, sa.func.sum(PointEntry.amount))
        .where(
            PointEntry.user_id == user_id,
            PointEntry.kind.in_((EARN, ADJUST)),
            PointEntry.signup_id.is_not(None),
            PointEntry.served_on >= date(year, 1, 1),
            PointEntry.served_on <= date(year, 12, 31),
        )
        .group_by(month)
    ).tuples()
    by_month = dict.fromkeys(range(1, 13), 0)
    for number, points in rows:
        by_month[int(number)] = int(points)
    return by_month
