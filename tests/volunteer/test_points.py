"""The points ledger: awards under a community's rule (multipliers, the daily cap) once per sign-up,
corrections, rules and adjustments by staff, spending and refunds for 爱心超市, and old points expiring."""

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.volunteer.models import ADJUST, EARN
from cloudplatform.volunteer.points.operations import append, award_for_signup, correct_award
from tests.volunteer.fixtures import project, rule, volunteer
from tests.volunteer.points_fixtures import balance, check_ledger, clock, rows, served

__all__ = ["clock"]

pytestmark = pytest.mark.usefixtures("clock")


def award(s, category="youth"):
    entry = award_for_signup(s, category)
    _db.session.commit()
    return entry


# -- awards ---------------------------------------------------------------------------------------------


def test_an_award_follows_the_rule_and_its_category_multiplier(world):
    rule(world.home, points_per_hour=10, multipliers={"elderly": 150})
    who = volunteer(world.home, "zhangsan")
    s = served(project(world.home, category="elderly"), who, minutes=150)
    entry = award(s, "elderly")
    assert (entry.kind, entry.amount, entry.served_on, entry.signup_id) == (
        EARN,
        37,
        s.starts_at.date(),
        s.id,
    )
    assert balance(who.user_id) == 37
    check_ledger()


def test_the_daily_cap_counts_the_days_other_awards(world):
    rule(world.home, points_per_hour=10, daily_cap=30)
    who = volunteer(world.home, "zhangsan")
    youth = project(world.home)
    first, second, third = (served(youth, who, minutes=120) for _ in range(3))
    assert award(first).amount == 20
    assert award(second).amount == 10
    assert award(third) is None
    assert balance(who.user_id) == 30
    check_ledger()


def test_no_rule_no_points(world):
    who = volunteer(world.home, "zhangsan")
    assert award(served(project(world.home), who)) is None
    assert rows(who.user_id) == []


def test_a_second_award_of_one_signup_is_refused_by_the_database(world):
    rule(world.home)
    who = volunteer(world.home, "zhangsan")
    s = served(project(world.home), who)
    assert award(s).amount == 20
    assert award(s) is None
    with pytest.raises(sa.exc.IntegrityError), _db.session.begin_nested():
        append(who.user_id, EARN, 5, signup_id=s.id, community_id=s.community_id)
    _db.session.rollback()
    assert [r.amount for r in rows(who.user_id)] == [20]
    check_ledger()


# -- correcting an award ----------------------------------------------------------------------------------


def correct(world, s, minutes, reason="签退时间更正"):
    s.minutes = minutes
    entry = correct_award(world.staff[COMMUNITY_ADMIN], s, "youth", reason)
    _db.session.commit()
    return entry


def test_a_correction_up_and_down_appends_the_difference(world):
    rule(world.home, points_per_hour=10)
    who = volunteer(world.home, "zhangsan")
    s = served(project(world.home), who, minutes=120)
    award(s)
    up = correct(world, s, 180)
    assert (up.kind, up.amount, up.signup_id, up.staff_id) == (
        ADJUST,
        10,
        s.id,
        world.staff[COMMUNITY_ADMIN].id,
    )
    assert up.community_id == world.home.id and up.reason == "签退时间更正"
    assert correct(world, s, 180) is None
    down = correct(world, s, 60)
    assert down.amount == -20
    assert balance(who.user_id) == 10
    check_ledger()


def test_a_correction_keeps_the_daily_cap_without_counting_its_own_award(world):
    rule(world.home, points_per_hour=10, daily_cap=30)
    who = volunteer(world.home, "zhangsan")
    youth = project(world.home)
    first, second = served(youth, who, minutes=120), served(youth, who, minutes=60)
    award(first), award(second)
    assert correct(world, first, 240) is None  # 40 earned, but the other award leaves 20 under the cap
    assert correct(world, second, 0).amount == -10
    assert correct(world, first, 240).amount == 10  # the day's cap now counts only the first
    assert balance(who.user_id) == 30
    check_ledger()


def test_a_correction_down_takes_no_more_than_the_balance(world):
    rule(world.home, points_per_hour=10)
    who = volunteer(world.home, "zhangsan")
    s = served(project(world.home), who, minutes=120)
    award(s)
    append(who.user_id, "redeem", -15, redemption_id=1)
    _db.session.commit()
    down = correct(world, s, 0)
    assert down.amount == -5
    assert "应扣20分" in down.reason and "余额仅5分" in down.reason
    assert balance(who.user_id) == 0
    assert correct(world, s, 0) is None  # nothing left to take
    check_ledger()
