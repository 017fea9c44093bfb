"""A volunteer disputes the minutes confirmed for a sign-up once, within 30 days; a staff member with
``volunteer.disputes`` upholds it (the minutes corrected, with the note as the reason) or dismisses it."""

import pytest
from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.notify.models import Notification
from cloudplatform.volunteer.attendance import errors, queries
from cloudplatform.volunteer.attendance.operations import confirm_attendance, decide_dispute, dispute_hours
from cloudplatform.volunteer.models import HoursDispute, PointEntry, ShiftSignup, Volunteer
from tests.helpers import count_queries
from tests.volunteer.attendance_fixtures import (
    at,
    attended,
    fresh,
    ledger_sum,
    standing_clock,  # noqa: F401 (the fixture clock)
    state,
    user_of,
)
from tests.volunteer.fixtures import project, rule, shift, signup, volunteer


def confirmed(world, clock, name="xiaoli", **attendance):
    """A volunteer whose attendance was confirmed at 10:00 (90 minutes: checked in 08:25)."""
    made, who, own = attended(world, clock, name, checked_in={"minutes": 25}, **attendance)
    at(clock, hours=2)
    confirm_attendance(world.staff[GRID_WORKER], own)
    _db.session.commit()
    return made, who, own


def disputes() -> list[tuple]:
    _db.session.rollback()
    _db.session.expire_all()
    rows = _db.session.scalars(select(HoursDispute).order_by(HoursDispute.id))
    return [(d.signup_id, d.status, d.minutes_before, d.minutes_after, d.reason) for d in rows]


def test_a_volunteer_disputes_their_confirmed_hours_once(world, clock):
    _, who, own = confirmed(world, clock)
    at(clock, days=3)
    made = dispute_hours(
        user_of(who), own.id, " 我10点才离开，签到晚了是因为在门口帮忙 ", claimed_minutes=120
    )
    _db.session.commit()
    assert (made.status, made.minutes_before, made.claimed_minutes, made.community_id) == (
        "open",
        90,
        120,
        world.home.id,
    )
    assert made.reason == "我10点才离开，签到晚了是因为在门口帮忙"
    before = disputes()
    with pytest.raises(errors.AlreadyDisputed):
        dispute_hours(user_of(who), own.id, "再申诉一次")
    assert disputes() == before


def test_disputes_are_refused_for_others_unconfirmed_without_a_reason_or_late(world, clock):
    _, who, own = confirmed(world, clock)
    other = volunteer(world.home, "other")
    unconfirmed = signup(shift(project(world.home, "智慧老人课堂")), who)
    cases = [
        (user_of(other), own.id, "不对", None, errors.SignupNotFound),
        (user_of(who), own.id + 100, "不对", None, errors.SignupNotFound),
        (user_of(who), unconfirmed.id, "不对", None, errors.HoursNotConfirmed),
        (user_of(who), own.id, "  ", None, errors.ReasonRequired),
        (user_of(who), own.id, "不对", 121, errors.InvalidMinutes),
        (user_of(who), own.id, "不对", -30, errors.InvalidMinutes),
    ]
    for user, signup_id, reason, claimed, error in cases:
        with pytest.raises(error):
            dispute_hours(user, signup_id, reason, claimed)
        assert disputes() == []
    at(clock, hours=2, days=30, seconds=1)
    with pytest.raises(errors.DisputeWindowClosed):
        dispute_hours(user_of(who), own.id, "不对")
    assert disputes() == []
    at(clock, hours=2, days=30)  # the last moment
    dispute_hours(user_of(who), own.id, "不对")
    _db.session.commit()
    assert [(d[0], d[1]) for d in disputes()] == [(own.id, "open")]


def test_an_upheld_dispute_corrects_the_minutes_and_the_points(world, clock):
    rule(world.home, points_per_hour=10)
    _, who, own = confirmed(world, clock)
    dispute = dispute_hours(user_of(who), own.id, "我8点就到了", claimed_minutes=120)
    _db.session.commit()
    admin = world.staff[COMMUNITY_ADMIN]
    decided = decide_dispute(admin, dispute, True, "核实签到表，8点已到岗")
    _db.session.commit()
    assert (decided.status, decided.minutes_after, decided.decided_by_id) == ("upheld", 120, admin.id)
    assert fresh(ShiftSignup, own.id).minutes == 120
    assert fresh(Volunteer, who.id).confirmed_minutes == 120
    rows = _db.session.scalars(select(PointEntry).order_by(PointEntry.id)).all()
    assert [(r.kind, r.amount) for r in rows] == [("earn", 15), ("adjust", 5)]
    assert ledger_sum(who.user_id) == rows[-1].balance_after == 20
    actions = _db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["shift_signup.confirm", "shift_signup.correct", "hours_dispute.decide"]
    last = _db.session.scalars(select(Notification).order_by(Notification.id.desc())).first()
    assert (last.data["thing2"]["value"], last.data["thing3"]["value"]) == (
        "2小时0分",
        "申诉已采纳，服务时长已更正",
    )
    before = disputes()
    with pytest.raises(errors.DisputeDecided):
        decide_dispute(admin, fresh(HoursDispute, dispute.id), False, "再处理一次")
    assert disputes() == before


