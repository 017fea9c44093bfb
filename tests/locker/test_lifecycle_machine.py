"""A Hypothesis state machine over deposits, pickups, door events, stuck openings, expiry and retrieval:
no compartment is ever held by two live deposits, a compartment is occupied exactly while a live deposit
holds it, and once everything is driven to its end every deposit ended picked up, retrieved or cancelled."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, GRID_WORKER
from cloudplatform.locker import operations
from cloudplatform.locker.errors import (
    CabinetLocked,
    CodeRefused,
    DepositNotExpired,
    DepositNotWaiting,
    NoCompartment,
)
from cloudplatform.locker.models import LIVE, OCCUPIED, Cabinet, Compartment, Deposit
from tests.locker.core import make_cabinet, resident_of

ENDED = {"picked_up", "retrieved", "cancelled"}


@pytest.fixture
def machine_env(app, world):
    cabinet, *_ = make_cabinet(world.home, "SSMML")
    user = resident_of(world.home, "recipient")
    return world, cabinet, user


def test_the_pickup_lifecycle(machine_env):  # noqa: C901  (the machine's rules are its body)
    world, cabinet, user = machine_env
    staff, admin = world.staff[GRID_WORKER], world.staff[COMMUNITY_ADMIN]

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.traveller = time_machine.travel(now(), tick=False)
            self.clock = self.traveller.start()
            self.codes: dict[int, str] = {}

        def teardown(self):
            self.finish()
            self.traveller.stop()

        def cabinet(self) -> Cabinet:
            _db.session.expire_all()
            return _db.session.get(Cabinet, cabinet.id)

        def deposits(self, *statuses) -> list[Deposit]:
            _db.session.expire_all()
            return list(
                _db.session.scalars(
                    sa.select(Deposit).where(Deposit.cabinet_id == cabinet.id, Deposit.status.in_(statuses))
                )
            )

        @rule(size=st.sampled_from("SML"))
        def deposit(self, size):
            try:
                issued = operations.deposit(staff, cabinet.id, user.id, size, "物品")
            except NoCompartment:
                _db.session.rollback()
                return
            _db.session.commit()
            self.codes[issued.deposit.id] = issued.code

        @rule(data=st.data())
        def pick_up(self, data):
            waiting = self.deposits("waiting", "opening", "expired", "picked_up")
            if not waiting:
                return
            target = data.draw(st.sampled_from(sorted(waiting, key=lambda d: d.id)))
            try:
                opened = operations.pick_up(self.cabinet(), code=self.codes[target.id])
            except CabinetLocked:
                _db.session.rollback()
                return
            except CodeRefused:
                _db.session.commit()
                return
            _db.session.commit()
            assert opened.deposit_id == target.id

        @rule(data=st.data(), kind=st.sampled_from(["door_opened", "door_closed"]))
        def door(self, data, kind):
            operations.door_event(self.cabinet(), kind, data.draw(st.integers(1, 5)))
            _db.session.commit()

        @rule()
        def wrong_code(self):
            try:
                operations.pick_up(self.cabinet(), code="99999999")
            except (CodeRefused, CabinetLocked):
                _db.session.commit()

        @rule(minutes=st.sampled_from([1, 3, 31, 60 * 80]))
        def time_passes(self, minutes):
            self.clock.shift(timedelta(minutes=minutes))
            operations.return_stuck_openings()
            operations.expire_deposits()
            _db.session.commit()

        @rule(data=st.data())
        def retrieve(self, data):
            expired = self.deposits("expired")
            if expired:
                target = data.draw(st.sampled_from(sorted(expired, key=lambda d: d.id)))
                try:
                    operations.start_retrieval(staff, target)
                except DepositNotExpired:
                    _db.session.rollback()
                    return
                _db.session.commit()

        @rule(data=st.data())
        def cancel(self, data):
            waiting = self.deposits("waiting")
            if waiting:
                target = data.draw(st.sampled_from(sorted(waiting, key=lambda d: d.id)))
                try:
                    operations.cancel_deposit(admin, target)
                except DepositNotWaiting:
                    _db.session.rollback()
                    return
                _db.session.commit()

        @invariant()
        def one_live_deposit_per_compartment(self):
            _db.session.expire_all()
            held = _db.session.scalars(
                sa.select(Deposit.compartment_id).where(
                    Deposit.cabinet_id == cabinet.id, Deposit.status.in_(LIVE)
                )
            ).all()
            assert len(held) == len(set(held))
            occupied = _db.session.scalars(
                sa.select(Compartment.id).where(
                    Compartment.cabinet_id == cabinet.id, Compartment.state == OCCUPIED
                )
            ).all()
            assert set(occupied) == set(held)

        def finish(self):
            """Drive every deposit to its end: doors close, time passes, staff retrieve what expired."""
            for number in range(1, 6):
                operations.door_event(self.cabinet(), "door_closed", number)
            self.clock.shift(timedelta(hours=100))
            operations.return_stuck_openings()
            operations.expire_deposits()
            _db.session.commit()
            for target in self.deposits("expired"):
                operations.start_retrieval(staff, target)
                _db.session.commit()
                number = _db.session.get(Compartment, target.compartment_id).number
                operations.door_event(self.cabinet(), "door_opened", number)
                operations.door_event(self.cabinet(), "door_closed", number)
                _db.session.commit()
            _db.session.expire_all()
            statuses = set(
                _db.session.scalars(sa.select(Deposit.status).where(Deposit.cabinet_id == cabinet.id))
            )
            assert statuses <= ENDED, statuses
            # reset for the next example
            _db.session.execute(sa.delete(Deposit).where(Deposit.cabinet_id == cabinet.id))
            _db.session.execute(
                sa.update(Compartment)
                .where(Compartment.cabinet_id == cabinet.id)
                .values(state="free", door_open=False)
            )
            _db.session.execute(
                sa.update(Cabinet)
                .where(Cabinet.id == cabinet.id)
                .values(failures=0, failures_since=None, locked_until=None)
            )
            _db.session.commit()

    Lifecycle.TestCase.settings = settings(
        max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
    )
    Lifecycle.TestCase().runTest()
