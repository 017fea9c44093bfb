"""The working-day clock of a case: it starts at a complete submission, skips weekends and the calendar's
holidays, stands still while materials are incomplete, and stops at a decision."""

from datetime import date

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN, GRID_WORKER, STREET_ADMIN
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import INCOMPLETE, PUBLICITY, REVIEW, STREET_REVIEW, SUBMITTED
from cloudplatform.service.workdays.operations import set_day
from tests.service.aid.fixtures import application_fields, categories, resident_at
from tests.service.aid.stages import case_at

DAY = 86400


def test_the_deadline_counts_working_days_from_the_submission(world, clock):
    case = case_at(world, SUBMITTED, categories()["medical"])  # Monday 12-07, 15 working days
    assert case.due_on == date(2026, 12, 28)
    assert case.clock_resumed_on == date(2026, 12, 7) and case.working_days_used == 0
    assert aid.working_days_left(case) == 15
    clock.shift(5 * DAY)  # Saturday 12-12
    assert aid.working_days_left(case) == 11  # Tuesday to Friday spent
    clock.shift(17 * DAY)  # Tuesday 12-29
    assert aid.working_days_left(case) == -1


def test_a_holiday_in_the_calendar_moves_the_deadline(world, clock):
    admin = world.staff[CITY_ADMIN]
    for day in (21, 22, 23):
        set_day(admin, date(2026, 12, day), False, "临时调整")
    set_day(admin, date(2026, 12, 26), True, "调休")  # a Saturday worked
    _db.session.commit()
    case = case_at(world, SUBMITTED, categories()["medical"])
    assert case.due_on == date(2026, 12, 30)  # three days later, one back


def test_the_clock_stands_while_materials_are_incomplete(world, clock):
    applicant = resident_at(world, "李桂芳")
    case = aid.apply(applicant, **application_fields(world, categories()["medical"]))
    _db.session.commit()
    clock.shift(2 * DAY)  # Wednesday: two working days spent
    aid.request_materials(world.staff[GRID_WORKER], case, ["诊断证明", "收入证明"])
    _db.session.commit()
    assert (case.status, case.working_days_used, case.due_on) == (INCOMPLETE, 2, None)
    assert case.clock_resumed_on is None and case.flag is None
    assert aid.working_days_left(case) is None

    clock.shift(7 * DAY)  # Wednesday a week later: the week does not count
    aid.resubmit(applicant, case)
    _db.session.commit()
    assert (case.status, case.working_days_used, case.clock_resumed_on) == (SUBMITTED, 2, date(2026, 12, 16))
    assert case.due_on == date(2027, 1, 4)  # 13 working days from Wednesday 12-16
    assert aid.working_days_left(case) == 13

    clock.shift(DAY)
    aid.accept(world.staff[GRID_WORKER], case)
    aid.request_materials(world.staff[GRID_WORKER], case, ["诊断证明"])  # again, from review
    _db.session.commit()
    assert case.working_days_used == 3


def test_the_clock_runs_through_publicity_and_the_street_and_stops_at_the_decision(world, clock):
    medical = categories()["medical"]
    case = case_at(world, STREET_REVIEW, medical)
    assert case.due_on == date(2026, 12, 28)  # 公示 and the street are within the deadline
    assert aid.working_days_left(case) == 15
    aid.grant(world.staff[STREET_ADMIN], case, 50000)
    _db.session.commit()
    assert case.due_on is None and aid.working_days_left(case) is None

    for status in (REVIEW, PUBLICITY):
        other = case_at(world, status, medical)
        assert aid.working_days_left(other) == 15
        aid.reject(world.staff[CITY_ADMIN], other, "经核查不符合条件")
        _db.session.commit()
        assert other.due_on is None and other.flag is None
