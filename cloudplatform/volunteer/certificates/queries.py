"""Reads of service certificates: a token's certificate for whoever verifies it, the volunteer's own
certificates, the staff's scoped loader and the console's list of the certificates of their communities."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from cloudplatform.clock import local
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import Community, StaffAccount, User
from cloudplatform.identity.operations import hash_token
from cloudplatform.identity.permissions import in_scope, scope_filter
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    NumberedPage,
    contains,
    keyset_page,
    numbered_page,
    sort_order,
)
from cloudplatform.volunteer.certificates.errors import CertificateNotFound, CertificateRevoked
from cloudplatform.volunteer.models import Certificate, Volunteer
from cloudplatform.volunteer.volunteers.queries import require_volunteer

REVOKE = "certificate.revoke"
VIEW = "volunteer.manage"  # the console's list: whoever manages the community's volunteers
TOKEN_LENGTH = 32  # secrets.token_urlsafe(24): 192 random bits in 32 URL-safe characters
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
VALID, REVOKED = "valid", "revoked"
STATUS_NAMES = {VALID: "有效", REVOKED: "已撤销"}
SORTS: dict[str, list] = {
    "issued": [Certificate.id],
    "name": [Volunteer.real_name, Certificate.id],
    "minutes": [Certificate.minutes, Certificate.id],
}


def certificate_number(certificate: Certificate) -> str:
    """The number printed on the certificate: ``ZY`` + the year of issue (Beijing) + the id."""
    return f"ZY{local(certificate.created_at):%Y}-{certificate.id:06d}"


def well_formed(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and set(token) <= TOKEN_ALPHABET


@dataclass(frozen=True)
class Verified:
    """A certificate as its verifier sees it, with its volunteer and community."""

    certificate: Certificate
    volunteer: Volunteer
    community: Community

    @property
    def registered_on(self) -> date:
        return local(self.volunteer.created_at).date()


def verify(token: str) -> Verified:
    """The certificate of a token, with its volunteer and community; one statement.

    :raises CertificateNotFound: no certificate has that token (a forged or mistyped one).
    :raises CertificateRevoked: staff revoked it (``details``: its number and when).
    """
    row = None
    if well_formed(token):
        row = db.session.execute(
            sa.select(Certificate, Volunteer, Community)
            .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
            .join(Community, Community.id == Volunteer.community_id)
            .where(Certificate.token_hash == hash_token(token))
        ).first()
    if row is None:
        raise CertificateNotFound()
    certificate, volunteer, community = row
    if certificate.revoked_at is not None:
        raise CertificateRevoked(
            details={
                "number": certificate_number(certificate),
                "revoked_at": certificate.revoked_at.isoformat(),
            }
        )
    return Verified(certificate, volunteer, community)


def own_certificates_page(user: User, cursor: str | None, limit: int):
    """The caller's certificates, newest first, a page at a time: two statements.

    :raises NotVolunteer: the caller has not registered.
    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    volunteer = require_volunteer(user)
    stmt = sa.select(Certificate).where(Certificate.volunteer_id == volunteer.id)
    return keyset_page(stmt, [Certificate.id], cursor, limit)


def load_certificate(staff: StaffAccount | None, certificate_id: int, action: str = REVOKE) -> Certificate:
    """A certificate of a volunteer of the staff member's communities (with its volunteer): 403 without
    the right, 404 CERTIFICATE_NOT_FOUND outside the scope."""
    staff = permissions.require(staff, action)
    certificate = db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.id == certificate_id)
        .options(joinedload(Certificate.volunteer))
    )
    if certificate is None or not in_scope(staff, certificate.volunteer.community_id):
        raise CertificateNotFound()
    return certificate


def certificates_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    status: str | None = None,
    sort: str = "-issued",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The certificates issued to volunteers of the staff member's communities (403 without
    ``volunteer.manage``), of one community, whose volunteer's name contains ``q``, valid or revoked;
    newest first by default. Two statements; each row's ``volunteer`` is loaded with it."""
    staff = permissions.require(staff, VIEW)
    stmt = (
        sa.select(Certificate)
        .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
        .where(scope_filter(staff, Volunteer.community_id))
        .options(contains_eager(Certificate.volunteer))
    )
    if q:
        stmt = stmt.where(contains(Volunteer.real_name, q))
    if community_id is not None:
        stmt = stmt.where(Volunteer.community_id == community_id)
    if status == VALID:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    elif status == REVOKED:
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    return numbered_page(stmt, sort_order(sort, SORTS), page, per_page)


def period_text(period_from: date | None, period_to: date, registered: date) -> str:
    """The period a certificate covers, in Chinese: ``2026年1月1日至2026年12月31日``."""
    start = period_from or registered
    return (
        f"{start.year}年{start.month}月{start.day}日至{period_to.year}年{period_to.month}月{period_to.day}日"
    )
