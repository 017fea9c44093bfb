"""What the scheduler calls for 云柜: thin wrappers over the operations (the job runner commits)."""

from cloudplatform.locker import operations


def send_reminders() -> int:
    """Remind recipients once of deposits waiting LOCKER_REMINDER_HOURS."""
    return operations.remind_waiting_deposits()


def expire_deposits() -> int:
    """Expire deposits past LOCKER_EXPIRY_HOURS: retrieval tasks for staff."""
    return operations.expire_deposits()


def prune_nonces() -> int:
    """Forget the device nonces older than 10 minutes (the embedded default's table)."""
    return operations.forget_nonces()


def return_stuck_openings() -> int:
    """Put back deposits whose commanded door did not open within two minutes."""
    return operations.return_stuck_openings()


def lapse_dropoffs() -> int:
    """Free the compartments of drop-off reservations never used within their hold."""
    return operations.lapse_dropoff_reservations()
