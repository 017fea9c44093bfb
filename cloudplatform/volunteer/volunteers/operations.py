"""志愿者: a verified resident with a bound phone registers as a volunteer of their community, consenting
to the volunteer terms (``TERMS_VERSION``); registration grants the ``volunteer`` role there. Staff
suspend and reinstate volunteers and keep the community's teams. A volunteer's personal QR is a rotating
venue code of the ``volunteer_card`` purpose: an organiser scans it to record their attendance."""

from collections.abc import Iterable

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.errors import Unprocessable
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import RESIDENT, VOLUNTEER, Community, Membership, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.orm import flush_unique, insert_for
from cloudplatform.transitions import InvalidTransition
from cloudplatform.venue import venue_code, verify_venue_code
from cloudplatform.volunteer.models import (
    ACTIVE,
    SUSPENDED,
    TERMS_VERSION,
    Volunteer,
    VolunteerTeam,
    VolunteerTeamMember,
)
from cloudplatform.volunteer.volunteers import queries
from cloudplatform.volunteer.volunteers.errors import (
    AlreadyVolunteer,
    ConsentRequired,
    InvalidVolunteerFields,
    NotTeamMember,
    PhoneRequired,
    TeamNameTaken,
    VolunteerNotFound,
    VolunteerNotResident,
)
from cloudplatform.volunteer.volunteers.queries import CARD_PURPOSE, MANAGE

MAX_SKILLS, SKILL_LENGTH = 20, 16


def clean_skills(skills: Iterable[str] | None, error: type[Unprocessable] = InvalidVolunteerFields):
    """Skills as a list of short words (trimmed, without repeats, in the given order).

    :raises error: not a list of at most 20 non-empty strings of at most 16 characters.
    """
    if skills is None:
        return []
    if isinstance(skills, str) or not isinstance(skills, list | tuple):
        raise error.for_field("skills")
    cleaned: list[str] = []
    for skill in skills:
        if not isinstance(skill, str) or not skill.strip() or len(skill.strip()) > SKILL_LENGTH:
            raise error.for_field("skills")
        if skill.strip() not in cleaned:
            cleaned.append(skill.strip())
    if len(cleaned) > MAX_SKILLS:
        raise error.for_field("skills")
    return cleaned


def register(
    user: User,
    community_id: int,
    real_name: str,
    skills: list[str] | None = None,
    availability: str = "",
    consent: bool = False,
) -> Volunteer:
    """Register the user as a volunteer of their community, granting the ``volunteer`` role there.

    :raises VolunteerNotResident: not a verified resident of the community.
    :raises PhoneRequired: the user has not bound a phone.
    :raises ConsentRequired: the terms were not accepted.
    :raises InvalidVolunteerFields: no real name, or skills / availability not as allowed.
    :raises AlreadyVolunteer: the user has registered already (also when two registrations race).
    """
    if RESIDENT not in permissions.member_roles(user, community_id):
        raise VolunteerNotResident()
    if not (user.phone or "").strip():
        raise PhoneRequired()
    if consent is not True:
        raise ConsentRequired()
    real_name = (real_name or "").strip()
    if not real_name or len(real_name) > 32:
        raise InvalidVolunteerFields.for_field("real_name")
    availability = (availability or "").strip()
    if len(availability) > 200:
        raise InvalidVolunteerFields.for_field("availability")
    if queries.own_volunteer(user) is not None:
        raise AlreadyVolunteer()
    current = now()
    volunteer = Volunteer(
        user_id=user.id,
        community_id=community_id,
        real_name=real_name,
        phone=user.phone,
        skills=clean_skills(skills),
        availability=availability,
        terms_version=TERMS_VERSION,
        consented_at=current,
        status=ACTIVE,
    )
    db.session.add(volunteer)
    flush_unique(db.session, AlreadyVolunteer())
    db.session.execute(
        insert_for(db.session, Membership)
        .values(user_id=user.id, community_id=community_id, role=VOLUNTEER, created_at=current)
        .on_conflict_do_nothing(index_elements=["user_id", "community_id", "role"])
    )
    record(
        user,
        "volunteer.register",
        target=volunteer,
        community_id=community_id,
        details={"terms_version": TERMS_VERSION},
    )
    return volunteer


