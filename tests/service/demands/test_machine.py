"""A Hypothesis state machine over demands: random steps by random actors (the demand's resident and a
neighbour, community staff and admin, a grid worker, the street, the worker of the organisation the
demand is dispatched to and another organisation's) through the loaders and the real operations. A step
succeeds exactly when its actor has the right, finds the demand and the table allows it; a refused step
changes nothing; a demand's status is always its last step's, and its steps chain."""

from datetime import date
from itertools import pairwise

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Conflict, Forbidden, NotFound
from cloudplatform.extensions import db as _db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.notify.models import Notification
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands import queries
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISMISSED,
    DISPATCHED,
    DONE,
    MERGED,
    OPEN,
    RATED,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandStep,
)
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of

FACTS = {
    "deadline": date(2026, 12, 20),
    "funding_source": "社区党组织服务群众经费",
    "responsible_member": "李建国",
}
NEUTRAL = {"supervise", "release"}  # steps that change no status
# each operation: the status it moves to and from which (the table's edges it takes)
MOVES = {
    "dispatch": (DISPATCHED, {SUBMITTED}),
    "dismiss": (DISMISSED, {SUBMITTED}),
    "merge": (MERGED, {SUBMITTED, DISPATCHED, ACCEPTED}),
    "supervise": (None, {DISPATCHED, ACCEPTED, DONE}),
    "accept": (ACCEPTED, {DISPATCHED}),
    "decline": (SUBMITTED, {DISPATCHED}),
    "report_done": (DONE, {ACCEPTED}),
    "verify": (VERIFIED, {DONE}),
    "send_back": (ACCEPTED, {DONE}),
    "rate": (RATED, {VERIFIED}),
    "reopen": (SUBMITTED, {VERIFIED}),
}
HAPPY = ("dispatch", "accept", "report_done", "verify", "rate")
RESIDENT_STEPS = ("rate", "reopen")
ORGANISATION_STEPS = ("accept", "decline", "report_done")


@pytest.fixture
def cast(world):
    first, second = make_organisation(world.home), make_organisation(world.home, "火炬路志愿服务队")
    return {
        "world": world,
        "organisations": (first, second),
        "residents": {
            "author": resident_of(world.home, "周阿姨"),
            "neighbour": resident_of(world.home, "王大爷"),
        },
        "staff": {
            "community staff": world.staff[COMMUNITY_STAFF],
            "community admin": world.staff[COMMUNITY_ADMIN],
            "grid worker": world.staff[GRID_WORKER],
            "street": world.staff[STREET_ADMIN],
            "first worker": org_worker(first, "first"),
            "second worker": org_worker(second, "second"),
        },
    }


def take(operation: str, actor, demand: Demand, data, into: int, organisation_ids: list[int]) -> None:
    """Take ``operation`` on ``demand`` as ``actor``: a merge into ``into``, a dispatch to one of
    ``organisation_ids`` (drawn from ``data``, as is a rating)."""
    steps = {
        "dispatch": lambda: five.dispatch(
            actor, demand, organisation_id=data.draw(st.sampled_from(organisation_ids)), **FACTS
        ),
        "dismiss": lambda: five.dismiss(actor, demand, "不属于社区职责"),
        "merge": lambda: five.merge(actor, demand, _db.session.get(Demand, into)),
        "supervise": lambda: five.supervise(actor, demand, "请加快办理"),
        "accept": lambda: five.accept(actor, demand),
        "decline": lambda: five.decline(actor, demand, "人手不足"),
        "report_done": lambda: five.report_done(actor, demand, "已办结"),
        "verify": lambda: five.verify(actor, demand),
        "send_back": lambda: five.send_back(actor, demand, "不合格"),
        "rate": lambda: five.rate(actor, demand, data.draw(st.integers(1, 5))),
        "reopen": lambda: five.reopen(actor, demand, "问题没有解决"),
    }
    steps[operation]()


def snapshot(demand_id: int) -> tuple:
    _db.session.flush()
    table = Demand.__table__
    row = _db.session.execute(sa.select(table).where(table.c.id == demand_id)).mappings().one()

    def count(model, *where):
        return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return (
        dict(row),
        count(DemandStep, DemandStep.demand_id == demand_id),
        count(AuditEntry),
        count(Notification),
    )


