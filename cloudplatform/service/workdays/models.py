"""The holiday calendar staff maintain: the dates that break the weekday rule."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.extensions import db


class CalendarDay(db.Model):
    """A date that breaks the weekday rule: a holiday (``workday`` false) or a worked weekend day (true)."""

    day: Mapped[date] = mapped_column(primary_key=True)
    workday: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(32), default="")
