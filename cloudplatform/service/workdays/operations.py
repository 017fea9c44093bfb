"""Changing the holiday calendar: staff set or clear one date (``aid.configure``, audited); ``import_year``
fills a year from the ``chinese_calendar`` package (``flask calendar import <year>``)."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import requires
from cloudplatform.service import workdays
from cloudplatform.service.workdays.models import CalendarDay

CONFIGURE_RIGHT = "aid.configure"
NAME_LENGTH = 32


class CalendarYearUnknown(LookupError):
    """The ``chinese_calendar`` package does not carry the State Council's arrangement for the year."""

    def __init__(self, year: int, known: int):
        super().__init__(
            f"chinese_calendar 尚无 {year} 年的节假日安排（已知到 {known} 年）："
            "请升级 chinesecalendar 包，或在控制台逐日录入"
        )
        self.year = year


@requires(CONFIGURE_RIGHT)
def set_day(staff: StaffAccount, day: date, workday: bool, name: str = "") -> CalendarDay:
    """Make ``day`` a holiday (``workday`` false) or a worked day (调休, true), named e.g. 春节."""
    calendar_day = _put(day, workday, name)
    record(
        staff,
        "calendar.update",
        details={"day": day.isoformat(), "workday": workday, "name": calendar_day.name},
    )
    workdays.forget()
    return calendar_day


@requires(CONFIGURE_RIGHT)
def clear_day(staff: StaffAccount, day: date) -> bool:
    """Return ``day`` to the weekday rule; whether the calendar had it."""
    removed = db.session.execute(sa.delete(CalendarDay).where(CalendarDay.day == day)).rowcount
    record(staff, "calendar.update", details={"day": day.isoformat(), "cleared": True})
    workdays.forget()
    return bool(removed)


def import_year(year: int) -> int:
    """Fill ``year`` from the ``chinese_calendar`` package: its holidays that fall on a weekday and its
    worked weekend days (调休); a date already in the calendar is overwritten. Returns the dates written.

    :raises CalendarYearUnknown: the package does not know the year.
    """
    import chinese_calendar  # type: ignore[import-untyped]

    known = max(day.year for day in chinese_calendar.holidays)
    holidays = {d: n for d, n in chinese_calendar.holidays.items() if d.year == year and d.weekday() < 5}
    worked = {d: n for d, n in chinese_calendar.workdays.items() if d.year == year and d.weekday() >= 5}
    if year > known or not holidays:
        raise CalendarYearUnknown(year, known)
    for day, name in holidays.items():
        _put(day, False, _chinese(chinese_calendar, name))
    for day, name in worked.items():
        _put(day, True, _chinese(chinese_calendar, name) + "调休")
    db.session.flush()
    workdays.forget()
    return len(holidays) + len(worked)


def _chinese(chinese_calendar, name: str) -> str:
    try:
        return chinese_calendar.Holiday(name).chinese
    except ValueError:
        return name


def _put(day: date, workday: bool, name: str) -> CalendarDay:
    calendar_day = db.session.get(CalendarDay, day) or CalendarDay(day=day)
    calendar_day.workday = workday
    calendar_day.name = name.strip()[:NAME_LENGTH]
    db.session.add(calendar_day)
    db.session.flush()
    return calendar_day
