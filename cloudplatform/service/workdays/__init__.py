"""Working days (工作日): weekdays, except the holidays and with the swapped workdays (调休) in the calendar.

The calendar is a table staff maintain (``CalendarDay``: a date that is a holiday, or a weekend day that
is worked). ``flask calendar import <year>`` fills a year from the ``chinese_calendar`` package, which
carries the State Council's arrangement for the years it knows; a later year is entered by hand once it
is announced (every November). A date with no row is a working day from Monday to Friday.
"""

import time
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.extensions import db
from cloudplatform.service.workdays.models import CalendarDay

CACHE_SECONDS = 300  # another worker's edit of the calendar shows here within this long


def known_days() -> dict[date, bool]:
    """Every date of the calendar (date -> worked), read once per process every ``CACHE_SECONDS``: a
    deadline is worked out without a query (a year holds some thirty rows)."""
    extensions = current_app.extensions
    loaded_at, days = extensions.get("workdays", (None, {}))
    if loaded_at is None or time.monotonic() - loaded_at > CACHE_SECONDS:
        days = dict(db.session.execute(sa.select(CalendarDay.day, CalendarDay.workday)).tuples().all())
        extensions["workdays"] = (time.monotonic(), days)
    return days


def forget() -> None:
    """Read the calendar afresh at next use (after this process changed it)."""
    current_app.extensions.pop("workdays", None)


def is_workday(day: date, known: dict[date, bool]) -> bool:
    return known.get(day, day.weekday() < 5)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    known = known_days()
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_workday(day, known):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    known = known_days()
    return sum(is_workday(start + timedelta(days=n), known) for n in range(1, (end - start).days + 1))
