"""A community's nominations of a year (for staff) and its published outstanding volunteers (public),
each with the volunteer's hours of that year and star level."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.privacy import mask_name
from cloudplatform.volunteer.models import Recognition, Volunteer, VolunteerTally, star_level
from cloudplatform.volunteer.recognition.errors import RecognitionNotFound
from cloudplatform.volunteer.recognition.operations import MANAGE


@dataclass
class Recognised:
    id: int
    volunteer_id: int
    name: str | None  # masked
    star_level: int
    minutes: int  # confirmed in the year
    citation: str
    published_at: datetime | None


@dataclass
class YearList:
    community_id: int
    community_name: str
    year: int | None  # None: nothing published yet
    volunteers: list[Recognised]


def load_recognition(staff: StaffAccount | None, recognition_id: int) -> Recognition:
    """A nomination of the staff member's communities: 403 without the right, 404 outside."""
    return permissions.load_scoped(Recognition, recognition_id, staff, MANAGE, RecognitionNotFound)


def year_list(community_id: int, year: int, published_only: bool) -> list[Recognised]:
    """A community's nominations of a year (only the published ones with ``published_only``), by hours
    served that year, most first. One statement."""
    minutes = sa.func.coalesce(VolunteerTally.minutes, 0)
    stmt = (
        sa.select(Recognition, Volunteer.real_name, Volunteer.confirmed_minutes, minutes.label("minutes"))
        .join(Volunteer, Volunteer.id == Recognition.volunteer_id)
        .outerjoin(
            VolunteerTally,
            sa.and_(
                VolunteerTally.volunteer_id == Volunteer.id,
                VolunteerTally.period == sa.cast(Recognition.year, sa.String),
            ),
        )
        .where(Recognition.community_id == community_id, Recognition.year == year)
        .order_by(minutes.desc(), Recognition.id)
    )
    if published_only:
        stmt = stmt.where(Recognition.published_at.is_not(None))
    return [
        Recognised(
            r.id, r.volunteer_id, mask_name(name), star_level(total), served, r.citation, r.published_at
        )
        for r, name, total, served in db.session.execute(stmt)
    ]


def published(community_id: int, year: int | None) -> YearList | None:
    """The published outstanding volunteers of a community in ``year`` (None: the latest year published).
    None when there is no such community."""
    community = db.session.get(Community, community_id)
    if community is None:
        return None
    if year is None:
        year = db.session.scalar(
            sa.select(sa.func.max(Recognition.year)).where(
                Recognition.community_id == community_id, Recognition.published_at.is_not(None)
            )
        )
    listed = year_list(community_id, year, published_only=True) if year is not None else []
    return YearList(community.id, community.name, year, listed)
