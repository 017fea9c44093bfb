"""Staff run projects and publish, change and cancel shifts; volunteers of the community sign up (skills
and overlapping shifts refused), see the upcoming shifts and their own sign-ups; tomorrow's volunteers
are reminded once."""

from datetime import datetime, timedelta

import pytest

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.service.demands.errors import OrganisationNotFound
from cloudplatform.volunteer.models import CLOSED
from cloudplatform.volunteer.shifts import operations as ops
from cloudplatform.volunteer.shifts import queries, tasks
from cloudplatform.volunteer.shifts.errors import (
    AlreadySignedUpShift,
    CapacityBelowTaken,
    InvalidProjectFields,
    InvalidShiftFields,
    InvalidShiftTime,
    ProjectClosed,
    ProjectNotFound,
    ShiftClosed,
    ShiftNotFound,
    ShiftOverlaps,
    SkillsMissing,
)
from cloudplatform.volunteer.volunteers.errors import NotVolunteer
from tests.helpers import count_queries
from tests.service.demands.fixtures import make_organisation
from tests.volunteer.fixtures import project, resident, shift, signup, volunteer
from tests.volunteer.shift_fixtures import (
    at,
    audited,
    done,
    messages,
    places,
    refused,
    snapshot,
    staff,
    standing_clock,
    statuses,
    user_of,
)


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


TUESDAY_9 = datetime(2026, 12, 8, 9, 0, tzinfo=LOCAL_TZ)


def shift_fields(**fields):
    return (
        {"starts_at": TUESDAY_9, "ends_at": TUESDAY_9 + timedelta(hours=2), "place": "社区活动室"}
        | {"capacity": 3}
        | fields
    )


def test_staff_open_a_project_and_publish_shifts_of_it(world):
    helper = make_organisation(world.home)
    made = done(
        ops.create_project,
        staff(world),
        world.home.id,
        name="智慧老人课堂",
        category="elderly",
        organisation_id=helper.id,
    )
    assert (made.organisation_id, made.created_by_id) == (helper.id, staff(world).id)
    published = done(ops.create_shift, staff(world), made, **shift_fields(skills=["电脑"]))
    assert published.starts_at == TUESDAY_9 and published.community_id == world.home.id
    assert (published.capacity, published.taken, published.skills) == (3, 0, ["电脑"])
    done(ops.update_project, staff(world), made, name="智慧助老课堂")
    done(ops.close_project, staff(world), made)
    assert made.status == CLOSED
    refused(ProjectClosed, ops.create_shift, staff(world), made, **shift_fields())
    actions = ["volunteer_project.create", "volunteer_project.update", "volunteer_project.close"]
    assert [len(audited(a)) for a in [*actions, "volunteer_shift.create"]] == [1, 1, 1, 1]


def test_project_and_shift_fields_are_checked(world):
    made = project(world.home)
    stranger = make_organisation(world.neighbour)
    refused(InvalidProjectFields, ops.create_project, staff(world), world.home.id, name="x", category="sport")
    refused(
        OrganisationNotFound,
        ops.create_project,
        staff(world),
        world.home.id,
        name="x",
        category="youth",
        organisation_id=stranger.id,
    )
    refused(
        CommunityNotFound, ops.create_project, staff(world), world.neighbour.id, name="x", category="youth"
    )
    refused(
        Forbidden, ops.create_project, world.staff[GRID_WORKER], world.home.id, name="x", category="youth"
    )
    past = datetime(2026, 12, 7, 7, 0, tzinfo=LOCAL_TZ)
    refused(InvalidShiftTime, ops.create_shift, staff(world), made, **shift_fields(starts_at=past))
    refused(InvalidShiftTime, ops.create_shift, staff(world), made, **shift_fields(ends_at=TUESDAY_9))
    for bad in (
        {"capacity": 0},
        {"capacity": 501},
        {"place": " "},
        {"skills": "急救"},
        {"skills": ["x" * 17]},
    ):
        refused(InvalidShiftFields, ops.create_shift, staff(world), made, **shift_fields(**bad))
    other = project(world.neighbour)
    refused(ProjectNotFound, queries.load_project, staff(world), other.id)
    assert audited("volunteer_shift.create") == []


