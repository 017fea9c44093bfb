"""Workers, staff and residents racing on PostgreSQL (threads behind a barrier, each with its own app
context and session): two workers accepting one demand, two staff dispatching it to different
organisations, two ratings at once — each has one winner, one step and one message."""

from datetime import date

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN, StaffAccount, User
from cloudplatform.notify.models import Notification
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands import queries
from cloudplatform.service.demands.errors import AlreadyRated, DemandWrongStep
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISPATCHED,
    RATED,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandStep,
)
from tests.service.aid.test_race import race
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of

pytestmark = pytest.mark.postgres

FACTS = {"funding_source": "社区党组织服务群众经费", "responsible_member": "李建国"}


def demand_at(world, resident, status: str, organisation=None, worker=None) -> Demand:
    demand = five.submit_demand(
        resident,
        community_id=world.home.id,
        category="elderly",
        title="楼道扶手松动",
        description="老人上下楼不安全",
    )
    if status != SUBMITTED:
        staff, street = world.staff[COMMUNITY_STAFF], world.staff[STREET_ADMIN]
        five.dispatch(staff, demand, organisation_id=organisation.id, deadline=date(2026, 12, 20), **FACTS)
        if status == VERIFIED:
            five.accept(worker, demand)
            five.report_done(worker, demand, "已办结")
            five.verify(street, demand)
    _db.session.commit()
    assert demand.status == status
    return demand


def steps_and_messages(demand: Demand, action: str) -> tuple[int, int]:
    """How many ``action`` steps the demand has and how many messages its resident had, as committed."""
    _db.session.rollback()
    steps = _db.session.scalar(
        sa.select(sa.func.count()).where(DemandStep.demand_id == demand.id, DemandStep.action == action)
    )
    messages = _db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == demand.user_id)
    )
    return steps, messages


def as_worker(staff_id: int, demand_id: int, seen: str | None):
    def action():
        staff = _db.session.get(StaffAccount, staff_id)
        return five.accept(staff, queries.load_org_demand(staff, demand_id), seen=seen).status

    return action


@pytest.mark.parametrize("seen", [DISPATCHED, None])
def test_two_workers_accepting_at_once_one_wins(app, world, seen):
    organisation = make_organisation(world.home)
    first, second = org_worker(organisation, "first"), org_worker(organisation, "second")
    demand = demand_at(world, resident_of(world.home, "周阿姨"), DISPATCHED, organisation)
    _, told_before = steps_and_messages(demand, "accept")

    results = race(app, [as_worker(first.id, demand.id, seen), as_worker(second.id, demand.id, seen)])

    assert sorted(map(type, results), key=str) == sorted([str, DemandWrongStep], key=str), results
    assert ACCEPTED in results
    steps, told = steps_and_messages(demand, "accept")
    assert (steps, told - told_before) == (1, 1)
    assert _db.session.get(Demand, demand.id).status == ACCEPTED


def test_two_staff_dispatching_to_different_organisations_at_once_one_wins(app, world):
    first, second = make_organisation(world.home), make_organisation(world.home, "火炬路志愿服务队")
    demand = demand_at(world, resident_of(world.home, "周阿姨"), SUBMITTED)
    _, told_before = steps_and_messages(demand, "dispatch")

    def dispatch(staff_id: int, organisation_id: int):
        def action():
            staff = _db.session.get(StaffAccount, staff_id)
            target = queries.load_staff_demand(staff, demand.id)
            return five.dispatch(
                staff,
                target,
                organisation_id=organisation_id,
                deadline=date(2026, 12, 20),
                seen=SUBMITTED,
                **FACTS,
            ).organisation_id

        return action

    staff, admin = world.staff[COMMUNITY_STAFF].id, world.staff[COMMUNITY_ADMIN].id
    results = race(app, [dispatch(staff, first.id), dispatch(admin, second.id)])

    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1 and any(isinstance(r, DemandWrongStep) for r in results), results
    steps, told = steps_and_messages(demand, "dispatch")
    assert (steps, told - told_before) == (1, 1)
    stored = _db.session.get(Demand, demand.id)
    assert (stored.status, stored.organisation_id) == (DISPATCHED, winners[0])


def test_two_ratings_at_once_one_counts(app, world):
    organisation = make_organisation(world.home)
    worker = org_worker(organisation, "worker")
    resident = resident_of(world.home, "周阿姨")
    demand = demand_at(world, resident, VERIFIED, organisation, worker)

    def rating(stars: int):
        def action():
            user = _db.session.get(User, resident.id)
            return five.rate(user, queries.load_own_demand(user, demand.id), stars).rating

        return action

    results = race(app, [rating(5), rating(2)])

    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1 and any(isinstance(r, AlreadyRated) for r in results), results
    steps, _ = steps_and_messages(demand, "rate")
    assert steps == 1
    stored = _db.session.get(Demand, demand.id)
    assert (stored.status, stored.rating) == (RATED, winners[0])
