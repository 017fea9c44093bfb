"""Points test helpers: a standing clock at ``fixtures.START``, a confirmed sign-up made directly, a spend
without a redemption, and the ledger's invariants checked from the database."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from cloudplatform.extensions import db as _db
from cloudplatform.orm import Chain
from cloudplatform.volunteer.models import EARN, PointAccount, PointEntry
from cloudplatform.volunteer.points import operations as points
from cloudplatform.volunteer.points.errors import InsufficientPoints
from tests.volunteer.fixtures import START, shift, signup


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def served(of_project, who, minutes=120, days_ago=1, hours=3):
    """A confirmed sign-up of ``who`` on a shift of ``of_project`` that started ``days_ago`` days ago."""
    on = shift(of_project, starts_in=-timedelta(days=days_ago), hours=hours)
    return signup(on, who, minutes=minutes, confirmed_at=on.ends_at)


def spend(user_id, amount, redemption_id, community_id) -> PointEntry:
    """The ledger's spend on its own, as a redemption runs it: the account locked, then its chain."""
    points.lock_account(user_id)
    chain = Chain(_db.session)
    points.spend(chain, user_id, amount, redemption_id, community_id)
    written = chain.run()
    if written["debit"] is None:
        raise InsufficientPoints()
    return _db.session.get_one(PointEntry, written["entry"]["id"])


def rows(user_id) -> list[PointEntry]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            sa.select(PointEntry).where(PointEntry.user_id == user_id).order_by(PointEntry.id)
        )
    )


def balance(user_id) -> int:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(PointAccount.balance).where(PointAccount.user_id == user_id)) or 0


def check_ledger() -> None:
    """Every account: balance == its ledger's sum ≥ 0, each row's balance_after the running sum, at most
    one earn row per sign-up."""
    _db.session.expire_all()
    accounts = dict(_db.session.execute(sa.select(PointAccount.user_id, PointAccount.balance)).tuples().all())
    running: dict[int, int] = {}
    for entry in _db.session.scalars(sa.select(PointEntry).order_by(PointEntry.id)):
        running[entry.user_id] = running.get(entry.user_id, 0) + entry.amount
        assert entry.balance_after == running[entry.user_id], entry.id
        assert entry.balance_after >= 0
    for user_id, held in accounts.items():
        assert held == running.get(user_id, 0) >= 0
    awards = _db.session.execute(
        sa.select(PointEntry.signup_id, sa.func.count())
        .where(PointEntry.kind == EARN)
        .group_by(PointEntry.signup_id)
        .having(sa.func.count() > 1)
    ).all()
    assert awards == []
