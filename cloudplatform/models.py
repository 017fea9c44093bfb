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
from cloudplatform.locker.models import Cabinet, CabinetKey, Compartment, Deposit, DeviceNonce
from cloudplatform.notify.models import Notification, SubscriptionConsent
from cloudplatform.party.models import (
    Activity,
    ActivitySignup,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    PostClaim,
    ServiceHours,
    ServicePost,
    UnitMonthlyReport,
)
from cloudplatform.service.aid.models import AidApplication, AidCategory, AidFile, AidObjection, AidStep
from cloudplatform.service.bookings.models import (
    Bookable,
    Booking,
    BookingSuspension,
    Closure,
    OpeningHours,
    Slot,
)
from cloudplatform.service.demands.models import (
    Demand,
    DemandFile,
    DemandStep,
    Organisation,
    OrganisationCommunity,
    OrganisationStaff,
)
from cloudplatform.service.guides.models import Guide, GuideUpload
from cloudplatform.service.messages.models import Message
from cloudplatform.service.notices.models import Notice, NoticeReceipt, NoticeTarget, NoticeUpload
from cloudplatform.service.uploads.models import Upload
from cloudplatform.service.workdays.models import CalendarDay

__all__ = [
    "Activity",
    "ActivitySignup",
    "AidApplication",
    "AidCategory",
    "AidFile",
    "AidObjection",
    "AidStep",
    "AuditEntry",
    "Bookable",
    "Booking",
    "BookingSuspension",
    "Building",
    "Cabinet",
    "CabinetKey",
    "CalendarDay",
    "City",
    "Closure",
    "Community",
    "Compartment",
    "Demand",
    "DemandFile",
    "DemandStep",
    "Deposit",
    "DeviceNonce",
    "District",
    "Grid",
    "GridAssignment",
    "Guide",
    "GuideUpload",
    "IdempotencyKey",
    "LoginToken",
    "Membership",
    "Message",
    "Notice",
    "NoticeReceipt",
    "NoticeTarget",
    "NoticeUpload",
    "Notification",
    "OpeningHours",
    "Organisation",
    "OrganisationCommunity",
    "OrganisationStaff",
    "PartyReport",
    "PartyUnit",
    "PartyUnitCommunity",
    "PostClaim",
    "ResidencyRequest",
    "ServiceHours",
    "ServicePost",
    "Slot",
    "StaffAccount",
    "Street",
    "SubscriptionConsent",
    "UnitMonthlyReport",
    "Upload",
    "User",
]
