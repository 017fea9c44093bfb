"""Staff and applicants racing on PostgreSQL (threads behind a barrier, each with its own app context and
session): two decisions on one step have one winner, one step row and one message; a household applying
from several phones at once gets one application."""

import threading

import pytest
import sqlalchemy as sa

from cloudplatform.errors import AppError
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN, StaffAccount, User
from cloudplatform.notify.models import Notification
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.errors import AidAlreadyOpen, AidWrongStep
from cloudplatform.service.aid.models import AidApplication, AidStep
from tests.service.aid.fixtures import application_fields, categories, resident_at
from tests.service.aid.numbers import id_number
from tests.service.aid.stages import case_at

pytestmark = pytest.mark.postgres


def race(app, actions):
    """Run each action (a function of nothing, in its own app context) at once; returns what each gave
    back or raised. Each commits its work, or rolls it back when it raised."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = action()
                _db.session.commit()
            except AppError as error:
                _db.session.rollback()
                results[i] = error
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def decision(staff_id: int, case_id: int, decide):
    """An action taking ``decide(staff, case)`` with the thread's own session."""

    def action():
        staff = _db.session.get(StaffAccount, staff_id)
        case = _db.session.get(AidApplication, case_id)
        return decide(staff, case).status

    return action


def steps_and_messages(case) -> tuple[list[str], int]:
    """The case's steps and how many messages its applicant has had, as committed."""
    _db.session.rollback()
    steps = _db.session.scalars(sa.select(AidStep.action).where(AidStep.application_id == case.id)).all()
    messages = _db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == case.applicant_user_id)
    )
    return list(steps), messages


@pytest.mark.parametrize("repeat", range(3))
def test_accepting_and_asking_for_materials_at_once_have_one_winner(app, world, repeat):
    case = case_at(world, "submitted", categories()["medical"])
    seen = case.status
    grid, staff = world.staff[GRID_WORKER].id, world.staff[COMMUNITY_STAFF].id
    results = race(
        app,
        [
            decision(grid, case.id, lambda s, c: aid.accept(s, c, seen=seen)),
            decision(staff, case.id, lambda s, c: aid.request_materials(s, c, ["收入证明"], seen=seen)),
        ],
    )
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1 and winners[0] in ("review", "incomplete")
    assert [type(r) for r in results if not isinstance(r, str)] == [AidWrongStep]
    steps, messages = steps_and_messages(case)
    assert steps == [{"review": "accept", "incomplete": "request_materials"}[winners[0]]]
    assert messages == 1
    assert _db.session.get(AidApplication, case.id).status == winners[0]


def test_two_grants_at_once_grant_once(app, world):
    case = case_at(world, "street_review", categories()["medical"])
    street = world.staff[STREET_ADMIN].id
    steps_before, messages_before = steps_and_messages(case)
    grant = decision(street, case.id, lambda s, c: aid.grant(s, c, 200000, seen="street_review"))
    results = race(app, [grant, grant])
    assert sum(r == "granted" for r in results) == 1
    assert [type(r) for r in results if r != "granted"] == [AidWrongStep]
    steps, messages = steps_and_messages(case)
    assert steps == [*steps_before, "grant"]
    assert messages == messages_before + 1


def test_a_household_applying_from_ten_phones_at_once_gets_one_application(app, world):
    medical = categories()["medical"]
    members = [resident_at(world, f"家庭成员{n}", room="7-701").id for n in range(10)]
    fields = application_fields(world, medical)  # read here: the threads touch no object of this session

    def apply_as(n: int):
        def action():
            user = _db.session.get(User, members[n])
            return aid.apply(user, **{**fields, "id_number": id_number(500 + n)}).id

        return action

    results = race(app, [apply_as(n) for n in range(10)])
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, AidAlreadyOpen) for r in results if not isinstance(r, int))
    _db.session.rollback()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AidApplication)) == 1
