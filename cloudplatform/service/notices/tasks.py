"""What the scheduler calls for notices: a thin wrapper over the operation (the job runner commits)."""

from cloudplatform.service.notices import operations


def push_scheduled_notices() -> int:
    """Push scheduled notices whose time has come, once each."""
    return operations.push_due_notices()
