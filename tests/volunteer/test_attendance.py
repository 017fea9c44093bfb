"""Volunteers check in and out of a shift by scanning its rotating venue code, or the organiser scans
their personal code; every refusal leaves the sign-up as it was."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER, STREET_ADMIN
from cloudplatform.venue import VenueCodeExpired, VenueCodeInvalid, load_for_display, venue_code
from cloudplatform.volunteer.attendance import errors
from cloudplatform.volunteer.attendance.operations import check_in, check_out, scan_volunteer
from cloudplatform.volunteer.models import WAITING, ShiftSignup
from tests.helpers import count_queries
from tests.volunteer.attendance_fixtures import (
    at,
    attended,
    card_code,
    fresh,
    shift_code,
    signed_up,
    standing_clock,  # noqa: F401 (the fixture clock)
    state,
    user_of,
)
from tests.volunteer.fixtures import project, shift, signup, volunteer


def test_a_signed_up_volunteer_checks_in_once_from_the_margin_before_the_start(app, world, clock):
    made, who, own = signed_up(world)
    at(clock, minutes=-31)
    before = state(own)
    with pytest.raises(errors.CheckInClosed):
        check_in(user_of(who), shift_code(made))
    assert state(own) == before
    at(clock, minutes=-30)
    user, code = user_of(who), shift_code(made)
    with count_queries(app) as statements:
        checked = check_in(user, code)
    assert len(statements) == 2  # the shift with the caller's sign-up, the conditional UPDATE
    assert checked.id == own.id and checked.checked_in_at == made.starts_at - timedelta(minutes=30)
    _db.session.commit()
    assert fresh(ShiftSignup, own.id).checked_in_at == made.starts_at - timedelta(minutes=30)
    before = state(own)
    with pytest.raises(errors.AlreadyCheckedIn):
        check_in(user_of(who), shift_code(made))
    assert state(own) == before


def test_check_in_closes_at_the_end(world, clock):
    made, who, _ = signed_up(world)
    at(clock, hours=2)
    check_in(user_of(who), shift_code(made))  # the last moment
    late = volunteer(world.home, "late")
    late_signup = signup(made, late)
    at(clock, hours=2, seconds=1)
    before = state(late_signup)
    with pytest.raises(errors.CheckInClosed):
        check_in(user_of(late), shift_code(made))
    assert state(late_signup) == before and before[0] is None


def test_refusals_change_nothing(world, clock):
    made, who, own = signed_up(world)
    waiting = volunteer(world.home, "waiting")
    waiting_signup = signup(made, waiting, status=WAITING)
    stranger = volunteer(world.home, "stranger")
    at(clock, minutes=10)
    before = state(own)
    cases = [
        (user_of(waiting), shift_code(made), errors.NotSignedUp),
        (user_of(stranger), shift_code(made), errors.NotSignedUp),
        (user_of(who), venue_code("party_activity", made.id), VenueCodeInvalid),
        (user_of(who), shift_code(made)[:-2] + "AA", VenueCodeInvalid),
        (user_of(who), venue_code("volunteer_shift", made.id + 100), errors.ShiftNotFound),
        (user_of(who), card_code(who), VenueCodeInvalid),
    ]
    for user, code, error in cases:
        with pytest.raises(error):
            check_in(user, code)
        assert state(own) == before
    assert state(waiting_signup)[0] is None
    shown = shift_code(made)
    at(clock, minutes=10, seconds=65)  # two windows later: a photo of the screen
    with pytest.raises(VenueCodeExpired):
        check_in(user_of(who), shown)
    made.status = "cancelled"
    _db.session.commit()
    with pytest.raises(errors.ShiftCancelled):
        check_in(user_of(who), shift_code(made))
    assert state(own) == before


def test_check_out_follows_the_check_in_until_the_margin_after_the_end(world, clock):
    made, who, own = signed_up(world)
    at(clock, minutes=-5)
    before = state(own)
    with pytest.raises(errors.NotCheckedIn):
        check_out(user_of(who), shift_code(made))
    assert state(own) == before
    check_in(user_of(who), shift_code(made))
    at(clock, hours=2, minutes=30)
    out = check_out(user_of(who), shift_code(made))
    assert out.checked_out_at == made.ends_at + timedelta(minutes=30)
    _db.session.commit()
    before = state(own)
    with pytest.raises(errors.AlreadyCheckedOut):
        check_out(user_of(who), shift_code(made))
    assert state(own) == before


def test_check_out_closes_after_the_margin(world, clock):
    made, who, own = attended(world, clock)
    at(clock, hours=2, minutes=30, seconds=1)
    before = state(own)
    with pytest.raises(errors.CheckOutClosed):
        check_out(user_of(who), shift_code(made))
    assert state(own) == before and before[1] is None


def test_the_organiser_scans_a_volunteer_in_then_out(world, clock):
    made, who, own = signed_up(world)
    grid = world.staff[GRID_WORKER]
    at(clock, minutes=-20)
    scanned = scan_volunteer(grid, made.id, card_code(who))
    assert (scanned.id, scanned.checked_in_at, scanned.scanned_by_id) == (
        own.id,
        made.starts_at - timedelta(minutes=20),
        grid.id,
    )
    at(clock, hours=1)
    scan_volunteer(grid, made.id, card_code(who))
    _db.session.commit()
    row = fresh(ShiftSignup, own.id)
    assert row.checked_out_at == made.starts_at + timedelta(hours=1) and row.scanned_by_id == grid.id
    audited = _db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "shift_signup.scan").order_by(AuditEntry.id)
    ).all()
    assert [(a.details["direction"], a.actor_id, a.target_id) for a in audited] == [
        ("in", grid.id, str(own.id)),
        ("out", grid.id, str(own.id)),
    ]
    before = state(own)
    with pytest.raises(errors.AlreadyCheckedOut):
        scan_volunteer(grid, made.id, card_code(who))
    assert state(own) == before


def test_scanning_refusals_change_nothing(world, clock):
    made, who, own = signed_up(world)
    stranger = volunteer(world.home, "stranger")
    far = shift(project(world.elsewhere))
    grid, street = world.staff[GRID_WORKER], world.staff[STREET_ADMIN]
    at(clock, minutes=-40)
    before = state(own)
    cases = [
        (grid, made.id, card_code(who), errors.CheckInClosed),
        (grid, made.id, shift_code(made), VenueCodeInvalid),
        (grid, made.id, venue_code("volunteer_card", stranger.id + 100), errors.VolunteerNotFound),
        (grid, made.id, card_code(stranger), errors.NotSignedUp),
        (street, far.id, card_code(who), errors.ShiftNotFound),
        (grid, made.id + 100, card_code(who), errors.ShiftNotFound),
    ]
    for staff, shift_id, code, error in cases:
        with pytest.raises(error):
            scan_volunteer(staff, shift_id, code)
        assert state(own) == before
    assert _db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "shift_signup.scan")) is None


def test_the_venue_screen_shows_a_shift_of_the_staff_members_scope(world, clock):
    made, _, _ = signed_up(world)
    far = shift(project(world.elsewhere))
    purpose, record = load_for_display(world.staff[GRID_WORKER], "volunteer_shift", made.id)
    assert (purpose.title, record.id, purpose.label(record)) == ("志愿服务签到", made.id, "四点半课堂")
    with pytest.raises(errors.ShiftNotFound):
        load_for_display(world.staff[STREET_ADMIN], "volunteer_shift", far.id)
