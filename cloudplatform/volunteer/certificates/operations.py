"""Issuing and revoking service certificates. A certificate records what it certifies as it was issued
(minutes, star level, period); its token, random and of 192 bits, is handed to the volunteer once (drawn
as the QR code) and kept only as its hash (``identity.operations.hash_token``, as login tokens are)."""

import secrets
from datetime import date, datetime, time

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.operations import hash_token
from cloudplatform.identity.permissions import requires
from cloudplatform.volunteer.certificates.errors import (
    CertificateAlreadyRevoked,
    CertificateReasonRequired,
    InvalidCertificateYear,
)
from cloudplatform.volunteer.certificates.queries import REVOKE, TOKEN_LENGTH
from cloudplatform.volunteer.models import Certificate, ShiftSignup, Volunteer, star_level
from cloudplatform.volunteer.volunteers.queries import require_volunteer

TOKEN_BYTES = TOKEN_LENGTH * 3 // 4  # 24 random bytes: 32 URL-safe characters
REASON_LENGTH = 200  # Certificate.revoke_reason


def year_minutes(volunteer: Volunteer, year: int) -> int:
    """The volunteer's confirmed minutes of the shifts that started in ``year`` (Beijing time); one
    statement."""
    start = datetime.combine(date(year, 1, 1), time(), LOCAL_TZ)
    end = datetime.combine(date(year + 1, 1, 1), time(), LOCAL_TZ)
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ShiftSignup.minutes), 0)).where(
                ShiftSignup.volunteer_id == volunteer.id,
                ShiftSignup.confirmed_at.is_not(None),
                ShiftSignup.starts_at >= start,
                ShiftSignup.starts_at < end,
            )
        )
        or 0
    )


def issue_certificate(user: User, year: int | None = None) -> tuple[Certificate, str]:
    """Issue the volunteer a certificate of their confirmed service: all of it (``Volunteer.
    confirmed_minutes``, since registration) or one calendar year's (the shifts that started in it, up to
    today); the star level is that of all their confirmed hours today. Returns the certificate and its
    token, which is never stored: only its hash is. Audited (``certificate.issue``).

    :raises NotVolunteer: the user has not registered.
    :raises InvalidCertificateYear: ``year`` is after this year.
    """
    volunteer = require_volunteer(user)
    today = local(now()).date()
    if year is None:
        minutes, period_from, period_to = volunteer.confirmed_minutes, None, today
    elif year > today.year:
        raise InvalidCertificateYear.for_field("year")
    else:
        minutes = year_minutes(volunteer, year)
        period_from, period_to = date(year, 1, 1), min(date(year, 12, 31), today)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    certificate = Certificate(
        volunteer_id=volunteer.id,
        token_hash=hash_token(token),
        minutes=minutes,
        star_level=star_level(volunteer.confirmed_minutes),
        period_from=period_from,
        period_to=period_to,
    )
    db.session.add(certificate)
    db.session.flush()
    certificate.volunteer = volunteer
    record(
        user,
        "certificate.issue",
        target=certificate,
        community_id=volunteer.community_id,
        details={"minutes": minutes, "year": year},
    )
    return certificate, token


@requires(REVOKE)
def revoke_certificate(staff: StaffAccount, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate of a volunteer of the staff member's communities (loaded with
    ``queries.load_certificate``), saying why: its QR code then verifies as revoked. Once; audited.

    :raises CertificateReasonRequired: no reason, or one longer than 200 characters.
    :raises CertificateAlreadyRevoked: it was revoked before.
    """
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LENGTH:
        raise CertificateReasonRequired.for_field("reason")
    revoked = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=now(), revoked_by_id=staff.id, revoke_reason=reason)
        .returning(Certificate.id)
        .execution_options(synchronize_session=False)
    ).first()
    if revoked is None:
        raise CertificateAlreadyRevoked()
    db.session.refresh(certificate)
    record(
        staff,
        "certificate.revoke",
        target=certificate,
        community_id=certificate.volunteer.community_id,
        details={"reason": reason},
    )
    return certificate
