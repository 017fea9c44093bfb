"""Reads of the audit log: the entries a staff member may see."""

import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page


def audit_page(staff: StaffAccount, cursor: str | None, limit: int) -> tuple[list[AuditEntry], str | None]:
    """Audit entries of the staff member's communities (a city admin's: all), newest first."""
    stmt = sa.select(AuditEntry).where(scope_filter(staff, AuditEntry.community_id))
    return keyset_page(stmt, [AuditEntry.id], cursor, limit)
