"""A place given back is offered to the first waiting volunteer, who confirms it within two hours (never
after the start) or lets it lapse to the next; a place is given back until the cancel deadline."""

from datetime import timedelta

import pytest

from cloudplatform.volunteer.models import OFFER_HOURS
from cloudplatform.volunteer.shifts import operations as ops
from cloudplatform.volunteer.shifts import queries, tasks
from cloudplatform.volunteer.shifts.errors import OfferExpired, ShiftCancelTooLate, ShiftSignupNotFound
from tests.volunteer.fixtures import START, project, shift, volunteer
from tests.volunteer.shift_fixtures import (
    at,
    done,
    messages,
    places,
    refused,
    snapshot,
    standing_clock,
    statuses,
    user_of,
)


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


def full_shift(world, waiting=2, **fields):
    """A shift of one place, its holder and ``waiting`` volunteers queued behind them (signed up in order)."""
    on = shift(project(world.home, name="四点半课堂"), capacity=1, **fields)
    made = [volunteer(world.home, name) for name in ["holder", *[f"w{i}" for i in range(waiting)]]]
    for v in made:
        done(ops.sign_up, user_of(v), on.id)
    return on, made


def test_a_cancelled_place_is_offered_to_the_first_waiting_who_confirms_it(world):
    on, (holder, first, second) = full_shift(world)
    assert done(ops.cancel_signup, user_of(holder), on.id).status == "withdrawn"
    assert list(statuses(on.id).values()) == ["withdrawn", "offered", "waiting"]
    offer = queries.own_active_signup(first.id, on.id)
    assert offer is not None and offer.offered_until == START + timedelta(hours=OFFER_HOURS)
    assert places(on.id) == (1, 1)
    (message,) = messages(first.user_id)
    assert message.data["thing3"]["value"] == "候补递补成功，请在2小时内确认"
    assert message.data["thing1"]["value"] == "四点半课堂"
    assert messages(second.user_id) == [] and messages(holder.user_id) == []
    assert done(ops.confirm_offer, user_of(first), on.id).status == "signed_up"
    assert places(on.id) == (1, 1)
    before = snapshot(on.id)
    refused(OfferExpired, ops.confirm_offer, user_of(first), on.id)  # confirmed already
    refused(OfferExpired, ops.confirm_offer, user_of(second), on.id)  # still waiting
    refused(ShiftSignupNotFound, ops.confirm_offer, user_of(volunteer(world.home, "none")), on.id)
    assert snapshot(on.id) == before


def test_an_offer_not_confirmed_lapses_by_the_job_and_goes_to_the_next(world, clock):
    on, (holder, first, second) = full_shift(world)
    done(ops.cancel_signup, user_of(holder), on.id)
    at(clock, hours=1, minutes=59)
    assert done(tasks.lapse_offers) == {"lapsed": 0, "offered": 0}
    at(clock, hours=2)
    refused(OfferExpired, ops.confirm_offer, user_of(first), on.id)  # its time is up: nothing changes
    assert list(statuses(on.id).values()) == ["withdrawn", "offered", "waiting"]
    assert done(tasks.lapse_offers) == {"lapsed": 1, "offered": 1}
    assert done(tasks.lapse_offers) == {"lapsed": 0, "offered": 0}  # again: nothing more
    assert list(statuses(on.id).values()) == ["withdrawn", "lapsed", "offered"]
    assert places(on.id) == (1, 1)
    assert len(messages(second.user_id)) == 1
    told = [m.data["thing3"]["value"] for m in messages(first.user_id)]
    assert told == ["候补递补成功，请在2小时内确认", "递补名额未按时确认，已顺延"]
    refused(OfferExpired, ops.confirm_offer, user_of(first), on.id)
    assert done(ops.confirm_offer, user_of(second), on.id).status == "signed_up"


def test_a_lapsed_offer_with_nobody_waiting_frees_the_place(world, clock):
    on, (holder, _first) = full_shift(world, waiting=1)
    done(ops.cancel_signup, user_of(holder), on.id)
    at(clock, hours=3)
    assert done(tasks.lapse_offers) == {"lapsed": 1, "offered": 0}
    assert places(on.id) == (0, 0)
    assert done(ops.sign_up, user_of(volunteer(world.home, "newcomer")), on.id).status == "signed_up"


def test_an_offer_never_outlasts_the_start_and_lapses_then_without_a_new_one(world, clock):
    on, (holder, first, second) = full_shift(world, starts_in=timedelta(hours=4))
    on.cancel_deadline_hours = 3
    done(lambda: None)
    at(clock, minutes=30)
    done(ops.cancel_signup, user_of(holder), on.id)
    at(clock, hours=3, minutes=30)  # 30 minutes before the start
    done(ops.cancel_signup, user_of(first), on.id)  # declining an offer: allowed until the start
    offer = queries.own_active_signup(second.id, on.id)
    assert offer is not None and offer.offered_until == on.starts_at
    at(clock, hours=4)
    assert done(tasks.lapse_offers) == {"lapsed": 1, "offered": 0}
    assert places(on.id) == (0, 0)


def test_a_place_is_given_back_only_until_the_deadline_and_a_late_try_changes_nothing(world, clock):
    on, (holder, first) = full_shift(world, waiting=1, starts_in=timedelta(hours=5))  # deadline: 2 hours
    at(clock, hours=3, minutes=1)
    before = snapshot(on.id)
    refused(ShiftCancelTooLate, ops.cancel_signup, user_of(holder), on.id)
    assert snapshot(on.id) == before
    assert done(ops.cancel_signup, user_of(first), on.id).status == "withdrawn"  # a waiting place: still
    assert places(on.id) == (1, 1)


def test_leaving_the_waitlist_offers_nothing_and_cancelling_twice_is_refused(world):
    on, (_holder, first, second) = full_shift(world)
    done(ops.cancel_signup, user_of(first), on.id)
    assert list(statuses(on.id).values()) == ["signed_up", "withdrawn", "waiting"]
    assert messages(second.user_id) == []
    refused(ShiftSignupNotFound, ops.cancel_signup, user_of(first), on.id)
    assert places(on.id) == (1, 1)
    assert done(ops.sign_up, user_of(first), on.id).status == "waiting"  # back in the queue, last


def test_declining_an_offer_passes_it_on(world):
    on, (holder, first, second) = full_shift(world)
    assert messages(second.user_id) == []
    done(ops.cancel_signup, user_of(holder), on.id)
    done(ops.cancel_signup, user_of(first), on.id)
    assert list(statuses(on.id).values()) == ["withdrawn", "withdrawn", "offered"]
    assert places(on.id) == (1, 1) and len(messages(second.user_id)) == 1
