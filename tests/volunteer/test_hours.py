"""Organisers confirm a checked-in volunteer's attended time (whole half hours, rounded down) once: the
volunteer's total and points move with it, and the volunteer is told; corrections need a reason."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN, StaffAccount
from cloudplatform.notify.models import Notification
from cloudplatform.volunteer.attendance import errors, queries
from cloudplatform.volunteer.attendance.operations import (
    attended_minutes,
    check_in,
    check_out,
    confirm_all,
    confirm_attendance,
    correct_hours,
)
from cloudplatform.volunteer.models import PointEntry, Shift, ShiftSignup, Volunteer
from tests.helpers import count_queries
from tests.volunteer.attendance_fixtures import (
    at,
    attended,
    fresh,
    ledger_sum,
    shift_code,
    standing_clock,  # noqa: F401 (the fixture clock)
    state,
    user_of,
)
from tests.volunteer.fixtures import project, rule, shift, signup, volunteer

T0 = datetime(2026, 12, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("checked_in", "checked_out", "minutes"),
    [
        (-10, None, 120),  # early, no check-out: the whole shift
        (10, 120, 90),  # 1h50 → 1h30
        (0, 29, 0),
        (0, 30, 30),
        (20, 110, 90),
        (-30, 200, 120),  # out after the end: until the end
        (119, None, 0),
    ],
)
def test_attended_time_is_within_the_shift_in_whole_half_hours_down(checked_in, checked_out, minutes):
    made = Shift(starts_at=T0, ends_at=T0 + timedelta(hours=2))
    own = ShiftSignup(
        checked_in_at=T0 + timedelta(minutes=checked_in),
        checked_out_at=None if checked_out is None else T0 + timedelta(minutes=checked_out),
    )
    assert attended_minutes(made, own) == minutes


def messages_to(user_id):
    return _db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    ).all()


def test_confirming_credits_the_half_hours_once_with_points(world, clock):
    rule(world.home, points_per_hour=10)
    made, who, own = attended(world, clock, checked_in={"minutes": 10}, checked_out={"hours": 2})
    at(clock, hours=2, minutes=5)
    grid = world.staff[GRID_WORKER]
    confirmed = confirm_attendance(grid, own)
    _db.session.commit()
    assert (confirmed.minutes, confirmed.confirmed_by_id) == (90, grid.id)
    row = fresh(ShiftSignup, own.id)
    assert (row.minutes, row.confirmed_at) == (90, made.starts_at + timedelta(hours=2, minutes=5))
    assert fresh(Volunteer, who.id).confirmed_minutes == 90
    (earned,) = _db.session.scalars(select(PointEntry).where(PointEntry.signup_id == own.id)).all()
    assert (earned.kind, earned.amount, earned.balance_after) == ("earn", 15, 15)
    assert ledger_sum(who.user_id) == 15
    (message,) = messages_to(who.user_id)
    assert message.template_key == "volunteer_hours"
    assert [message.data[k]["value"] for k in ("thing1", "thing2", "thing3")] == [
        "四点半课堂",
        "1小时30分",
        "获得15积分",
    ]
    (audit,) = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "shift_signup.confirm"))
    assert (audit.actor_id, audit.target_id, audit.details["minutes"]) == (grid.id, str(own.id), 90)
    before = state(own)
    with pytest.raises(errors.AttendanceConfirmed):
        confirm_attendance(world.staff[COMMUNITY_STAFF], fresh(ShiftSignup, own.id))
    assert state(own) == before and len(messages_to(who.user_id)) == 1


def test_without_a_rule_the_hours_count_but_earn_no_points(world, clock):
    _, who, own = attended(world, clock)
    at(clock, hours=2)
    confirm_attendance(world.staff[GRID_WORKER], own)
    _db.session.commit()
    assert fresh(Volunteer, who.id).confirmed_minutes == 120
    assert _db.session.scalar(select(PointEntry.id)) is None
    (message,) = messages_to(who.user_id)
    assert (message.data["thing2"]["value"], message.data["thing3"]["value"]) == ("2小时0分", "本次无积分")


def test_confirming_is_refused_without_a_check_in_before_the_start_after_a_cancellation_or_outside(
    world, clock
):
    grid = world.staff[GRID_WORKER]
    made, _, own = attended(world, clock)
    absent = signup(made, volunteer(world.home, "absent"))
    far_shift = shift(project(world.elsewhere))
    far = signup(far_shift, volunteer(world.elsewhere, "far"), checked_in_at=far_shift.starts_at)
    at(clock, minutes=-5)
    before = state(own)
    with pytest.raises(errors.ShiftNotStarted):
        confirm_attendance(grid, own)
    assert state(own) == before
    at(clock, hours=1)
    with pytest.raises(errors.NotAttended):
        confirm_attendance(grid, absent)
    with pytest.raises(errors.SignupNotFound):
        confirm_attendance(world.staff[STREET_ADMIN], far)
    assert state(far)[4] is None
    made.status = "cancelled"
    _db.session.commit()
    with pytest.raises(errors.ShiftCancelled):
        confirm_attendance(grid, own)
    assert state(own) == before and state(absent)[4] is None


def test_confirm_all_credits_every_checked_in_volunteer_not_confirmed_yet(world, clock):
    rule(world.home, points_per_hour=10)
    made, first, first_signup = attended(world, clock, name="first")
    second, absent = volunteer(world.home, "second"), volunteer(world.home, "absent")
    second_signup, absent_signup = signup(made, second), signup(made, absent)
    at(clock, minutes=40)
    check_in(user_of(second), shift_code(made))  # 08:40: 1h20 → 1h
    _db.session.commit()
    at(clock, hours=2)
    grid = world.staff[GRID_WORKER]
    confirm_attendance(grid, first_signup)
    assert confirm_all(grid, made) == 1
    _db.session.commit()
    minutes = {s.id: s.minutes for s in _db.session.scalars(select(ShiftSignup))}
    assert minutes == {first_signup.id: 120, second_signup.id: 60, absent_signup.id: None}
    assert fresh(Volunteer, second.id).confirmed_minutes == 60
    assert fresh(Volunteer, first.id).confirmed_minutes == 120
    assert ledger_sum(second.user_id) == 10 and ledger_sum(first.user_id) == 20
    (audit,) = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "shift_signup.confirm_all"))
    assert audit.details == {"confirmed": 1, "minutes": 60}
    assert confirm_all(grid, made) == 0


def test_correcting_moves_the_total_and_the_points_by_the_difference(world, clock):
    rule(world.home, points_per_hour=10)
    _, who, own = attended(world, clock)
    at(clock, hours=2)
    grid = world.staff[GRID_WORKER]
    confirm_attendance(grid, own)
    _db.session.commit()
    correct_hours(grid, fresh(ShiftSignup, own.id), 60, "  提前离场一小时 ")
    _db.session.commit()
    assert fresh(ShiftSignup, own.id).minutes == 60
    assert fresh(Volunteer, who.id).confirmed_minutes == 60
    rows = _db.session.scalars(select(PointEntry).order_by(PointEntry.id)).all()
    assert [(r.kind, r.amount) for r in rows] == [("earn", 20), ("adjust", -10)]
    assert rows[-1].balance_after == ledger_sum(who.user_id) == 10
    (audit,) = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "shift_signup.correct"))
    assert audit.details == {"before": 120, "after": 60, "reason": "提前离场一小时"}


def test_correcting_is_refused_without_a_reason_confirmation_or_a_length_within_the_shift(world, clock):
    made, _, own = attended(world, clock)
    at(clock, hours=2)
    grid = world.staff[GRID_WORKER]
    before = state(own)
    with pytest.raises(errors.HoursNotConfirmed):
        correct_hours(grid, own, 60, "更正")
    assert state(own) == before
    confirm_attendance(grid, own)
    _db.session.commit()
    before = state(own)
    for minutes, reason, error in [
        (60, "  ", errors.ReasonRequired),
        (121, "更正", errors.InvalidMinutes),
        (-1, "更正", errors.InvalidMinutes),
    ]:
        with pytest.raises(error):
            correct_hours(grid, fresh(ShiftSignup, own.id), minutes, reason)
        assert state(own) == before
    far_shift = shift(project(world.elsewhere))
    far = signup(far_shift, volunteer(world.elsewhere, "far"), minutes=60, confirmed_at=made.starts_at)
    with pytest.raises(errors.SignupNotFound):
        correct_hours(world.staff[STREET_ADMIN], far, 30, "更正")
    assert state(far)[3] == 60


def test_the_attendance_queue_lists_unconfirmed_check_ins_in_scope_oldest_first(app, world, clock):
    made, _, late = attended(world, clock, name="late", checked_in={"minutes": 5})
    signup(made, volunteer(world.home, "early"), checked_in_at=made.starts_at - timedelta(minutes=20))
    signup(made, volunteer(world.home, "absent"))
    signup(made, volunteer(world.home, "done"), checked_in_at=made.starts_at, confirmed_at=made.starts_at)
    far_shift = shift(project(world.elsewhere))
    signup(far_shift, volunteer(world.elsewhere, "far"), checked_in_at=far_shift.starts_at)
    _db.session.expire_all()
    staff = _db.session.get(StaffAccount, world.staff[STREET_ADMIN].id)
    with count_queries(app) as statements:
        queue = queries.attendance_queue(staff)
        names = [(s.volunteer.real_name, s.shift.project.name) for s in queue]
    assert names == [("early", "四点半课堂"), ("late", "四点半课堂")]
    assert len(statements) == 1
    assert [s.id for s in queue][1] == late.id


def test_hours_totals_by_beijing_month_and_year(world, clock):
    who = volunteer(world.home, "xiaoli")
    of = project(world.home)
    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=LOCAL_TZ)  # 2026-12-31 17:00 UTC
    for starts_in, minutes in [
        (timedelta(days=-30), 60),  # 2026-11-07
        (timedelta(days=-1), 90),  # 2026-12-06
        (timedelta(hours=2), 120),  # 2026-12-07
        (new_year - (datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)), 30),
    ]:
        signup(shift(of, starts_in=starts_in), who, minutes=minutes, confirmed_at=datetime.now(UTC))
    signup(shift(of, starts_in=timedelta(days=3)), who)  # not confirmed
    totals = queries.hours_totals(who)
    assert [(t.period, t.minutes, t.shifts) for t in totals["months"]] == [
        ("2027-01", 30, 1),
        ("2026-12", 210, 2),
        ("2026-11", 60, 1),
    ]
    assert [(t.period, t.minutes, t.shifts) for t in totals["years"]] == [("2027", 30, 1), ("2026", 270, 3)]
    assert queries.hours_totals(volunteer(world.home, "newcomer")) == {"months": [], "years": []}


def test_hours_are_confirmed_once_the_volunteer_checked_out_or_the_shift_is_over(world, clock):
    grid = world.staff[GRID_WORKER]
    made, who, own = attended(world, clock, name="leaving")
    staying = volunteer(world.home, "staying")
    stays = signup(made, staying)
    check_in(user_of(staying), shift_code(made))
    _db.session.commit()
    at(clock, hours=1)  # under way: neither has checked out
    before = state(own)
    with pytest.raises(errors.StillServing):
        confirm_attendance(grid, own)
    assert state(own) == before
    assert confirm_all(grid, made) == 0
    check_out(user_of(who), shift_code(made))  # leaves at 09:00: one hour
    _db.session.commit()
    assert confirm_all(grid, made) == 1  # the one who left; the other still serves
    _db.session.commit()
    assert (fresh(ShiftSignup, own.id).minutes, fresh(ShiftSignup, stays.id).confirmed_at) == (60, None)
    at(clock, hours=2)
    confirm_attendance(grid, fresh(ShiftSignup, stays.id))
    _db.session.commit()
    assert fresh(ShiftSignup, stays.id).minutes == 120
