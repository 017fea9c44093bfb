"""Nominating a year's outstanding volunteers of a community, withdrawing a nomination before it is
published, and publishing a community's nominations of a year (each audited)."""

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import requires
from cloudplatform.orm import flush_unique
from cloudplatform.volunteer.models import Recognition, Volunteer
from cloudplatform.volunteer.recognition.errors import (
    AlreadyNominated,
    InvalidRecognitionYear,
    NothingToPublish,
    RecognitionPublished,
    VolunteerNotPublic,
)

MANAGE = "recognition.manage"
FIRST_YEAR = 2000
CITATION_LENGTH = 200


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= local(now()).year:
        raise InvalidRecognitionYear.for_field("year")
    return year


@requires(MANAGE)
def nominate(staff: StaffAccount, volunteer: Volunteer, year: int, citation: str = "") -> Recognition:
    """Nominate a volunteer of the staff member's communities (the caller loaded it in scope) as one of
    their community's outstanding volunteers of ``year``, with a short citation.

    :raises InvalidRecognitionYear: not from 2000 to this year.
    :raises VolunteerNotPublic: the volunteer left the public leaderboards.
    :raises AlreadyNominated: nominated for that year already.
    """
    check_year(year)
    if not volunteer.ranked:
        raise VolunteerNotPublic()
    made = Recognition(
        community_id=volunteer.community_id,
        year=year,
        volunteer_id=volunteer.id,
        citation=(citation or "").strip()[:CITATION_LENGTH],
        nominated_by_id=staff.id,
    )
    db.session.add(made)
    flush_unique(db.session, AlreadyNominated())
    record(
        staff,
        "recognition.nominate",
        target=made,
        community_id=made.community_id,
        details={"volunteer_id": volunteer.id, "year": year},
    )
    return made


@requires(MANAGE)
def withdraw_nomination(staff: StaffAccount, recognition: Recognition) -> None:
    """Withdraw a nomination not published yet (the caller loaded it in scope).

    :raises RecognitionPublished: it was published.
    """
    gone = db.session.execute(
        sa.delete(Recognition).where(Recognition.id == recognition.id, Recognition.published_at.is_(None))
    ).rowcount
    if gone != 1:
        raise RecognitionPublished()
    record(
        staff,
        "recognition.withdraw",
        target=recognition,
        community_id=recognition.community_id,
        details={"volunteer_id": recognition.volunteer_id, "year": recognition.year},
    )


@requires(MANAGE)
def publish_recognitions(staff: StaffAccount, community_id: int, year: int) -> int:
    """Publish every nomination of a community of the staff member's scope for ``year`` not published yet;
    returns how many.

    :raises CommunityNotFound: outside the staff member's communities.
    :raises InvalidRecognitionYear: not from 2000 to this year.
    :raises NothingToPublish: none waits.
    """
    if not permissions.in_scope(staff, community_id):
        raise CommunityNotFound()
    check_year(year)
    published = db.session.execute(
        sa.update(Recognition)
        .where(
            Recognition.community_id == community_id,
            Recognition.year == year,
            Recognition.published_at.is_(None),
        )
        .values(published_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not published:
        raise NothingToPublish()
    record(
        staff,
        "recognition.publish",
        community_id=community_id,
        details={"year": year, "published": published},
    )
    return published
