"""Service certificates in the scope matrix (``tests/test_scope_matrix.py`` adds ``CERTIFICATE_ENDPOINTS`` to
its ``ENDPOINTS`` and ``CERTIFICATE_CONSOLE_PAGES`` to its ``CONSOLE_PAGES``): each API entry is (name, make a
record of a community, call the endpoint, whether the record changed, the right it needs), the shape of its
``Endpoint``; each console entry (name, the right, make, call, changed), the shape of its ``ConsolePage``."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from cloudplatform.extensions import db as database
from cloudplatform.volunteer.models import Certificate
from tests.admin.console import submit


@dataclass
class Endpoint:
    name: str
    make: Callable
    call: Callable
    changed: Callable
    action: str = "certificate.revoke"


@dataclass(frozen=True)
class ConsolePage:
    name: str
    action: str
    make: Callable
    call: Callable
    changed: Callable


def make_certificate(world, community):
    """A certificate issued to a volunteer of ``community`` (a volunteer of its own each time)."""
    from tests.volunteer.certificate_fixtures import issued, served

    count = database.session.scalar(sa.select(sa.func.count(Certificate.id))) or 0
    certificate, _ = issued(served(community, f"证明志愿者{community.id}-{count}", minutes=600))
    return certificate


def revoked(db, certificate) -> bool:
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(Certificate.revoked_at).where(Certificate.id == certificate.id))
        is not None
    )


CERTIFICATE_ENDPOINTS = [
    Endpoint(
        "POST /staff/volunteer/certificates/{id}/revoke",
        make_certificate,
        lambda c, h, r: c.post(
            f"/api/v1/staff/volunteer/certificates/{r.id}/revoke", json={"reason": "重复开具"}, headers=h
        ),
        revoked,
    ),
]

CERTIFICATE_CONSOLE_PAGES = [
    ConsolePage(
        "POST /admin/volunteer/certificates/{id}/revoke",
        "certificate.revoke",
        make_certificate,
        lambda c, r: submit(c, f"/admin/volunteer/certificates/{r.id}/revoke", {"reason": "重复开具"}),
        revoked,
    ),
]
