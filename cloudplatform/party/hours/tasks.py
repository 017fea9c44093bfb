"""What the scheduler calls for service hours: thin wrappers over the operations (the job runner commits)."""

from dataclasses import asdict

from cloudplatform.clock import local, now
from cloudplatform.party.hours import operations
from cloudplatform.party.hours.queries import previous_month


def build_last_month_reports() -> dict[str, int]:
    """Build (or rebuild) every unit's report of last month (Beijing time) and tell the units' contacts."""
    return asdict(operations.build_unit_reports(previous_month(local(now()).date())))
