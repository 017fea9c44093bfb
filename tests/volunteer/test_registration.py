"""Residents register as volunteers (a verified resident with a bound phone, consenting to the terms,
once); staff suspend and reinstate them and keep teams; the personal QR names its volunteer."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import GRID_WORKER, VOLUNTEER, Membership
from cloudplatform.transitions import InvalidTransition
from cloudplatform.venue import VenueCodeExpired, VenueCodeInvalid, venue_code
from cloudplatform.volunteer.models import ACTIVE, SUSPENDED, TERMS_VERSION, Volunteer
from cloudplatform.volunteer.shifts.operations import sign_up
from cloudplatform.volunteer.volunteers import operations as ops
from cloudplatform.volunteer.volunteers import queries
from cloudplatform.volunteer.volunteers.errors import (
    AlreadyVolunteer,
    ConsentRequired,
    NotTeamMember,
    PhoneRequired,
    TeamNameTaken,
    VolunteerNotFound,
    VolunteerNotResident,
    VolunteerSuspended,
)
from tests.volunteer.fixtures import START, project, resident, shift, volunteer
from tests.volunteer.shift_fixtures import audited, done, refused, staff, standing_clock, user_of


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


def volunteers() -> int:
    return _db.session.scalar(select(func.count(Volunteer.id)))


def register(user, community, consent=True, **fields):
    values = {"real_name": "王秀兰", "skills": ["急救", "理发"], "availability": "周末上午"} | fields
    return ops.register(user, community.id, consent=consent, **values)


def test_a_resident_with_a_phone_registers_and_becomes_a_volunteer(world):
    user = resident(world.home, "wangxiulan", phone="13912345678")
    made = done(register, user, world.home, skills=[" 急救 ", "理发", "急救"])
    assert (made.phone, made.terms_version, made.status) == ("13912345678", TERMS_VERSION, ACTIVE)
    assert made.consented_at == START and made.skills == ["急救", "理发"]
    role = select(Membership.id).where(
        Membership.user_id == user.id, Membership.community_id == world.home.id, Membership.role == VOLUNTEER
    )
    assert _db.session.scalar(role) is not None
    (entry,) = audited("volunteer.register")
    assert (entry.actor_type, entry.actor_id, entry.community_id) == ("user", user.id, world.home.id)


def test_registration_is_refused_to_others_and_changes_nothing(world):
    elsewhere = resident(world.neighbour, "neighbour")
    refused(VolunteerNotResident, register, elsewhere, world.home)
    no_phone = resident(world.home, "nophone", phone=None)
    error = refused(PhoneRequired, register, no_phone, world.home)
    assert "绑定手机号" in error.message
    user = resident(world.home, "nothanks")
    refused(ConsentRequired, register, user, world.home, consent=False)
    assert volunteers() == 0
    assert _db.session.scalar(select(func.count()).where(Membership.role == VOLUNTEER)) == 0
    assert audited("volunteer.register") == []


def test_one_registration_per_user(world):
    user = resident(world.home, "twice")
    done(register, user, world.home)
    refused(AlreadyVolunteer, register, user, world.home, real_name="又一次")
    assert volunteers() == 1


def test_staff_suspend_and_reinstate_and_a_suspended_volunteer_cannot_sign_up(world):
    made = volunteer(world.home, "lihua")
    open_shift = shift(project(world.home))
    loaded = queries.load_volunteer(staff(world), made.id)
    assert done(ops.suspend_volunteer, staff(world), loaded, "多次缺席").status == SUSPENDED
    refused(InvalidTransition, ops.suspend_volunteer, staff(world), loaded)
    refused(VolunteerSuspended, sign_up, user_of(made), open_shift.id)
    done(ops.reinstate_volunteer, staff(world), queries.load_volunteer(staff(world), made.id))
    assert done(sign_up, user_of(made), open_shift.id).status == "signed_up"
    assert [e.details for e in audited("volunteer.suspend")] == [{"reason": "多次缺席"}]
    assert len(audited("volunteer.reinstate")) == 1


def test_staff_reach_only_volunteers_of_their_communities(world):
    other = volunteer(world.neighbour, "neighbour")
    refused(VolunteerNotFound, queries.load_volunteer, staff(world), other.id)
    refused(Forbidden, ops.suspend_volunteer, world.staff[GRID_WORKER], other)


def test_the_personal_qr_names_its_volunteer_for_a_minute_at_most(world, clock):
    made = volunteer(world.home, "lihua")
    code = ops.personal_code(made)
    assert ops.volunteer_from_code(code).id == made.id
    refused(VenueCodeInvalid, ops.volunteer_from_code, venue_code("party_activity", made.id))
    refused(VenueCodeInvalid, ops.volunteer_from_code, code[:-2] + "xx")
    clock.move_to(START + timedelta(seconds=90))
    refused(VenueCodeExpired, ops.volunteer_from_code, code)


def test_staff_keep_teams_of_their_community_with_a_leader_among_the_members(world):
    first, second = volunteer(world.home, "first"), volunteer(world.home, "second")
    outsider = volunteer(world.neighbour, "outsider")
    team = done(ops.create_team, staff(world), world.home.id, "银龄志愿服务队", "为老服务")
    refused(TeamNameTaken, ops.create_team, staff(world), world.home.id, "银龄志愿服务队")
    refused(CommunityNotFound, ops.create_team, staff(world), world.neighbour.id, "邻居队")
    team = queries.load_team(staff(world), team.id)
    done(ops.add_team_member, staff(world), team, first.id)
    done(ops.add_team_member, staff(world), team, first.id)  # again: nothing changes
    refused(VolunteerNotFound, ops.add_team_member, staff(world), team, outsider.id)
    refused(NotTeamMember, ops.set_team_leader, staff(world), team, second.id)
    done(ops.set_team_leader, staff(world), team, first.id)
    done(ops.add_team_member, staff(world), team, second.id)
    assert [v.id for v in queries.team_members(team)] == [first.id, second.id]
    done(ops.update_team, staff(world), team, name="银龄先锋队")
    done(ops.remove_team_member, staff(world), team, first.id)
    assert team.leader_id is None and [v.id for v in queries.team_members(team)] == [second.id]
    refused(NotTeamMember, ops.remove_team_member, staff(world), team, first.id)
    assert len(audited("volunteer_team.add_member")) == 2
    assert [e.details for e in audited("volunteer_team.update")] == [
        {"name": ["银龄志愿服务队", "银龄先锋队"]}
    ]
    assert {e.action for e in audited("volunteer_team.create")} == {"volunteer_team.create"}
    assert (
        len(audited("volunteer_team.set_leader")) == 1 and len(audited("volunteer_team.remove_member")) == 1
    )
