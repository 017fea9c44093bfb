"""What the scheduler calls for bookings: thin wrappers over the operations (the job runner commits)."""

from cloudplatform.service.bookings import operations


def generate_all_slots() -> int:
    """Keep every active service's booking window filled with slots."""
    return operations.fill_booking_windows()


def send_reminders() -> int:
    """Remind residents the day before of each confirmed booking, once."""
    return operations.remind_tomorrows_bookings()


def mark_no_shows() -> dict[str, int]:
    """Record no-shows of ended slots and suspend repeat offenders."""
    return operations.record_no_shows()
