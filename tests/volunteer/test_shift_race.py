"""Volunteers race for the last place of a shift, and a cancellation races new sign-ups — on PostgreSQL,
each in its own thread, app context and session: never more places than capacity, exactly one offer per
freed place, and ``taken`` always the number of sign-ups holding a place."""

from datetime import timedelta

import pytest

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import User
from cloudplatform.volunteer.shifts import operations as ops
from cloudplatform.volunteer.shifts import tasks
from cloudplatform.volunteer.shifts.errors import AlreadySignedUpShift, ShiftOverlaps
from tests.service.aid.test_race import race
from tests.volunteer.fixtures import project, shift, signup, volunteer
from tests.volunteer.shift_fixtures import at, done, places, standing_clock, statuses, user_of

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


def as_user(user_id: int, operation, shift_id: int):
    """An action running ``operation(user, shift_id)`` with the thread's own session."""

    def action():
        return operation(_db.session.get(User, user_id), shift_id).status

    return action


def test_eight_volunteers_racing_for_the_last_place_one_gets_it(app, world):
    on = shift(project(world.home), capacity=3)
    for i in range(2):
        signup(on, volunteer(world.home, f"holder{i}"))
    racers = [volunteer(world.home, f"racer{i}") for i in range(8)]
    results = race(app, [as_user(v.user_id, ops.sign_up, on.id) for v in racers])
    assert sorted(results) == ["signed_up"] + ["waiting"] * 7
    assert places(on.id) == (3, 3)


def test_one_volunteer_signing_up_many_times_at_once_holds_one_sign_up(app, world):
    on = shift(project(world.home), capacity=5)
    eager = volunteer(world.home, "eager")
    results = race(app, [as_user(eager.user_id, ops.sign_up, on.id)] * 6)
    assert results.count("signed_up") == 1
    assert all(isinstance(r, AlreadySignedUpShift) for r in results if r != "signed_up")
    assert places(on.id) == (1, 1)


def test_one_volunteer_racing_for_two_overlapping_shifts_gets_one(app, world):
    of = project(world.home)
    first, second = shift(of), shift(of, starts_in=timedelta(days=2, hours=1))
    busy = volunteer(world.home, "busy")
    results = race(app, [as_user(busy.user_id, ops.sign_up, s.id) for s in (first, second)] * 3)
    assert results.count("signed_up") == 1
    assert all(isinstance(r, ShiftOverlaps | AlreadySignedUpShift) for r in results if r != "signed_up")


def test_a_cancellation_racing_sign_ups_makes_exactly_one_offer(app, world):
    on = shift(project(world.home), capacity=2)
    holders = [volunteer(world.home, f"holder{i}") for i in range(2)]
    waiting = [volunteer(world.home, f"waiting{i}") for i in range(2)]
    for v in holders + waiting:
        done(ops.sign_up, user_of(v), on.id)
    newcomers = [volunteer(world.home, f"new{i}") for i in range(8)]
    actions = [as_user(holders[0].user_id, ops.cancel_signup, on.id)]
    actions += [as_user(v.user_id, ops.sign_up, on.id) for v in newcomers]
    results = race(app, actions)
    assert results == ["withdrawn"] + ["waiting"] * 8
    after = statuses(on.id)
    assert after[waiting[0].id] == "offered" and after[waiting[1].id] == "waiting"
    assert list(after.values()).count("offered") == 1
    assert places(on.id) == (2, 2)


def test_a_lapse_racing_a_confirmation_and_another_lapse_keeps_one_holder(app, world, clock):
    on = shift(project(world.home), capacity=1)
    holder, first, second = (volunteer(world.home, name) for name in ("holder", "first", "second"))
    for v in (holder, first, second):
        done(ops.sign_up, user_of(v), on.id)
    done(ops.cancel_signup, user_of(holder), on.id)
    at(clock, hours=2)
    results = race(
        app, [tasks.lapse_offers, tasks.lapse_offers, as_user(first.user_id, ops.confirm_offer, on.id)]
    )
    assert sorted(r["lapsed"] for r in results[:2]) == [0, 1]
    after = statuses(on.id)
    assert (after[first.id], after[second.id]) == ("lapsed", "offered")
    assert places(on.id) == (1, 1)
