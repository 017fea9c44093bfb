"""Helpers for the service certificate tests: a volunteer with confirmed hours, a certificate issued as
the operation issues one, and what a refusal must leave alone."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import Community, User
from cloudplatform.volunteer.certificates.operations import issue_certificate
from cloudplatform.volunteer.models import Certificate
from tests.volunteer.fixtures import project, shift, signup, volunteer


def served(community, name: str, minutes: int = 0):
    """A volunteer of ``community`` whose confirmed total is ``minutes``."""
    made = volunteer(community, name)
    made.confirmed_minutes = minutes
    _db.session.commit()
    return made


def confirmed_shift(who, starts: datetime, minutes: int):
    """A past shift of the volunteer's community starting at ``starts`` (Beijing), ``minutes`` confirmed;
    the volunteer's total grows as confirming it would."""
    on = shift(project(_db.session.get(Community, who.community_id)))
    on.starts_at, on.ends_at = starts, starts + timedelta(hours=4)
    made = signup(on, who, checked_in_at=starts, minutes=minutes, confirmed_at=starts + timedelta(hours=4))
    made.starts_at, made.ends_at = on.starts_at, on.ends_at
    who.confirmed_minutes += minutes
    _db.session.commit()
    return made


def beijing(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def issued(who, year: int | None = None) -> tuple[Certificate, str]:
    """A certificate of the volunteer issued by the operation, committed: (certificate, token)."""
    certificate, token = issue_certificate(_db.session.get(User, who.user_id), year)
    _db.session.commit()
    return certificate, token


def state(certificate_id: int | None = None) -> tuple:
    """What a refusal leaves alone: the certificates (or one's revocation) and the audit log."""
    _db.session.commit()
    _db.session.expire_all()
    revoked = (
        _db.session.execute(
            select(Certificate.revoked_at, Certificate.revoke_reason).where(Certificate.id == certificate_id)
        ).one()
        if certificate_id
        else None
    )
    return (
        _db.session.scalar(select(func.count(Certificate.id))),
        revoked,
        _db.session.scalar(select(func.count(AuditEntry.id))),
    )
