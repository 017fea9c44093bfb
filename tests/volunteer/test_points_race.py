"""The points ledger under concurrency on PostgreSQL (threads behind a barrier, each with its own app
context and session): one sign-up confirmed from several places at once earns once, awards racing under a
daily cap stay within it, and the expiry job racing spends of the same old points never takes more than
there was nor leaves a balance below zero."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.volunteer.models import EARN, EXPIRE, REDEEM, PointEntry, ShiftSignup
from cloudplatform.volunteer.points.errors import InsufficientPoints
from cloudplatform.volunteer.points.operations import adjust_points, award_for_signup
from cloudplatform.volunteer.points.tasks import expire_points
from tests.service.aid.test_race import race
from tests.volunteer.fixtures import project, rule, volunteer
from tests.volunteer.points_fixtures import balance, check_ledger, clock, rows, served, spend

__all__ = ["clock"]

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("clock")]


def award_of(signup_id: int):
    def action():
        entry = award_for_signup(_db.session.get(ShiftSignup, signup_id), "youth")
        return entry and entry.id

    return action


def test_one_signup_awarded_from_four_threads_earns_once(app, world):
    rule(world.home, points_per_hour=10)
    who = volunteer(world.home, "zhangsan")  # no account yet: the four race to make it too
    s = served(project(world.home), who, minutes=120)
    results = race(app, [award_of(s.id)] * 4)
    assert len([r for r in results if r is not None]) == 1, results
    assert [(r.kind, r.amount) for r in rows(who.user_id)] == [(EARN, 20)]
    assert balance(who.user_id) == 20
    check_ledger()


def test_awards_of_one_day_racing_stay_within_the_daily_cap(app, world):
    rule(world.home, points_per_hour=10, daily_cap=50)
    who = volunteer(world.home, "zhangsan")
    youth = project(world.home)
    signups = [served(youth, who, minutes=120) for _ in range(6)]  # 6 × 20 points, capped at 50
    race(app, [award_of(s.id) for s in signups])
    assert sum(r.amount for r in rows(who.user_id)) == balance(who.user_id) == 50
    check_ledger()


def test_expiry_racing_spends_of_the_same_old_points_takes_no_more_than_there_was(app, world, clock):
    admin = world.staff[COMMUNITY_ADMIN]
    people = [volunteer(world.home, f"v{i}") for i in range(6)]
    for who in people:
        adjust_points(admin, who.user_id, 100, "初始积分")
    _db.session.commit()
    clock.shift(timedelta(days=731))  # all 100 of each are old now
    spends = [
        (lambda user_id=who.user_id, n=i: spend(user_id, 80, 1000 + n, world.home.id))
        for i, who in enumerate(people)
    ]
    results = race(app, [expire_points, *spends])
    for who, result in zip(people, results[1:], strict=True):
        taken = {
            kind: -amount for kind, amount in ((r.kind, r.amount) for r in rows(who.user_id)) if amount < 0
        }
        assert sum(taken.values()) == 100 - balance(who.user_id) <= 100
        if isinstance(result, InsufficientPoints):  # the expiry went first and took all 100
            assert taken == {EXPIRE: 100}
        else:  # the spend went first: the expiry took the 20 left
            assert taken == {REDEEM: 80, EXPIRE: 20}
        assert balance(who.user_id) == 0
    assert expire_points() == 0
    check_ledger()


def test_the_expiry_job_run_twice_at_once_expires_once(app, world, clock):
    people = [volunteer(world.home, f"v{i}") for i in range(4)]
    for who in people:
        adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, 30, "初始积分")
    _db.session.commit()
    clock.shift(timedelta(days=731))
    results = race(app, [expire_points, expire_points])
    assert sorted(results) == [0, 4]
    expired = _db.session.scalar(sa.select(sa.func.count()).where(PointEntry.kind == EXPIRE))
    assert expired == 4
    check_ledger()
