"""What the scheduler calls for the 爱心超市: a thin wrapper over the operations (the job runner commits)."""

from cloudplatform.volunteer.rewards import operations


def cancel_uncollected_redemptions() -> int:
    """Every 30 minutes: redemptions not collected by their ``collect_by`` become uncollected, with their
    points and stock given back and the volunteer told."""
    return operations.cancel_uncollected()
