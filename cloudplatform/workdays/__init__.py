"""Working days (工作日): weekdays, except the holidays and with the swapped workdays (调休) in the calendar.

The calendar is a table staff maintain (``CalendarDay``: a date that is a holiday, or a weekend day that
is worked). ``flask calendar import <year>`` fills a year from the ``chinese_calendar`` package, which
carries the State Council's arrangement for the years it knows; a later year is entered by hand once it
is announced (every November). A date with no row is a working day from Monday to Friday.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.workdays.models import CalendarDay


def exceptions(start: date, end: date) -> dict[date, bool]:
    """The calendar's rows from ``start`` to ``end`` (inclusive): date -> worked."""
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.workday).where(CalendarDay.day.between(start, end))
    )
    return {day: worked for day, worked in rows}


def is_workday(day: date, known: dict[date, bool]) -> bool:
    return known.get(day, day.weekday() < 5)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    horizon = start + timedelta(days=days * 2 + 60)  # long holidays included
    known = exceptions(start, horizon)
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day > horizon:
            horizon = day + timedelta(days=days * 2 + 60)
            known |= exceptions(day, horizon)
        if is_workday(day, known):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    known = exceptions(start, end)
    return sum(is_workday(start + timedelta(days=n), known) for n in range(1, (end - start).days + 1))
