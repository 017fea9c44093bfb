"""The one clock of the platform: always timezone-aware UTC, movable in tests with time-machine."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    """Convert a stored UTC time to Asia/Shanghai for display."""
    return dt.astimezone(LOCAL_TZ)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local (Asia/Shanghai) calendar day as a UTC interval [start, end)."""
    start = datetime.combine(day, time(), LOCAL_TZ)
    return start, start + timedelta(days=1)
