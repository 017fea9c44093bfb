"""Working days: a weekend, a holiday week (国庆) and a worked Saturday (调休) move a deadline; staff
change the calendar (city admins only, audited); a year is imported from the chinese_calendar package."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN
from cloudplatform.service import workdays
from cloudplatform.service.workdays import add_working_days, working_days_between
from cloudplatform.service.workdays.models import CalendarDay
from cloudplatform.service.workdays.operations import CalendarYearUnknown, clear_day, import_year, set_day

FRIDAY, MONDAY = date(2026, 12, 4), date(2026, 12, 7)


def national_day_2026(admin):
    """国庆 2026 as staff enter it: Thursday 1 to Wednesday 7 October off, Saturday 10 October worked."""
    for day in (1, 2, 5, 6, 7):
        set_day(admin, date(2026, 10, day), False, "国庆节")
    set_day(admin, date(2026, 10, 10), True, "国庆节调休")


def test_a_weekend_is_not_counted(db):
    assert add_working_days(FRIDAY, 1) == MONDAY
    assert add_working_days(FRIDAY, 0) == FRIDAY
    assert working_days_between(FRIDAY, MONDAY) == 1
    assert working_days_between(MONDAY, FRIDAY) == 0
    assert working_days_between(date(2026, 11, 30), date(2026, 12, 14)) == 10  # two whole weeks


def test_the_national_day_week_is_skipped_and_its_worked_saturday_counted(db, world):
    national_day_2026(world.staff[CITY_ADMIN])
    db.session.commit()

    eve = date(2026, 9, 30)  # Wednesday before the holiday
    assert add_working_days(eve, 1) == date(2026, 10, 8)  # Thursday after it
    assert add_working_days(eve, 3) == date(2026, 10, 10)  # the worked Saturday
    assert add_working_days(eve, 4) == date(2026, 10, 12)  # then Monday
    assert working_days_between(eve, date(2026, 10, 12)) == 4
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 9)) == 4  # Tue, Wed, Thu, Fri


def test_staff_change_the_calendar_and_it_counts_at_once(db, world):
    admin = world.staff[CITY_ADMIN]
    assert add_working_days(FRIDAY, 1) == MONDAY  # read (and cached) before the change
    set_day(admin, MONDAY, False, "  临时休假  ")
    db.session.commit()
    assert add_working_days(FRIDAY, 1) == date(2026, 12, 8)
    assert db.session.get(CalendarDay, MONDAY).name == "临时休假"

    set_day(admin, MONDAY, True, "")  # a date is set again, not added twice
    assert clear_day(admin, MONDAY) is True
    assert clear_day(admin, MONDAY) is False
    db.session.commit()
    assert add_working_days(FRIDAY, 1) == MONDAY
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "calendar.update")).all()
    assert [e.details["day"] for e in entries] == ["2026-12-07"] * 4
    assert entries[0].details == {"day": "2026-12-07", "workday": False, "name": "临时休假"}
    assert entries[0].actor_id == admin.id


def test_only_a_city_admin_changes_the_calendar(db, world):
    with pytest.raises(Forbidden):
        set_day(world.staff[COMMUNITY_ADMIN], MONDAY, False, "休假")
    with pytest.raises(Forbidden):
        clear_day(world.staff[COMMUNITY_ADMIN], MONDAY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 0


def test_2026_is_imported_from_the_package(db):
    written = import_year(2026)
    db.session.commit()
    days = {d.day: d for d in db.session.scalars(sa.select(CalendarDay))}
    assert written == len(days)
    assert all(d.day.year == 2026 for d in days.values())
    # the Spring Festival: 15 to 23 February off, Saturdays 14 and 28 February worked
    known = workdays.known_days()
    festival = [date(2026, 2, n) for n in range(15, 24)]
    assert not any(workdays.is_workday(day, known) for day in festival)
    assert workdays.is_workday(date(2026, 2, 14), known) and workdays.is_workday(date(2026, 2, 28), known)
    assert days[date(2026, 2, 16)].name == "春节" and days[date(2026, 2, 16)].workday is False
    assert days[date(2026, 2, 28)].name == "春节调休" and days[date(2026, 2, 28)].workday is True
    assert date(2026, 2, 15) not in days  # a Sunday off is no exception to the weekday rule
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)

    assert import_year(2026) == written  # again: the same dates, overwritten
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == written


def test_a_deadline_n_working_days_away_has_n_working_days_left_all_year(db):
    import_year(2026)  # every holiday and worked weekend day of 2026
    db.session.commit()
    start = date(2025, 12, 20)
    while start < date(2027, 1, 10):
        for n in (1, 2, 5, 10, 15, 30):
            due = add_working_days(start, n)
            assert working_days_between(start, due) == n, (start, n)
            assert working_days_between(start, due - timedelta(days=1)) == n - 1, (start, n)
        start += timedelta(days=1)


def test_a_year_the_package_does_not_know_is_refused(db):
    with pytest.raises(CalendarYearUnknown, match="2099"):
        import_year(2099)


def test_the_import_command(app, db):
    runner = CliRunner()
    result = runner.invoke(app.cli, ["calendar", "import", "2026"])
    assert result.exit_code == 0, result.output
    assert "2026:" in result.output
    assert db.session.get(CalendarDay, date(2026, 10, 10)).workday is True

    result = runner.invoke(app.cli, ["calendar", "import", "2099"])
    assert result.exit_code == 1
    assert "尚无 2099 年" in result.output
