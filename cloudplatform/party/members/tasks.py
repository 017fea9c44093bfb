"""What the scheduler calls for reports: thin wrappers over the operations (the job runner commits)."""

from cloudplatform.party.members import operations


def reconfirm_reports() -> dict[str, int]:
    """Remind members whose year ends within a month; lapse the reports not reconfirmed in time."""
    return operations.remind_and_lapse_reports()