def set_status(volunteer: Volunteer, to: str) -> Volunteer:
    """Move the volunteer to ``to`` in one conditional UPDATE.

    :raises InvalidTransition: the volunteer is in ``to`` already.
    """
    moved = db.session.execute(
        sa.update(Volunteer)
        .where(Volunteer.id == volunteer.id, Volunteer.status != to)
        .values(status=to)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(volunteer)
    if moved != 1:
        raise InvalidTransition(details={"status": volunteer.status, "to": to})
    return volunteer


@requires(MANAGE)
def suspend_volunteer(staff: StaffAccount, volunteer: Volunteer, reason: str = "") -> Volunteer:
    """Suspend a volunteer (load them with ``queries.load_volunteer``): they cannot sign up for shifts;
    the places they hold stand.

    :raises InvalidTransition: suspended already.
    """
    set_status(volunteer, SUSPENDED)
    details = {"reason": reason.strip()}
    record(staff, "volunteer.suspend", target=volunteer, community_id=volunteer.community_id, details=details)
    return volunteer


@requires(MANAGE)
def reinstate_volunteer(staff: StaffAccount, volunteer: Volunteer, reason: str = "") -> Volunteer:
    """Reinstate a suspended volunteer.

    :raises InvalidTransition: not suspended.
    """
    set_status(volunteer, ACTIVE)
    details = {"reason": reason.strip()}
    record(
        staff, "volunteer.reinstate", target=volunteer, community_id=volunteer.community_id, details=details
    )
    return volunteer


# -- the personal QR -----------------------------------------------------------------------------------


def personal_code(volunteer: Volunteer) -> str:
    """The volunteer's personal QR for now (it changes every 30 seconds, like a venue code)."""
    return venue_code(CARD_PURPOSE, volunteer.id)


def volunteer_from_code(code: str) -> Volunteer:
    """The volunteer whose current personal QR an organiser scanned.

    :raises VenueCodeInvalid, VenueCodeExpired: not a current personal QR.
    :raises VolunteerNotFound: no such volunteer.
    """
    volunteer = db.session.get(Volunteer, verify_venue_code(code, CARD_PURPOSE))
    if volunteer is None:
        raise VolunteerNotFound()
    return volunteer


# -- teams ------------------------------------------------------------------------------------------


def team_fields(fields: dict) -> dict:
    cleaned = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name or len(name) > 64:
            raise InvalidVolunteerFields.for_field("name")
        cleaned["name"] = name
    if "description" in fields:
        cleaned["description"] = (fields["description"] or "").strip()
    return cleaned


@requires(MANAGE)
def create_team(staff: StaffAccount, community_id: int, name: str, description: str = "") -> VolunteerTeam:
    """Make a team in a community the staff member serves.

    :raises CommunityNotFound: the community is outside the staff member's scope.
    :raises InvalidVolunteerFields: no name, or a name too long.
    :raises TeamNameTaken: the community has a team of that name.
    """
    if not permissions.in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise CommunityNotFound()
    team = VolunteerTeam(community_id=community_id, **team_fields({"name": name, "description": description}))
    db.session.add(team)
    flush_unique(db.session, TeamNameTaken())
    details = {"name": team.name}
    record(staff, "volunteer_team.create", target=team, community_id=community_id, details=details)
    return team


@requires(MANAGE)
def update_team(staff: StaffAccount, team: VolunteerTeam, **fields) -> VolunteerTeam:
    """Rename a team or change its description.

    :raises InvalidVolunteerFields, TeamNameTaken: see ``create_team``.
    """
    changes = {}
    for name, value in team_fields(fields).items():
        if getattr(team, name) != value:
            changes[name] = [getattr(team, name), value]
            setattr(team, name, value)
    flush_unique(db.session, TeamNameTaken())
    record(staff, "volunteer_team.update", target=team, community_id=team.community_id, details=changes)
    return team


def team_volunteer(team: VolunteerTeam, volunteer_id: int) -> Volunteer:
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.community_id != team.community_id:
        raise VolunteerNotFound()
    return volunteer


@requires(MANAGE)
def add_team_member(staff: StaffAccount, team: VolunteerTeam, volunteer_id: int) -> VolunteerTeam:
    """Add a volunteer of the team's community to it (adding a member again changes nothing).

    :raises VolunteerNotFound: no such volunteer in the team's community.
    """
    volunteer = team_volunteer(team, volunteer_id)
    added = db.session.execute(
        insert_for(db.session, VolunteerTeamMember)
        .values(team_id=team.id, volunteer_id=volunteer.id, joined_at=now())
        .on_conflict_do_nothing(index_elements=["team_id", "volunteer_id"])
        .execution_options(preserve_rowcount=True)
    ).rowcount
    if added:
        record(
            staff,
            "volunteer_team.add_member",
            target=team,
            community_id=team.community_id,
            details={"volunteer_id": volunteer.id},
        )
    return team


@requires(MANAGE)
def remove_team_member(staff: StaffAccount, team: VolunteerTeam, volunteer_id: int) -> VolunteerTeam:
    """Take a member off the team (the team has no leader when it was them).

    :raises NotTeamMember: the volunteer is not a member.
    """
    removed = db.session.execute(
        sa.delete(VolunteerTeamMember).where(
            VolunteerTeamMember.team_id == team.id, VolunteerTeamMember.volunteer_id == volunteer_id
        )
    ).rowcount
    if removed != 1:
        raise NotTeamMember()
    if team.leader_id == volunteer_id:
        team.leader_id = None
    db.session.flush()
    record(
        staff,
        "volunteer_team.remove_member",
        target=team,
        community_id=team.community_id,
        details={"volunteer_id": volunteer_id},
    )
    return team


@requires(MANAGE)
def set_team_leader(staff: StaffAccount, team: VolunteerTeam, volunteer_id: int | None) -> VolunteerTeam:
    """Make one of the team's members its leader (None: no leader).

    :raises NotTeamMember: the volunteer is not a member.
    """
    if volunteer_id is not None and not queries.is_member(team.id, volunteer_id):
        raise NotTeamMember()
    old, team.leader_id = team.leader_id, volunteer_id
    db.session.flush()
    record(
        staff,
        "volunteer_team.set_leader",
        target=team,
        community_id=team.community_id,
        details={"old_leader_id": old, "leader_id": volunteer_id},
    )
    return team
