"""What the scheduler calls for volunteer shifts: thin wrappers over the operations (the job runner
commits)."""

from cloudplatform.volunteer.shifts import operations


def lapse_offers() -> dict[str, int]:
    """Every 5 minutes: offers not confirmed in time lapse; their places go to the next waiting volunteer
    or are freed."""
    return operations.lapse_offers()


def remind_shifts() -> int:
    """Daily at 18:00 Beijing time: remind each volunteer of tomorrow's shift, once."""
    return operations.remind_tomorrows_shifts()
