"""Every operation from every status: what ``Demand.TRANSITIONS`` allows moves the demand; everything else
raises the operation's documented error and leaves the demand, its steps, the audit log and the residents'
messages as they were. The wrong role is refused (403), another organisation's worker does not find the
demand (404); a demand is rated once and reopened once, within 14 days."""

from datetime import date

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
)
from cloudplatform.notify.models import Notification
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands import queries
from cloudplatform.service.demands.errors import (
    AlreadyRated,
    DemandNotFound,
    DemandWrongStep,
    MergeRefused,
    ReopenRefused,
)
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISMISSED,
    DISPATCHED,
    DONE,
    MERGED,
    RATED,
    STATUS_NAMES,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandStep,
)
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of

DAY = 86400
FACTS = {
    "deadline": date(2026, 12, 20),
    "funding_source": "社区党组织服务群众经费",
    "responsible_member": "李建国",
}


class Actors:
    """Who takes each step: the resident, a city admin (every staff right but the organisation's), and the
    worker of the organisation the demand is dispatched to; ``other`` an open demand to merge into."""

    def __init__(self, world):
        self.world = world
        self.resident = resident_of(world.home, "周阿姨")
        self.organisation = make_organisation(world.home)
        self.worker = org_worker(self.organisation, "worker")
        self.admin = world.staff[CITY_ADMIN]
        self.other = ordered(world, resident_of(world.home, "王大爷"), "楼道灯不亮")


def ordered(world, resident, title: str = "楼道扶手松动") -> Demand:
    return five.submit_demand(
        resident,
        community_id=world.home.id,
        category="elderly",
        title=title,
        description="3号楼2单元楼道扶手松动，老人上下楼不安全",
    )


# each operation: the status it moves the demand to, the statuses it moves it from (its edges of the
# table), how it is taken, and the error it raises from any other status
OPERATIONS = {
    "dispatch": (
        DISPATCHED,
        {SUBMITTED},
        lambda a, d: five.dispatch(a.admin, d, organisation_id=a.organisation.id, **FACTS),
    ),
    "dismiss": (DISMISSED, {SUBMITTED}, lambda a, d: five.dismiss(a.admin, d, "不属于社区职责")),
    "merge": (MERGED, {SUBMITTED, DISPATCHED, ACCEPTED}, lambda a, d: five.merge(a.admin, d, a.other)),
    "accept": (ACCEPTED, {DISPATCHED}, lambda a, d: five.accept(a.worker, d)),
    "decline": (SUBMITTED, {DISPATCHED}, lambda a, d: five.decline(a.worker, d, "人手不足")),
    "report_done": (DONE, {ACCEPTED}, lambda a, d: five.report_done(a.worker, d, "已更换扶手")),
    "verify": (VERIFIED, {DONE}, lambda a, d: five.verify(a.admin, d)),
    "send_back": (ACCEPTED, {DONE}, lambda a, d: five.send_back(a.admin, d, "扶手仍然晃动")),
    "rate": (RATED, {VERIFIED}, lambda a, d: five.rate(a.resident, d, 5, "很及时")),
    "reopen": (SUBMITTED, {VERIFIED}, lambda a, d: five.reopen(a.resident, d, "雨天又松了")),
}
ERRORS = {"merge": MergeRefused}  # every other operation: DemandWrongStep
PATHS = {  # the operations that bring a new demand to each status
    SUBMITTED: (),
    DISPATCHED: ("dispatch",),
    ACCEPTED: ("dispatch", "accept"),
    DONE: ("dispatch", "accept", "report_done"),
    VERIFIED: ("dispatch", "accept", "report_done", "verify"),
    RATED: ("dispatch", "accept", "report_done", "verify", "rate"),
    DISMISSED: ("dismiss",),
    MERGED: ("merge",),
}


def demand_at(actors: Actors, status: str) -> Demand:
    demand = ordered(actors.world, actors.resident)
    for operation in PATHS[status]:
        OPERATIONS[operation][2](actors, demand)
    _db.session.commit()
    assert demand.status == status
    return demand


