"""Reads of 志愿者: the caller's own registration, the staff's scoped loaders, a team's members."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.volunteer.models import Volunteer, VolunteerTeam, VolunteerTeamMember
from cloudplatform.volunteer.volunteers.errors import NotVolunteer, TeamNotFound, VolunteerNotFound

MANAGE = "volunteer.manage"
CARD_PURPOSE = "volunteer_card"  # the volunteer's personal QR: an organiser scans it to record attendance


OWN_VOLUNTEER = sa.select(Volunteer).where(Volunteer.user_id == sa.bindparam("user_id"))
OWN_VOLUNTEER_LOCKED = OWN_VOLUNTEER.with_for_update().execution_options(populate_existing=True)


def own_volunteer(user: User, *, lock: bool = False) -> Volunteer | None:
    """The user's registration (its row locked until the transaction ends with ``lock``)."""
    return db.session.scalar(OWN_VOLUNTEER_LOCKED if lock else OWN_VOLUNTEER, {"user_id": user.id})


def require_volunteer(user: User, *, lock: bool = False) -> Volunteer:
    """The user's registration.

    :raises NotVolunteer: the user has not registered.
    """
    volunteer = own_volunteer(user, lock=lock)
    if volunteer is None:
        raise NotVolunteer()
    return volunteer


def load_volunteer(staff: StaffAccount | None, volunteer_id: int, action: str = MANAGE) -> Volunteer:
    """A volunteer of the staff member's communities: 403 without the right, 404 outside the scope."""
    return permissions.load_scoped(Volunteer, volunteer_id, staff, action, VolunteerNotFound)


def load_team(staff: StaffAccount | None, team_id: int) -> VolunteerTeam:
    """A team of the staff member's communities: 403 without the right, 404 outside the scope."""
    return permissions.load_scoped(VolunteerTeam, team_id, staff, MANAGE, TeamNotFound)


def team_members(team: VolunteerTeam) -> list[Volunteer]:
    """The team's members in the order they joined; one statement."""
    return list(
        db.session.scalars(
            sa.select(Volunteer)
            .join(VolunteerTeamMember, VolunteerTeamMember.volunteer_id == Volunteer.id)
            .where(VolunteerTeamMember.team_id == team.id)
            .order_by(VolunteerTeamMember.joined_at, Volunteer.id)
        )
    )


def is_member(team_id: int, volunteer_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(VolunteerTeamMember.team_id).where(
                VolunteerTeamMember.team_id == team_id, VolunteerTeamMember.volunteer_id == volunteer_id
            )
        )
        is not None
    )
