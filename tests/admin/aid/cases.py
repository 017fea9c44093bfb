"""Helpers of the 困难救助 console tests: a case of a community at a given step, its files, and what the
database holds after a request."""

import itertools

import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import REVIEW, STREET_REVIEW, AidApplication, AidStep
from tests.service.aid.fixtures import (
    ID_NUMBER,
    application_fields,
    categories,
    png_bytes,
    resident_at,
    upload_for,
)

QUEUE = "/admin/aid/applications"
PUBLICITY, STATISTICS, CATEGORIES = "/admin/aid/publicity", "/admin/aid/statistics", "/admin/aid/categories"
FULL_NAME, PHONE = "李桂芳", "13800001234"


_serial = itertools.count(1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    """A valid ID number (its check digit right) of the ``serial``-th applicant."""
    body = f"61030219800101{serial:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def case_in(world, community=None, key: str = "medical", **overrides):
    """A submitted case of a new resident of ``community`` (default home) with one material (身份证); the
    test's first has ID_NUMBER, each later one another person's, each of another household."""
    community = community or world.home
    category = categories()[key]
    serial = next(_serial)
    user = resident_at(world, f"申请人{serial}", room=f"{serial}-101", community=community)
    if db.session.scalar(sa.select(sa.func.count()).select_from(AidApplication)):
        overrides.setdefault("id_number", id_number(serial))
    fields = application_fields(world, category, community_id=community.id, **overrides)
    case = aid.apply(user, **fields, materials=[(upload_for(user), "身份证")])
    db.session.commit()
    return case


def in_review(world, community=None, **kwargs):
    """A case accepted for community review."""
    case = case_in(world, community, **kwargs)
    _force(case, REVIEW)
    return case


def at_street(world, community=None, **kwargs):
    """A case waiting for the street's approval (moved there directly)."""
    case = case_in(world, community, **kwargs)
    _force(case, STREET_REVIEW)
    return case


def at_status(world, status: str, community=None, **kwargs):
    """A case moved to ``status`` directly."""
    case = case_in(world, community, **kwargs)
    _force(case, status)
    return case


def _force(case: AidApplication, status: str) -> None:
    db.session.execute(sa.update(AidApplication).where(AidApplication.id == case.id).values(status=status))
    db.session.commit()
    db.session.refresh(case)


def status_of(case_id: int) -> str:
    db.session.commit()  # end the test's transaction: see what the request committed
    return db.session.scalar(sa.select(AidApplication.status).where(AidApplication.id == case_id))


def steps_of(case_id: int) -> list[str]:
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(AidStep.action).where(AidStep.application_id == case_id).order_by(AidStep.id)
        )
    )


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.commit()
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def material_upload_id(case: AidApplication) -> int:
    db.session.commit()
    return db.session.get(AidApplication, case.id).files[0].upload_id


__all__ = ["ID_NUMBER", "png_bytes"]