def refused(status: str, operation: str) -> type[Exception]:
    if operation == "rate" and status == RATED:
        return AlreadyRated
    return ERRORS.get(operation, DemandWrongStep)


def snapshot(demand: Demand) -> tuple:
    """The demand's row as stored, and how many steps, audit entries and messages there are."""
    _db.session.flush()
    table = Demand.__table__
    row = _db.session.execute(sa.select(table).where(table.c.id == demand.id)).mappings().one()

    def count(model, *where):
        return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return (
        dict(row),
        count(DemandStep, DemandStep.demand_id == demand.id),
        count(AuditEntry),
        count(Notification),
    )


def test_the_operations_cover_the_table_exactly():
    edges = {
        (source, to)
        for to_status, sources, _ in OPERATIONS.values()
        for source in sources
        for to in [to_status]
    }
    table = {(source, to) for source, targets in Demand.TRANSITIONS.items() for to in targets}
    assert edges == table


PAIRS = [(s, op) for s in STATUS_NAMES for op, (_, sources, _) in OPERATIONS.items() if s not in sources]


@pytest.mark.parametrize(("status", "operation"), PAIRS)
def test_an_operation_the_table_does_not_allow_changes_nothing(world, status, operation):
    actors = Actors(world)
    demand = demand_at(actors, status)
    before = snapshot(demand)
    with pytest.raises(refused(status, operation)):
        OPERATIONS[operation][2](actors, demand)
    assert demand.status == status
    assert snapshot(demand) == before


ALLOWED = [(s, op) for s in STATUS_NAMES for op, (_, sources, _) in OPERATIONS.items() if s in sources]


@pytest.mark.parametrize(("status", "operation"), ALLOWED)
def test_an_allowed_operation_moves_the_demand_and_keeps_one_step(world, status, operation):
    actors = Actors(world)
    demand = demand_at(actors, status)
    to, _, take = OPERATIONS[operation]
    steps = snapshot(demand)[1]
    take(actors, demand)
    assert demand.status == to
    last = _db.session.scalars(
        sa.select(DemandStep).where(DemandStep.demand_id == demand.id).order_by(DemandStep.id.desc())
    ).first()
    assert (last.action, last.from_status, last.to_status) == (operation, status, to)
    assert snapshot(demand)[1] == steps + 1


@pytest.mark.parametrize("status", [SUBMITTED, VERIFIED, RATED, DISMISSED, MERGED])
def test_supervision_only_while_the_work_is_under_way(world, status):
    actors = Actors(world)
    demand = demand_at(actors, status)
    before = snapshot(demand)
    with pytest.raises(DemandWrongStep):
        five.supervise(actors.admin, demand, "请加快办理")
    assert snapshot(demand) == before


def test_a_decision_on_a_step_that_moved_on_is_refused(world):
    actors = Actors(world)
    demand = demand_at(actors, ACCEPTED)
    before = snapshot(demand)
    for decide in (
        lambda: five.accept(actors.worker, demand, seen=DISPATCHED),
        lambda: five.decline(actors.worker, demand, "人手不足", seen=DISPATCHED),
        lambda: five.dispatch(
            actors.admin, demand, organisation_id=actors.organisation.id, seen=SUBMITTED, **FACTS
        ),
    ):
        with pytest.raises(DemandWrongStep) as refusal:
            decide()
        assert refusal.value.details == {"status": ACCEPTED}
        assert snapshot(demand) == before


