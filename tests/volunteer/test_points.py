"""The points ledger: awards under a community's rule (multipliers, the daily cap) once per sign-up,
corrections, rules and adjustments by staff, spending and refunds for 爱心超市, and old points expiring."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.pagination import InvalidCursor
from cloudplatform.volunteer.models import ADJUST, EARN, EXPIRE, REDEEM, REFUND, PointAccount, PointRule
from cloudplatform.volunteer.points import queries
from cloudplatform.volunteer.points.errors import (
    InsufficientPoints,
    InvalidPointRule,
    InvalidPointsAmount,
    PointsReasonRequired,
    PointsVolunteerNotFound,
    RefundTooLarge,
)
from cloudplatform.volunteer.points.operations import (
    adjust_points,
    append,
    award_for_signup,
    correct_award,
    refund,
    set_rule,
)
from cloudplatform.volunteer.points.tasks import expire_points
from tests.helpers import count_queries
from tests.volunteer.fixtures import project, rule, volunteer
from tests.volunteer.points_fixtures import balance, check_ledger, clock, rows, served, spend

__all__ = ["clock"]

pytestmark = pytest.mark.usefixtures("clock")


def award(s, category="youth"):
    entry = award_for_signup(s, category)
    _db.session.commit()
    return entry


# -- awards -----------------------------------------------------------------------------------------


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


# -- correcting an award ----------------------------------------------------------------------------


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


# -- rules ------------------------------------------------------------------------------------------

TODAY = date(2026, 12, 7)


def rules_of(community) -> list[tuple]:
    _db.session.expire_all()
    return _db.session.execute(
        sa.select(PointRule.effective_from, PointRule.effective_until)
        .where(PointRule.community_id == community.id)
        .order_by(PointRule.id)
    ).all()


def test_a_new_rule_ends_the_open_ended_one_the_day_before(world):
    admin = world.staff[COMMUNITY_ADMIN]
    set_rule(admin, world.home.id, 10, {}, None, TODAY)
    made = set_rule(admin, world.home.id, 20, {"elderly": 200}, 50, date(2027, 1, 1))
    _db.session.commit()
    assert rules_of(world.home) == [(TODAY, date(2026, 12, 31)), (date(2027, 1, 1), None)]
    audited = _db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "point_rule.create").order_by(AuditEntry.id.desc())
    )
    assert audited.target_id == str(made.id) and audited.community_id == world.home.id
    assert audited.details["multipliers"] == {"elderly": 200}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"points_per_hour": -1}, "points_per_hour"),
        ({"points_per_hour": 1001}, "points_per_hour"),
        ({"multipliers": {"sports": 100}}, "multipliers"),
        ({"multipliers": {"elderly": 1001}}, "multipliers"),
        ({"daily_cap": 0}, "daily_cap"),
        ({"daily_cap": 10001}, "daily_cap"),
        ({"effective_from": TODAY - timedelta(days=1)}, "effective_from"),
        ({"effective_until": TODAY - timedelta(days=1)}, "effective_until"),
    ],
)
def test_a_rule_out_of_range_is_refused_and_changes_nothing(world, fields, field):
    admin = world.staff[COMMUNITY_ADMIN]
    set_rule(admin, world.home.id, 10, {}, None, TODAY)
    _db.session.commit()
    given = {
        "points_per_hour": 10,
        "multipliers": {},
        "daily_cap": None,
        "effective_from": TODAY + timedelta(1),
    }
    with pytest.raises(InvalidPointRule) as refused:
        set_rule(admin, world.home.id, **{**given, **fields})
    assert list(refused.value.details["fields"]) == [field]
    _db.session.rollback()
    assert rules_of(world.home) == [(TODAY, None)]


def test_rules_are_set_within_the_staff_members_communities_only(world):
    with pytest.raises(Forbidden):
        set_rule(world.staff[COMMUNITY_STAFF], world.home.id, 10, {}, None, TODAY)
    with pytest.raises(CommunityNotFound):
        set_rule(world.staff[COMMUNITY_ADMIN], world.neighbour.id, 10, {}, None, TODAY)
    with pytest.raises(CommunityNotFound):
        set_rule(world.staff[STREET_ADMIN], world.elsewhere.id, 10, {}, None, TODAY)
    set_rule(world.staff[STREET_ADMIN], world.neighbour.id, 10, {}, None, TODAY)
    set_rule(world.staff[CITY_ADMIN], world.elsewhere.id, 10, {}, None, TODAY)
    _db.session.commit()
    assert rules_of(world.home) == []


# -- adjustments ------------------------------------------------------------------------------------


def test_an_adjustment_moves_the_balance_and_is_audited(world):
    who = volunteer(world.home, "zhangsan")
    admin = world.staff[COMMUNITY_ADMIN]
    entry = adjust_points(admin, who.user_id, 50, "补录2025年服务积分")
    adjust_points(admin, who.user_id, -20, "重复补录")
    _db.session.commit()
    assert (entry.kind, entry.staff_id, entry.community_id) == (ADJUST, admin.id, world.home.id)
    assert balance(who.user_id) == 30
    audited = _db.session.scalars(
        sa.select(AuditEntry.details).where(AuditEntry.action == "points.adjust")
    ).all()
    assert [d["amount"] for d in audited] == [50, -20]
    check_ledger()


@pytest.mark.parametrize(
    ("amount", "reason", "error"),
    [
        (0, "原因", InvalidPointsAmount),
        (100001, "原因", InvalidPointsAmount),
        (-100001, "原因", InvalidPointsAmount),
        (10, "  ", PointsReasonRequired),
        (10, "长" * 201, PointsReasonRequired),
        (-11, "扣多了", InsufficientPoints),
    ],
)
def test_a_refused_adjustment_changes_nothing(world, amount, reason, error):
    who = volunteer(world.home, "zhangsan")
    adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, 10, "初始")
    _db.session.commit()
    with pytest.raises(error):
        adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, amount, reason)
    _db.session.rollback()
    assert [r.amount for r in rows(who.user_id)] == [10] and balance(who.user_id) == 10
    assert _db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "points.adjust")) == 1


def test_adjustments_reach_volunteers_in_scope_only(world):
    there = volunteer(world.elsewhere, "lisi")
    resident_only = volunteer(world.home, "wangwu")
    with pytest.raises(Forbidden):
        adjust_points(world.staff[COMMUNITY_STAFF], there.user_id, 10, "原因")
    with pytest.raises(PointsVolunteerNotFound):
        adjust_points(world.staff[COMMUNITY_ADMIN], there.user_id, 10, "原因")
    with pytest.raises(PointsVolunteerNotFound):
        adjust_points(world.staff[STREET_ADMIN], there.user_id, 10, "原因")
    with pytest.raises(PointsVolunteerNotFound):
        adjust_points(world.staff[CITY_ADMIN], resident_only.user_id + 1000, 10, "原因")
    adjust_points(world.staff[CITY_ADMIN], there.user_id, 10, "原因")
    _db.session.commit()
    assert balance(there.user_id) == 10


# -- 爱心超市: spending and refunds -------------------------------------------------------------------


def test_spending_and_refunds_of_a_redemption(world):
    who = volunteer(world.home, "zhangsan")
    adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, 100, "初始")
    taken = spend(who.user_id, 60, 7, world.home.id)
    assert (taken.kind, taken.amount, taken.redemption_id, taken.balance_after) == (REDEEM, -60, 7, 40)
    with pytest.raises(InsufficientPoints):
        spend(who.user_id, 41, 8, world.home.id)
    with pytest.raises(RefundTooLarge):
        refund(who.user_id, 61, 7, world.home.id)
    with pytest.raises(RefundTooLarge):
        refund(who.user_id, 1, 8, world.home.id)  # took nothing
    back = refund(who.user_id, 50, 7, world.home.id)
    assert (back.kind, back.amount, back.balance_after) == (REFUND, 50, 90)
    with pytest.raises(RefundTooLarge):
        refund(who.user_id, 11, 7, world.home.id)
    refund(who.user_id, 10, 7, world.home.id)
    with pytest.raises(InvalidPointsAmount):
        spend(who.user_id, 0, 9, world.home.id)
    _db.session.commit()
    assert balance(who.user_id) == 100
    check_ledger()


# -- expiry -----------------------------------------------------------------------------------------


def test_old_points_expire_oldest_first_and_once(world, clock):
    who = volunteer(world.home, "zhangsan")
    admin = world.staff[COMMUNITY_ADMIN]
    adjust_points(admin, who.user_id, 100, "第一年")
    _db.session.commit()
    clock.shift(timedelta(days=400))
    adjust_points(admin, who.user_id, 50, "第二年")
    spend(who.user_id, 30, 1, world.home.id)  # uses up 30 of the oldest 100
    _db.session.commit()
    clock.shift(timedelta(days=340))  # 740 days after the first 100, 340 after the 50
    assert expire_points() == 1
    assert [(r.kind, r.amount) for r in rows(who.user_id)][-1] == (EXPIRE, -70)
    assert balance(who.user_id) == 50
    assert expire_points() == 0  # idempotent
    clock.shift(timedelta(days=400))
    spend(who.user_id, 10, 2, world.home.id)
    _db.session.commit()
    assert expire_points() == 1
    assert [(r.kind, r.amount) for r in rows(who.user_id)][-1] == (EXPIRE, -40)
    assert balance(who.user_id) == 0 and expire_points() == 0
    check_ledger()


def test_expiry_reads_its_period_from_the_config(app, world, clock):
    who = volunteer(world.home, "zhangsan")
    adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, 100, "初始")
    _db.session.commit()
    clock.shift(timedelta(days=31))
    assert expire_points() == 0
    app.config["POINTS_EXPIRE_DAYS"] = 30
    assert expire_points() == 1 and balance(who.user_id) == 0


def test_expiry_settles_many_accounts_in_batches(world, clock, monkeypatch):
    monkeypatch.setattr("cloudplatform.volunteer.points.tasks.BATCH", 2)
    people = [volunteer(world.home, f"v{i}") for i in range(5)]
    for i, who in enumerate(people):
        adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, 10 * (i + 1), "初始")
    spend(people[0].user_id, 10, 1, world.home.id)  # nothing left to expire
    _db.session.commit()
    clock.shift(timedelta(days=731))
    assert expire_points() == 4
    assert [balance(p.user_id) for p in people] == [0] * 5
    check_ledger()


# -- queries ----------------------------------------------------------------------------------------


def test_the_balance_and_ledger_pages_newest_first_in_few_statements(app, world):
    who = volunteer(world.home, "zhangsan")
    for i in range(5):
        adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, i + 1, f"第{i + 1}次")
    _db.session.commit()
    _db.session.expire_all()
    with count_queries(app) as statements:
        held = queries.balance_of(who.user_id)
        page, cursor = queries.ledger_page(who.user_id, None, 3)
    assert len(statements) <= 3
    assert held == 15 and [r.amount for r in page] == [5, 4, 3] and cursor
    rest, cursor = queries.ledger_page(who.user_id, cursor, 3)
    assert [r.amount for r in rest] == [2, 1] and cursor is None
    assert queries.balance_of(who.user_id + 1000) == 0
    with pytest.raises(InvalidCursor):
        queries.ledger_page(who.user_id, "bm9wZQ", 3)


def test_points_earned_by_month_of_this_year(world):
    rule(world.home, points_per_hour=10, effective_from=date(2025, 1, 1))
    who = volunteer(world.home, "zhangsan")
    youth = project(world.home)
    for days_ago in (1, 2, 40, 400):  # 2026-12-06, -05, 10-28 and 2025-11-02
        award(served(youth, who, minutes=60, days_ago=days_ago))
    adjust_points(world.staff[COMMUNITY_ADMIN], who.user_id, 99, "不计入")
    _db.session.commit()
    by_month = queries.earned_by_month(who.user_id)
    assert by_month[12] == 20 and by_month[10] == 10 and sum(by_month.values()) == 30
    assert _db.session.get(PointAccount, who.user_id).earned == 40