def test_a_volunteer_signs_up_and_a_full_shift_puts_them_on_the_waitlist(world):
    on = shift(project(world.home), capacity=2)
    made = [volunteer(world.home, f"v{i}") for i in range(3)]
    results = [done(ops.sign_up, user_of(v), on.id) for v in made]
    assert [r.status for r in results] == ["signed_up", "signed_up", "waiting"]
    assert (results[0].starts_at, results[0].ends_at) == (on.starts_at, on.ends_at)
    assert places(on.id) == (2, 2)
    before = snapshot(on.id)
    refused(AlreadySignedUpShift, ops.sign_up, user_of(made[0]), on.id)
    refused(AlreadySignedUpShift, ops.sign_up, user_of(made[2]), on.id)
    assert snapshot(on.id) == before


def test_only_volunteers_of_the_shifts_community_sign_up_while_it_is_open(world, clock):
    on = shift(project(world.home), starts_in=timedelta(days=1))
    outsider = volunteer(world.neighbour, "outsider")
    refused(NotVolunteer, ops.sign_up, resident(world.home, "plain"), on.id)
    refused(ShiftNotFound, ops.sign_up, user_of(outsider), on.id)
    refused(ShiftNotFound, ops.sign_up, user_of(outsider), 999999)
    mine = volunteer(world.home, "mine")
    at(clock, days=1)
    refused(ShiftClosed, ops.sign_up, user_of(mine), on.id)
    assert places(on.id) == (0, 0) and statuses(on.id) == {}


def test_a_volunteer_without_the_skills_is_refused_naming_them(world):
    on = shift(project(world.home), skills=["急救", "手语"])
    partly = volunteer(world.home, "partly", skills=["急救"])
    before = snapshot(on.id)
    error = refused(SkillsMissing, ops.sign_up, user_of(partly), on.id)
    assert error.details == {"missing": ["手语"]} and "手语" in error.message
    assert snapshot(on.id) == before
    able = volunteer(world.home, "able", skills=["手语", "急救", "理发"])
    assert done(ops.sign_up, user_of(able), on.id).status == "signed_up"


def test_an_overlapping_sign_up_is_refused_even_waiting(world):
    of = project(world.home)
    first = shift(of, starts_in=timedelta(days=2), hours=2, capacity=1)
    overlapping = shift(of, starts_in=timedelta(days=2, hours=1), hours=2)
    after = shift(of, starts_in=timedelta(days=2, hours=2), hours=1)
    busy = volunteer(world.home, "busy")
    signup(first, volunteer(world.home, "holder"))
    assert done(ops.sign_up, user_of(busy), first.id).status == "waiting"
    before = snapshot(overlapping.id)
    refused(ShiftOverlaps, ops.sign_up, user_of(busy), overlapping.id)
    assert snapshot(overlapping.id) == before
    assert done(ops.sign_up, user_of(busy), after.id).status == "signed_up"  # back to back is fine


def test_the_upcoming_shifts_in_four_statements_with_the_callers_status(app, world, clock):
    of = project(world.home, name="四点半课堂", category="youth")
    later = shift(of, starts_in=timedelta(days=3))
    sooner = shift(of, starts_in=timedelta(days=1), capacity=2)
    shift(project(world.neighbour), starts_in=timedelta(days=1))  # another community's
    gone = shift(of, starts_in=timedelta(hours=1))
    me = volunteer(world.home, "me")
    done(ops.sign_up, user_of(me), sooner.id)
    user = user_of(me)
    _db.session.commit()
    with count_queries(app) as statements:
        page, cursor = queries.upcoming_shifts(user)
    assert len(statements) <= 4
    assert [(s.id, s.project_name, s.category, s.taken, s.capacity, s.my_status) for s in page] == [
        (gone.id, "四点半课堂", "youth", 0, 5, None),
        (sooner.id, "四点半课堂", "youth", 1, 2, "signed_up"),
        (later.id, "四点半课堂", "youth", 0, 5, None),
    ]
    assert cursor is None
    first, cursor = queries.upcoming_shifts(user, limit=2)
    rest, _ = queries.upcoming_shifts(user, cursor=cursor, limit=2)
    assert [s.id for s in first + rest] == [gone.id, sooner.id, later.id]
    at(clock, hours=2)
    assert [s.id for s in queries.upcoming_shifts(user)[0]] == [sooner.id, later.id]
    mine = queries.my_signups(user)
    assert [(s.shift_id, s.project_name, s.status) for s in mine] == [(sooner.id, "四点半课堂", "signed_up")]


