"""What the scheduler calls for the points ledger: the daily expiry of old points (the job runner commits;
each batch commits itself, so that the accounts it locked are released).

Points expire ``POINTS_EXPIRE_DAYS`` (730) days after they were credited, oldest first: debits (redeem,
expire, negative adjustments) use up the oldest credits, so what is still unspent of the credits older
than the cut-off is their sum (earn, refund, positive adjustments made before it) less every debit ever
made. That positive rest expires as one ``expire`` row per account; no ledger row is ever changed, and a
second run finds nothing (the expire rows are debits too).
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.volunteer.models import EXPIRE, PointAccount, PointEntry

log = logging.getLogger(__name__)

BATCH = 1000  # accounts locked and settled per transaction


def expiry_cutoff(at: datetime) -> datetime:
    return at - timedelta(days=current_app.config["POINTS_EXPIRE_DAYS"])


def expire_points(at: datetime | None = None) -> int:
    """Expire the unspent credits older than the cut-off, account by account in batches of ``BATCH``;
    returns how many accounts lost points.

    Per batch: the next accounts with a balance are locked (in id order: appends lock one account, so
    nothing deadlocks, and a concurrent spend either went first — its debit is counted — or waits), one
    statement sums what each has to expire, then their expire rows are inserted and balances moved.
    """
    at = at or now()
    cutoff = expiry_cutoff(at)
    reason = f"{local(cutoff):%Y-%m-%d}前获得的积分到期"
    due = sa.func.coalesce(
        sa.func.sum(
            sa.case(
                (sa.or_(PointEntry.amount < 0, PointEntry.created_at < cutoff), PointEntry.amount), else_=0
            )
        ),
        0,
    )
    expired, after = 0, 0
    while True:
        balances = dict(
            db.session.execute(
                sa.select(PointAccount.user_id, PointAccount.balance)
                .where(PointAccount.user_id > after, PointAccount.balance > 0)
                .order_by(PointAccount.user_id)
                .limit(BATCH)
                .with_for_update()
            )
            .tuples()
            .all()
        )
        if not balances:
            break
        after = max(balances)
        owed = db.session.execute(
            sa.select(PointEntry.user_id, due)
            .where(PointEntry.user_id.in_(list(balances)))
            .group_by(PointEntry.user_id)
            .having(due > 0)
        ).tuples()
        settled = [(user_id, min(amount, balances[user_id])) for user_id, amount in owed]
        if settled:
            stamp = now()
            db.session.execute(
                sa.update(PointAccount.__table__)
                .where(PointAccount.__table__.c.user_id == sa.bindparam("uid"))
                .values(balance=PointAccount.__table__.c.balance - sa.bindparam("amount"), updated_at=stamp),
                [{"uid": user_id, "amount": amount} for user_id, amount in settled],
            )
            db.session.execute(
                sa.insert(PointEntry.__table__),
                [
                    {
                        "user_id": user_id,
                        "kind": EXPIRE,
                        "amount": -amount,
                        "balance_after": balances[user_id] - amount,
                        "reason": reason,
                        "created_at": stamp,
                    }
                    for user_id, amount in settled
                ],
            )
            expired += len(settled)
        db.session.commit()
    log.info("points expired on %d accounts (credited before %s)", expired, cutoff.isoformat())
    return expired
