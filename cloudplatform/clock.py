"""The one clock of the platform: always timezone-aware UTC, movable in tests with time-machine."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def local(dt: datetime) -> datetime:
    """Convert a stored UTC time to Asia/Shanghai for display."""
    return dt.astimezone(LOCAL_TZ)
