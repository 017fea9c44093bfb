"""Import every model so that Alembic and the console see all tables."""

from cloudplatform.audit.models import AuditEntry
from cloudplatform.idempotency import IdempotencyKey
from cloudplatform.identity.models import StaffAccount

__all__ = ["AuditEntry", "IdempotencyKey", "StaffAccount"]