def test_a_dismissed_dispute_leaves_the_minutes(world, clock):
    rule(world.home, points_per_hour=10)
    _, who, own = confirmed(world, clock)
    dispute = dispute_hours(user_of(who), own.id, "时长不对")
    _db.session.commit()
    decide_dispute(world.staff[STREET_ADMIN], dispute, False, "签到记录为8:25")
    _db.session.commit()
    row = fresh(HoursDispute, dispute.id)
    assert (row.status, row.minutes_after, row.decision_note) == ("dismissed", 90, "签到记录为8:25")
    assert fresh(ShiftSignup, own.id).minutes == 90
    assert fresh(Volunteer, who.id).confirmed_minutes == 90
    assert _db.session.scalar(select(func.count(PointEntry.id))) == 1
    last = _db.session.scalars(select(Notification).order_by(Notification.id.desc())).first()
    assert last.data["thing3"]["value"] == "申诉未采纳：签到记录为8:25"


def test_deciding_is_refused_without_the_right_a_note_minutes_or_outside_the_scope(world, clock):
    _, who, own = confirmed(world, clock)
    dispute = dispute_hours(user_of(who), own.id, "时长不对")  # no minutes claimed
    _, far_who, far_own = confirmed(world, clock, name="far")
    _db.session.commit()
    before, signup_before = disputes(), state(own)
    admin = world.staff[COMMUNITY_ADMIN]
    cases = [
        (world.staff[GRID_WORKER], True, "好", 60, Forbidden),
        (world.staff[COMMUNITY_STAFF], False, "好", None, Forbidden),
        (admin, True, " ", 60, errors.ReasonRequired),
        (admin, True, "好", None, errors.InvalidMinutes),
        (admin, True, "好", 121, errors.InvalidMinutes),
    ]
    for staff, uphold, note, minutes, error in cases:
        with pytest.raises(error):
            decide_dispute(staff, fresh(HoursDispute, dispute.id), uphold, note, minutes)
        assert disputes() == before and state(own) == signup_before
    far_dispute = dispute_hours(user_of(far_who), far_own.id, "时长不对", 60)
    far_dispute.community_id = world.elsewhere.id  # a dispute of another street's community
    _db.session.commit()
    with pytest.raises(errors.DisputeNotFound):
        decide_dispute(world.staff[STREET_ADMIN], fresh(HoursDispute, far_dispute.id), True, "好", 60)
    assert fresh(HoursDispute, far_dispute.id).status == "open"


def test_the_open_disputes_queue_lists_those_in_scope_oldest_first(app, world, clock):
    _, first, first_signup = confirmed(world, clock, name="first")
    _, second, second_signup = confirmed(world, clock, name="second")
    _, third, third_signup = confirmed(world, clock, name="third")
    at(clock, days=1)
    older = dispute_hours(user_of(second), second_signup.id, "早一些")
    at(clock, days=2)
    newer = dispute_hours(user_of(first), first_signup.id, "晚一些")
    decided = dispute_hours(user_of(third), third_signup.id, "已处理")
    _db.session.commit()
    decide_dispute(world.staff[COMMUNITY_ADMIN], decided, False, "维持")
    _db.session.commit()
    _db.session.expire_all()
    admin = _db.session.get(type(world.staff[COMMUNITY_ADMIN]), world.staff[COMMUNITY_ADMIN].id)
    with count_queries(app) as statements:
        queue = queries.open_disputes(admin)
        shown = [(d.id, d.signup.volunteer.real_name, d.signup.shift.project.name) for d in queue]
    assert shown == [(older.id, "second", "四点半课堂"), (newer.id, "first", "四点半课堂")]
    assert len(statements) == 1
    with pytest.raises(Forbidden):
        queries.open_disputes(world.staff[GRID_WORKER])
