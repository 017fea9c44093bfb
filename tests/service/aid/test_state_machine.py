"""Every decision from every status: what ``AidApplication.TRANSITIONS`` and the category's rules allow
moves the case; everything else raises the operation's documented error and leaves the case, its
history, the audit log and the applicant's messages as they were. The wrong role is refused (403)."""

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.notify.models import Notification
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.errors import (
    AidEmergencyGranted,
    AidPublicityNotOver,
    AidStepNotForCategory,
    AidVisitRequired,
    AidWrongStep,
)
from cloudplatform.service.aid.models import (
    GRANTED,
    INCOMPLETE,
    PUBLICITY,
    REJECTED,
    REVIEW,
    STATUS_NAMES,
    STREET_REVIEW,
    SUBMITTED,
    WITHDRAWN,
    AidApplication,
    AidStep,
)
from tests.service.aid.fixtures import categories
from tests.service.aid.stages import case_at

# each decision: the status it moves the case to, and how it is taken (by a city admin, who may do all,
# or by the applicant)
DECISIONS = {
    "accept": (REVIEW, lambda staff, case: aid.accept(staff, case)),
    "request_materials": (INCOMPLETE, lambda staff, case: aid.request_materials(staff, case, ["户口簿"])),
    "resubmit": (SUBMITTED, lambda staff, case: aid.resubmit(case.applicant, case)),
    "publicize": (PUBLICITY, lambda staff, case: aid.publicize(staff, case, proposed_amount=100000)),
    "forward": (STREET_REVIEW, lambda staff, case: aid.forward(staff, case)),
    "grant": (GRANTED, lambda staff, case: aid.grant(staff, case, 100000)),
    "reject": (REJECTED, lambda staff, case: aid.reject(staff, case, "不符合条件")),
    "withdraw": (WITHDRAWN, lambda staff, case: aid.withdraw(case.applicant, case, "不需要了")),
}
# refusals by a rule other than the table (for a category with 公示)
RULES = {
    (REVIEW, "forward"): AidStepNotForCategory,  # a category with 公示 does not skip it
    (PUBLICITY, "forward"): AidPublicityNotOver,  # its period is still running
}


def expected(status: str) -> dict[str, type[Exception] | None]:
    """Each decision from ``status``: the error it raises, or None where it is allowed."""
    table = {}
    for decision, (to, _) in DECISIONS.items():
        if (status, decision) in RULES:
            table[decision] = RULES[status, decision]
        elif to not in AidApplication.TRANSITIONS.get(status, set()):
            table[decision] = AidWrongStep
        else:
            table[decision] = None
    return table


def with_publicity():
    """临时救助 with its 7 days of 公示, the home visit not needed (so only the step decides)."""
    category = categories()["temporary"]
    category.needs_visit = False
    _db.session.commit()
    return category


def snapshot(case) -> tuple:
    """The case's row as stored, and how many steps, audit entries and messages there are."""
    _db.session.flush()
    table_ = AidApplication.__table__
    row = _db.session.execute(sa.select(table_).where(table_.c.id == case.id)).mappings().one()

    def count(model, *where):
        return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return (
        dict(row),
        count(AidStep, AidStep.application_id == case.id),
        count(AuditEntry),
        count(Notification),
    )


@pytest.mark.parametrize("status", list(STATUS_NAMES))
def test_each_decision_from_each_status(world, status):
    """One case per status; each decision is taken in a savepoint rolled back after it."""
    case = case_at(world, status, with_publicity())
    before = snapshot(case)
    for decision, error in expected(status).items():
        to, take = DECISIONS[decision]
        savepoint = _db.session.begin_nested()
        if error is None:
            take(world.staff[CITY_ADMIN], case)
            assert case.status == to, decision
        else:
            with pytest.raises(error):
                take(world.staff[CITY_ADMIN], case)
            assert snapshot(case) == before, decision
        savepoint.rollback()
        _db.session.refresh(case)
        assert snapshot(case) == before, decision


def test_the_table_refuses_most_pairs():
    refused = [(s, d) for s in STATUS_NAMES for d, error in expected(s).items() if error is not None]
    assert len(refused) == 48 and (GRANTED, "withdraw") in refused and (REVIEW, "forward") in refused


def test_a_category_without_publicity_goes_from_review_to_the_street(world):
    other = categories()["other"]
    other.publicity_days, other.needs_visit = 0, False
    _db.session.commit()
    case = case_at(world, REVIEW, other)
    before = snapshot(case)
    with pytest.raises(AidStepNotForCategory):
        aid.publicize(world.staff[CITY_ADMIN], case)
    assert snapshot(case) == before
    aid.forward(world.staff[CITY_ADMIN], case)
    assert case.status == STREET_REVIEW


def test_a_category_that_needs_the_visit_does_not_leave_review_without_it(world):
    medical = categories()["medical"]  # 公示 and the home visit
    case = case_at(world, REVIEW, medical)
    before = snapshot(case)
    with pytest.raises(AidVisitRequired):
        aid.publicize(world.staff[CITY_ADMIN], case)
    assert snapshot(case) == before


def test_emergency_aid_only_where_allowed_once_and_while_open(world):
    found = categories()
    admin = world.staff[COMMUNITY_ADMIN]
    no_emergency = case_at(world, REVIEW, found["disability"])
    before = snapshot(no_emergency)
    with pytest.raises(AidStepNotForCategory):
        aid.grant_emergency(admin, no_emergency, 50000)
    assert snapshot(no_emergency) == before

    case = case_at(world, REVIEW, found["temporary"])
    aid.grant_emergency(admin, case, 50000)
    _db.session.commit()
    before = snapshot(case)
    with pytest.raises(AidEmergencyGranted):
        aid.grant_emergency(admin, case, 50000)
    assert snapshot(case) == before

    decided = case_at(world, REJECTED, found["temporary"])
    before = snapshot(decided)
    with pytest.raises(AidWrongStep):
        aid.grant_emergency(admin, decided, 50000)
    assert snapshot(decided) == before


@pytest.mark.parametrize(
    ("role", "status", "decide"),
    [
        (GRID_WORKER, STREET_REVIEW, lambda staff, case: aid.grant(staff, case, 100000)),
        (COMMUNITY_ADMIN, STREET_REVIEW, lambda staff, case: aid.grant(staff, case, 100000)),
        (GRID_WORKER, STREET_REVIEW, lambda staff, case: aid.reject(staff, case, "不符合条件")),
        (GRID_WORKER, REVIEW, lambda staff, case: aid.grant_emergency(staff, case, 50000)),
        (COMMUNITY_STAFF, REVIEW, lambda staff, case: aid.grant_emergency(staff, case, 50000)),
    ],
)
def test_the_wrong_role_is_refused(world, role, status, decide):
    case = case_at(world, status, with_publicity())
    before = snapshot(case)
    with pytest.raises(Forbidden):
        decide(world.staff[role], case)
    assert snapshot(case) == before
