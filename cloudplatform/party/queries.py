"""Reads every part of 党建云 shares: who is an in-service party member, where, and of which unit."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import User
from cloudplatform.party.errors import NotPartyMember
from cloudplatform.party.models import APPROVED, PartyReport

APPROVED_REPORT = sa.select(PartyReport).where(
    PartyReport.user_id == sa.bindparam("user_id"), PartyReport.status == APPROVED
)


def approved_report(user_id: int) -> PartyReport | None:
    """The member's approved report (at most one: a member has one active report), or None."""
    return db.session.scalar(APPROVED_REPORT, {"user_id": user_id})


def require_party_member(user: User, community_id: int | None = None) -> PartyReport:
    """The caller's approved report — to ``community_id`` when given; else 403 NOT_PARTY_MEMBER."""
    report = approved_report(user.id)
    if report is None or (community_id is not None and report.community_id != community_id):
        raise NotPartyMember()
    return report