def test_random_steps_by_random_actors(cast):  # noqa: C901  (the machine's rules are its body)
    world, residents, staff = cast["world"], cast["residents"], cast["staff"]
    organisation_of = {
        s.id: o.id for o, s in zip(cast["organisations"], list(staff.values())[4:], strict=True)
    }

    succeeded: set[tuple[str, str]] = set()  # (operation, from status) of the steps that went through

    class Demands(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.ids: list[int] = []  # this example's demands

        @rule(data=st.data(), depth=st.integers(0, len(HAPPY)))
        def order(self, data, depth):
            """A resident orders; the demand is taken ``depth`` steps along the happy path."""
            demand = five.submit_demand(
                residents["author"],
                community_id=world.home.id,
                category="elderly",
                title="楼道扶手松动",
                description="老人上下楼不安全",
            )
            _db.session.commit()
            self.ids.append(demand.id)
            for operation in HAPPY[:depth]:
                self.attempt(data, operation, self.right_actor(operation, demand), demand.id)

        @rule(data=st.data())
        def advance(self, data):
            """The right actor takes one of the steps the table allows."""
            if not self.ids:
                return
            demand = _db.session.get(Demand, data.draw(st.sampled_from(self.ids)))
            moves = [op for op, (_, sources) in MOVES.items() if demand.status in sources]
            if moves:
                operation = data.draw(st.sampled_from(moves))
                others = [i for i in self.ids if i != demand.id] or [demand.id]
                into = data.draw(st.sampled_from(others))
                self.attempt(data, operation, self.right_actor(operation, demand), demand.id, into)

        @staticmethod
        def right_actor(operation: str, demand: Demand) -> str:
            if operation in RESIDENT_STEPS:
                return "author"
            if operation in ORGANISATION_STEPS:
                first = cast["organisations"][0].id
                return "first worker" if demand.organisation_id == first else "second worker"
            return {"supervise": "community admin", "verify": "street", "send_back": "street"}.get(
                operation, "community staff"
            )

        @rule(data=st.data(), operation=st.sampled_from(sorted(MOVES)))
        def step(self, data, operation):
            if not self.ids:
                return
            demand_id = data.draw(st.sampled_from(self.ids))
            actors = residents if operation in RESIDENT_STEPS else staff
            self.attempt(data, operation, data.draw(st.sampled_from(sorted(actors))), demand_id)

        def attempt(self, data, operation: str, name: str, demand_id: int, into: int | None = None) -> None:
            """Take the step; it succeeds exactly when ``allowed`` says so, and a refusal changes nothing."""
            actor = residents.get(name) or staff[name]
            into = into or data.draw(st.sampled_from(self.ids))
            _db.session.expire_all()
            current = _db.session.get(Demand, demand_id)
            expected = self.allowed(operation, name, actor, current, _db.session.get(Demand, into))
            before = snapshot(demand_id)
            try:
                demand = self.load(name, actor, demand_id, operation)
                take(operation, actor, demand, data, into, [o.id for o in cast["organisations"]])
            except (Conflict, Forbidden, NotFound) as refusal:
                assert not expected, (operation, name, current.status, refusal)
                assert snapshot(demand_id) == before
                _db.session.rollback()
                return
            _db.session.commit()
            succeeded.add((operation, before[0]["status"]))
            assert expected, (operation, name, before[0]["status"])
            to, _ = MOVES[operation]
            assert demand.status == (to or before[0]["status"])

        @staticmethod
        def load(name, actor, demand_id: int, operation: str) -> Demand:
            """Load the demand as the front ends do for this actor."""
            if name in residents:
                return queries.load_own_demand(actor, demand_id)
            if name.endswith("worker") and name != "grid worker":
                return queries.load_org_demand(actor, demand_id)
            return queries.load_staff_demand(actor, demand_id, getattr(five, operation).action)

        @staticmethod
        def allowed(operation: str, name: str, actor, demand: Demand, into: Demand) -> bool:
            """Whether the step should succeed: the actor's right and reach, and the table."""
            _, sources = MOVES[operation]
            if demand.status not in sources:
                return False
            if operation in RESIDENT_STEPS:
                if name != "author":
                    return False
                return operation != "reopen" or demand.reopened_at is None
            if not permissions.allows(actor, getattr(five, operation).action):
                return False
            if operation in ORGANISATION_STEPS and organisation_of[actor.id] != demand.organisation_id:
                return False
            if operation == "merge":
                return into.id != demand.id and into.status in OPEN
            return True

        @invariant()
        def status_is_the_last_steps_and_the_steps_chain(self):
            _db.session.expire_all()
            for demand_id in self.ids:
                demand = _db.session.get(Demand, demand_id)
                steps = _db.session.scalars(
                    sa.select(DemandStep).where(DemandStep.demand_id == demand_id).order_by(DemandStep.id)
                ).all()
                assert steps[0].action == "submit" and steps[0].from_status is None
                assert demand.status == steps[-1].to_status
                for previous, step in pairwise(steps):
                    if step.action in NEUTRAL:
                        assert step.from_status == step.to_status == previous.to_status
                    else:
                        assert step.from_status == previous.to_status, (previous.action, step.action)
                        assert step.to_status == MOVES[step.action][0]

    Demands.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=12,
        deadline=None,
        derandomize=True,  # the same examples every run, in CI too
        suppress_health_check=list(HealthCheck),
    )
    Demands.TestCase().runTest()
    # the machine went the whole way (test_state_machine takes every edge of the table one by one)
    assert ("rate", VERIFIED) in succeeded and len(succeeded) >= 8, succeeded
