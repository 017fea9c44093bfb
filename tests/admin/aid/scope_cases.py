"""The 困难救助 console's record pages for the scope matrix (``tests/test_scope_matrix.py`` adds
``AID_CONSOLE_PAGES`` to its ``CONSOLE_PAGES``): each entry is (name, the right it needs, make a record
of a community, call the page, whether the record changed), the shape of its ``ConsolePage``."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from cloudplatform.extensions import db as database
from cloudplatform.service.aid.models import (
    REVIEW,
    STREET_REVIEW,
    SUBMITTED,
    AidApplication,
    AidObjection,
    AidStep,
)
from tests.admin.aid.cases import case_in
from tests.admin.console import submit
from tests.service.aid.fixtures import resident_at


@dataclass(frozen=True)
class ConsolePage:
    name: str
    action: str
    make: Callable
    call: Callable
    changed: Callable


def at_step(status: str, key: str = "temporary"):
    """A maker of a case of ``community`` moved to ``status`` (临时救助: 先行救助 allowed)."""

    def make(world, community):
        case = case_in(world, community, key=key)
        if status != SUBMITTED:
            database.session.execute(
                sa.update(AidApplication).where(AidApplication.id == case.id).values(status=status)
            )
            database.session.commit()
            database.session.refresh(case)
        return case

    return make


def in_publicity_with_objection(world, community):
    """A case of ``community`` in 公示 with one unanswered objection."""
    case = at_step(REVIEW)(world, community)
    database.session.execute(
        sa.update(AidApplication)
        .where(AidApplication.id == case.id)
        .values(status="publicity", visit_notes="入户核实")
    )
    neighbour = resident_at(world, f"异议人{case.id}", room=f"{case.id}-909", community=community)
    database.session.add(AidObjection(application_id=case.id, user_id=neighbour.id, content="有出租房"))
    database.session.commit()
    database.session.refresh(case)
    return case


def status(case) -> str:
    database.session.commit()
    return database.session.scalar(sa.select(AidApplication.status).where(AidApplication.id == case.id))


def stepped(case) -> bool:
    database.session.commit()
    return bool(database.session.scalar(sa.select(sa.func.count()).where(AidStep.application_id == case.id)))


def answered(case) -> bool:
    database.session.commit()
    return bool(
        database.session.scalar(
            sa.select(sa.func.count()).where(
                AidObjection.application_id == case.id, AidObjection.answered_at.is_not(None)
            )
        )
    )


def first_file(case) -> int:
    database.session.commit()
    return database.session.get(AidApplication, case.id).files[0].upload_id


def objection_of(case) -> int:
    database.session.commit()
    return database.session.scalar(sa.select(AidObjection.id).where(AidObjection.application_id == case.id))


BASE = "/admin/aid/applications"

AID_CONSOLE_PAGES = [
    ConsolePage(
        "GET /admin/aid/applications/{id}",
        "aid.review",
        at_step(SUBMITTED),
        lambda c, r: c.get(f"{BASE}/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "GET /admin/aid/applications/{id}/files/{upload_id}",
        "aid.review",
        at_step(SUBMITTED),
        lambda c, r: c.get(f"{BASE}/{r.id}/files/{first_file(r)}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/accept",
        "aid.review",
        at_step(SUBMITTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/accept", {"seen": SUBMITTED}),
        lambda db, r: status(r) != SUBMITTED,
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/request-materials",
        "aid.review",
        at_step(SUBMITTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/request-materials", {"seen": SUBMITTED, "missing": "户口簿"}),
        lambda db, r: status(r) != SUBMITTED,
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/visit",
        "aid.review",
        at_step(REVIEW),
        lambda c, r: submit(c, f"{BASE}/{r.id}/visit", {"notes": "入户核实"}),
        lambda db, r: stepped(r),
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/reject",
        "aid.review",
        at_step(SUBMITTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/reject", {"seen": SUBMITTED, "reason": "不符合条件"}),
        lambda db, r: status(r) != SUBMITTED,
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/objections/{objection_id}/answer",
        "aid.review",
        in_publicity_with_objection,
        lambda c, r: submit(c, f"{BASE}/{r.id}/objections/{objection_of(r)}/answer", {"answer": "已核实"}),
        lambda db, r: answered(r),
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/grant",
        "aid.approve",
        at_step(STREET_REVIEW),
        lambda c, r: submit(c, f"{BASE}/{r.id}/grant", {"seen": STREET_REVIEW, "amount": "100"}),
        lambda db, r: status(r) != STREET_REVIEW,
    ),
    ConsolePage(
        "POST /admin/aid/applications/{id}/emergency",
        "aid.emergency",
        at_step(SUBMITTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/emergency", {"seen": SUBMITTED, "amount": "100"}),
        lambda db, r: stepped(r),
    ),
]