@pytest.mark.parametrize(
    ("role", "status", "operation"),
    [
        (COMMUNITY_STAFF, DONE, lambda staff, a, d: five.verify(staff, d)),
        (COMMUNITY_ADMIN, DONE, lambda staff, a, d: five.verify(staff, d)),
        (COMMUNITY_ADMIN, DONE, lambda staff, a, d: five.send_back(staff, d, "不合格")),
        (
            GRID_WORKER,
            SUBMITTED,
            lambda staff, a, d: five.dispatch(staff, d, organisation_id=a.organisation.id, **FACTS),
        ),
        (GRID_WORKER, SUBMITTED, lambda staff, a, d: five.dismiss(staff, d, "不予受理")),
        (GRID_WORKER, SUBMITTED, lambda staff, a, d: five.merge(staff, d, a.other)),
        (COMMUNITY_STAFF, ACCEPTED, lambda staff, a, d: five.supervise(staff, d, "请加快")),
        (COMMUNITY_STAFF, DISPATCHED, lambda staff, a, d: five.accept(staff, d)),
        (STREET_ADMIN, DISPATCHED, lambda staff, a, d: five.accept(staff, d)),
        (CITY_ADMIN, ACCEPTED, lambda staff, a, d: five.report_done(staff, d, "已完成")),
        (
            "worker",
            SUBMITTED,
            lambda staff, a, d: five.dispatch(staff, d, organisation_id=a.organisation.id, **FACTS),
        ),
        ("worker", DONE, lambda staff, a, d: five.verify(staff, d)),
        ("worker", ACCEPTED, lambda staff, a, d: five.supervise(staff, d, "请加快")),
    ],
)
def test_the_wrong_role_is_refused(world, role, status, operation):
    actors = Actors(world)
    demand = demand_at(actors, status)
    staff = actors.worker if role == "worker" else world.staff[role]
    before = snapshot(demand)
    with pytest.raises(Forbidden):
        operation(staff, actors, demand)
    assert snapshot(demand) == before


def test_another_organisations_worker_does_not_find_the_demand(world):
    actors = Actors(world)
    demand = demand_at(actors, DISPATCHED)
    stranger = org_worker(make_organisation(world.home, "火炬路志愿服务队"), "stranger")
    assert queries.load_org_demand(actors.worker, demand.id) == demand
    with pytest.raises(DemandNotFound):
        queries.load_org_demand(stranger, demand.id)
    with pytest.raises(DemandNotFound):  # not dispatched to anyone: nobody's
        queries.load_org_demand(actors.worker, ordered(world, actors.resident).id)
    with pytest.raises(DemandNotFound):
        queries.load_org_demand(actors.worker, demand.id + 1000)
    with pytest.raises(Forbidden):  # community staff are no organisation's workers
        queries.load_org_demand(world.staff[COMMUNITY_STAFF], demand.id)


def test_a_declined_demand_is_no_longer_the_organisations(world):
    actors = Actors(world)
    demand = demand_at(actors, DISPATCHED)
    five.decline(actors.worker, demand, "人手不足")
    with pytest.raises(DemandNotFound):
        queries.load_org_demand(actors.worker, demand.id)


def test_a_demand_is_rated_once(world):
    actors = Actors(world)
    demand = demand_at(actors, RATED)
    before = snapshot(demand)
    with pytest.raises(AlreadyRated):
        five.rate(actors.resident, demand, 1, "改主意了")
    assert snapshot(demand) == before and demand.rating == 5


def test_a_demand_is_reopened_once(world):
    actors = Actors(world)
    demand = demand_at(actors, VERIFIED)
    five.reopen(actors.resident, demand, "雨天又松了")
    for operation in PATHS[VERIFIED]:
        OPERATIONS[operation][2](actors, demand)
    _db.session.commit()
    before = snapshot(demand)
    with pytest.raises(ReopenRefused) as refusal:
        five.reopen(actors.resident, demand, "还是不行")
    assert refusal.value.details == {"reason": "once"}
    assert snapshot(demand) == before
    five.rate(actors.resident, demand, 3)  # what is left to the resident
    assert demand.status == RATED


def test_a_demand_is_reopened_within_fourteen_days_of_its_verification(world, clock):
    actors = Actors(world)
    in_time, late = demand_at(actors, VERIFIED), demand_at(actors, VERIFIED)
    clock.shift(14 * DAY)
    five.reopen(actors.resident, in_time, "雨天又松了")
    assert in_time.status == SUBMITTED
    clock.shift(60)
    before = snapshot(late)
    with pytest.raises(ReopenRefused) as refusal:
        five.reopen(actors.resident, late, "雨天又松了")
    assert refusal.value.details == {"reason": "late"}
    assert snapshot(late) == before
    five.rate(actors.resident, late, 4)  # rating has no time limit
    assert late.status == RATED
