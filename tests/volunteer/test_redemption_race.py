"""爱心超市 under concurrency on PostgreSQL (threads behind a barrier, each with its own app context and
session, as tests/volunteer/test_points_race.py races): 30 volunteers going for the last 5 items get
exactly 5, one volunteer redeeming twice at once beyond their balance or their limit gets one, two staff
scanning one QR code fulfil it once, and the uncollected job run twice at once gives back once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, StaffAccount, User
from cloudplatform.volunteer.models import REFUND, PointEntry, Redemption
from cloudplatform.volunteer.points.errors import InsufficientPoints
from cloudplatform.volunteer.rewards import operations
from cloudplatform.volunteer.rewards.errors import (
    RedemptionLimitReached,
    RedemptionNotReserved,
    RewardSoldOut,
)
from cloudplatform.volunteer.rewards.operations import redemption_token
from tests.service.aid.test_race import race
from tests.volunteer.points_fixtures import balance, check_ledger, clock
from tests.volunteer.reward_fixtures import make_reward, redemptions_of, rich_volunteer, stock_of

__all__ = ["clock"]

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("clock")]


def redeeming(user_id: int, reward_id: int):
    def action():
        return operations.redeem(_db.session.get(User, user_id), reward_id, "counter").id

    return action


def scanning(staff_id: int, token: str):
    def action():
        return operations.fulfil_by_token(_db.session.get(StaffAccount, staff_id), token).status

    return action


def test_thirty_volunteers_racing_for_the_last_five_get_exactly_five(app, world):
    reward = make_reward(world.home, price=40, stock=5)
    people = [rich_volunteer(world, world.home, f"v{i}", 100) for i in range(30)]
    results = race(app, [redeeming(who.user_id, reward.id) for who in people])
    won = [r for r in results if isinstance(r, int)]
    assert len(won) == 5, results
    assert all(isinstance(r, RewardSoldOut) for r in results if not isinstance(r, int))
    assert stock_of(reward.id) == 0
    for who, result in zip(people, results, strict=True):
        assert balance(who.user_id) == (60 if isinstance(result, int) else 100)
        assert len(redemptions_of(who.user_id)) == (1 if isinstance(result, int) else 0)
    check_ledger()


def test_one_volunteer_redeeming_twice_at_once_beyond_the_balance_gets_one(app, world):
    reward = make_reward(world.home, price=70, stock=10)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    results = race(app, [redeeming(who.user_id, reward.id)] * 2)
    assert sorted(type(r).__name__ for r in results) == ["InsufficientPoints", "int"], results
    assert any(isinstance(r, InsufficientPoints) for r in results)
    assert balance(who.user_id) == 30 and stock_of(reward.id) == 9
    assert len(redemptions_of(who.user_id)) == 1
    check_ledger()


def test_one_volunteer_redeeming_twice_at_once_beyond_the_limit_gets_one(app, world):
    reward = make_reward(world.home, price=10, stock=10, per_person=1, limit_period="month")
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    results = race(app, [redeeming(who.user_id, reward.id)] * 3)
    assert len([r for r in results if isinstance(r, int)]) == 1, results
    assert len([r for r in results if isinstance(r, RedemptionLimitReached)]) == 2
    assert balance(who.user_id) == 90 and stock_of(reward.id) == 9
    check_ledger()


def test_two_staff_scanning_one_qr_code_at_once_fulfil_it_once(app, world):
    reward = make_reward(world.home, price=10)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = operations.redeem(who.user, reward.id, "counter")
    _db.session.commit()
    token = redemption_token(made.id)
    staff = [world.staff[COMMUNITY_STAFF].id, world.staff[GRID_WORKER].id]
    results = race(app, [scanning(s, token) for s in staff])
    assert sorted(map(str, (r if isinstance(r, str) else type(r).__name__ for r in results))) == [
        "RedemptionNotReserved",
        "fulfilled",
    ], results
    assert any(isinstance(r, RedemptionNotReserved) for r in results)
    _db.session.expire_all()
    assert _db.session.get(Redemption, made.id).status == "fulfilled"


def test_cancelling_racing_a_scan_either_hands_over_or_refunds(app, world):
    reward = make_reward(world.home, price=10, stock=1)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = operations.redeem(who.user, reward.id, "counter")
    _db.session.commit()
    staff_id = world.staff[COMMUNITY_STAFF].id

    def cancel():
        user = _db.session.get(User, who.user_id)
        return operations.cancel_own_redemption(user, _db.session.get(Redemption, made.id)).status

    results = race(app, [scanning(staff_id, redemption_token(made.id)), cancel])
    assert len([r for r in results if isinstance(r, str)]) == 1, results
    _db.session.expire_all()
    status = _db.session.get(Redemption, made.id).status
    assert (balance(who.user_id), stock_of(reward.id)) == ((90, 0) if status == "fulfilled" else (100, 1))
    check_ledger()


def test_the_uncollected_job_run_twice_at_once_gives_back_once(app, world, clock):
    reward = make_reward(world.home, price=10, stock=10)
    people = [rich_volunteer(world, world.home, f"v{i}", 100) for i in range(4)]
    for who in people:
        for _ in range(2):
            operations.redeem(who.user, reward.id, "counter")
    _db.session.commit()
    clock.shift(timedelta(days=8))
    results = race(app, [operations.cancel_uncollected, operations.cancel_uncollected])
    assert sorted(results) == [0, 8], results
    refunds = _db.session.scalar(sa.select(sa.func.count()).where(PointEntry.kind == REFUND))
    assert refunds == 8 and stock_of(reward.id) == 10
    assert all(balance(who.user_id) == 100 for who in people)
    check_ledger()
