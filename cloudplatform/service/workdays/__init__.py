"""Working days (工作日): weekdays, except the holidays and with the swapped workdays (调休) in the calendar.

The calendar is a table staff maintain (``CalendarDay``: a date that is a holiday, or a weekend day that
is worked). ``flask calendar import <year>`` fills a year from the ``chinese_calendar`` package, which
carries the State Council's arrangement for the years it knows; a later year is entered by hand once it
is announced (every November). A date with no row is a working day from Monday to Friday.
"""

import bisect
import itertools
import time
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.extensions import db
from cloudplatform.service.workdays.models import CalendarDay

CACHE_SECONDS = 300  # another worker's edit of the calendar shows here within this long


@dataclass(frozen=True)
class Calendar:
    """The calendar's dates (date -> worked), and the same as a count: the dates where the calendar
    differs from the weekday rule, in order, with the running total of what each adds (+1 a worked
    weekend day, -1 a weekday holiday), so that counting a span is two lookups, not a day at a time."""

    days: dict[date, bool]
    exceptions: list[date]
    added: list[int]  # added[i]: what exceptions[:i] add together

    @classmethod
    def of(cls, days: dict[date, bool]) -> "Calendar":
        exceptions = sorted(day for day, worked in days.items() if worked != (day.weekday() < 5))
        shifts = (1 if days[day] else -1 for day in exceptions)
        return cls(days, exceptions, list(itertools.accumulate(shifts, initial=0)))

    def working_days_through(self, day: date) -> int:
        """Working days from 1 January of year 1 (a Monday) up to and including ``day``."""
        weeks, rest = divmod(day.toordinal(), 7)
        return weeks * 5 + min(rest, 5) + self.added[bisect.bisect_right(self.exceptions, day)]


def calendar() -> Calendar:
    """The calendar, read once per process every ``CACHE_SECONDS``: a deadline is worked out without a
    query (a year holds some thirty rows)."""
    extensions = current_app.extensions
    loaded_at, known = extensions.get("workdays", (None, None))
    if loaded_at is None or time.monotonic() - loaded_at > CACHE_SECONDS:
        days = dict(db.session.execute(sa.select(CalendarDay.day, CalendarDay.workday)).tuples().all())
        known = Calendar.of(days)
        extensions["workdays"] = (time.monotonic(), known)
    return known


def known_days() -> dict[date, bool]:
    """Every date of the calendar (date -> worked)."""
    return calendar().days


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
    known = calendar()
    return known.working_days_through(end) - known.working_days_through(start)