def test_staff_see_a_shift_with_its_places_and_waitlist_in_order(world):
    on = shift(project(world.home), capacity=1)
    made = [volunteer(world.home, f"v{i}") for i in range(3)]
    for v in made:
        done(ops.sign_up, user_of(v), on.id)
    roster = queries.shift_roster(staff(world), on.id)
    assert [s.volunteer.real_name for s in roster.signups] == ["v0"]
    assert [s.volunteer.real_name for s in roster.waitlist] == ["v1", "v2"]
    refused(ShiftNotFound, queries.shift_roster, staff(world), shift(project(world.neighbour)).id)


def test_more_places_are_offered_to_the_waiting_and_fewer_than_taken_are_refused(world):
    on = shift(project(world.home), capacity=1)
    made = [volunteer(world.home, f"v{i}") for i in range(3)]
    for v in made:
        done(ops.sign_up, user_of(v), on.id)
    loaded = queries.load_shift(staff(world), on.id)
    done(ops.update_shift, staff(world), loaded, capacity=2, place="二楼会议室")
    assert list(statuses(on.id).values()) == ["signed_up", "offered", "waiting"]
    assert len(messages(made[1].user_id)) == 1 and messages(made[2].user_id) == []
    assert places(on.id) == (2, 2)
    refused(
        CapacityBelowTaken,
        ops.update_shift,
        staff(world),
        queries.load_shift(staff(world), on.id),
        capacity=1,
    )
    later = TUESDAY_9 + timedelta(days=1)
    done(ops.update_shift, staff(world), queries.load_shift(staff(world), on.id), starts_at=later)
    moved = queries.latest_signup(made[0].id, on.id)
    assert moved is not None and moved.starts_at == later
    assert len(audited("volunteer_shift.update")) == 2


def test_cancelling_a_shift_withdraws_everyone_and_tells_them(world):
    on = shift(project(world.home, name="爱心义剪"), capacity=1)
    made = [volunteer(world.home, f"v{i}") for i in range(2)]
    for v in made:
        done(ops.sign_up, user_of(v), on.id)
    done(ops.cancel_shift, staff(world), queries.load_shift(staff(world), on.id), "天气原因")
    assert list(statuses(on.id).values()) == ["withdrawn", "withdrawn"]
    assert places(on.id) == (0, 0)
    for v in made:
        (message,) = messages(v.user_id)
        assert message.data["thing1"]["value"] == "爱心义剪" and message.page == "pages/volunteer/shifts"
    assert [e.details for e in audited("volunteer_shift.cancel")] == [{"reason": "天气原因", "notified": 2}]
    refused(ShiftClosed, ops.sign_up, user_of(volunteer(world.home, "late")), on.id)


def test_tomorrows_volunteers_are_reminded_once(world, clock):
    of = project(world.home)
    tomorrow = shift(of, starts_in=timedelta(days=1, hours=2))  # Tuesday 10:00
    later = shift(of, starts_in=timedelta(days=2, hours=2))
    made = [volunteer(world.home, f"v{i}") for i in range(3)]
    signup(tomorrow, made[0])
    signup(tomorrow, made[1], status="waiting")
    signup(later, made[2])
    at(clock, hours=10)  # Monday 18:00
    assert done(tasks.remind_shifts) == 1
    assert done(tasks.remind_shifts) == 0
    assert len(messages(made[0].user_id)) == 1
    assert messages(made[1].user_id) == [] and messages(made[2].user_id) == []
    assert staff(world).role == COMMUNITY_STAFF
