"""Import every model so that Alembic and the console see all tables."""

from cloudplatform.audit.models import AuditEntry
from cloudplatform.idempotency import IdempotencyKey
from cloudplatform.identity.models import (
    Building,
    City,
    Community,
    District,
    Grid,
    GridAssignment,
    LoginToken,
    Membership,
    ResidencyRequest,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.notify.models import Notification, SubscriptionConsent

__all__ = [
    "AuditEntry",
    "Building",
    "City",
    "Community",
    "District",
    "Grid",
    "GridAssignment",
    "IdempotencyKey",
    "LoginToken",
    "Membership",
    "Notification",
    "ResidencyRequest",
    "StaffAccount",
    "Street",
    "SubscriptionConsent",
    "User",
]
