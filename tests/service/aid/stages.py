"""A case brought to any status through the operations, for tests that start from a given step."""

import itertools
from datetime import timedelta

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import (
    GRANTED,
    INCOMPLETE,
    PUBLICITY,
    REJECTED,
    REVIEW,
    STREET_REVIEW,
    SUBMITTED,
    WITHDRAWN,
    AidApplication,
)
from tests.service.aid.fixtures import application_fields, resident_at
from tests.service.aid.numbers import id_number

_people = itertools.count(100)

# the steps from a submission to each status (the 公示 period is made over before it is forwarded)
PATHS = {
    SUBMITTED: (),
    INCOMPLETE: ("request_materials",),
    REVIEW: ("accept",),
    PUBLICITY: ("accept", "visit", "publicize"),
    STREET_REVIEW: ("accept", "visit", "publicize", "end_publicity", "forward"),
    GRANTED: ("accept", "visit", "publicize", "end_publicity", "forward", "grant"),
    REJECTED: ("reject",),
    WITHDRAWN: ("withdraw",),
}


def case_at(world, status: str, category, community=None, name: str | None = None) -> AidApplication:
    """A new household's case in ``category`` at ``status`` (in the world's home by default), moved there
    by a city admin (who serves every community) and committed."""
    n = next(_people)
    community = community or world.home
    applicant = resident_at(world, name or f"申请人{n}", room=f"{n}-1", community=community)
    fields = application_fields(world, category, community_id=community.id, id_number=id_number(n))
    case = aid.apply(applicant, **fields)
    _db.session.commit()
    admin = world.staff[CITY_ADMIN]
    steps = {
        "request_materials": lambda: aid.request_materials(admin, case, ["收入证明"]),
        "accept": lambda: aid.accept(admin, case),
        "visit": lambda: aid.record_visit(admin, case, "入户核查：情况属实"),
        "publicize": lambda: aid.publicize(admin, case, proposed_amount=100000),
        "end_publicity": lambda: end_publicity(case),
        "forward": lambda: aid.forward(admin, case),
        "grant": lambda: aid.grant(admin, case, 100000),
        "reject": lambda: aid.reject(admin, case, "不符合救助条件"),
        "withdraw": lambda: aid.withdraw(applicant, case, "情况好转"),
    }
    for step in PATHS[status]:
        steps[step]()
        _db.session.commit()
    assert case.status == status
    return case


def end_publicity(case: AidApplication, days_ago: int = 1) -> None:
    """Make the case's 公示 period end ``days_ago`` days before its start's day (setup, not a step)."""
    ended = case.publicity_starts_on - timedelta(days=days_ago)
    _db.session.execute(
        sa.update(AidApplication)
        .where(AidApplication.id == case.id)
        .values(publicity_starts_on=ended, publicity_ends_on=ended)
    )
    _db.session.commit()
    _db.session.refresh(case)
