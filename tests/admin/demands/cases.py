"""Helpers of the 群众点单 console tests: a demand of a community at a given step (moved there through the
operations), an organisation serving it with a worker, messages, and what the database holds after a
request."""

import itertools
from datetime import date

import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db
from cloudplatform.identity.models import CITY_ADMIN, StaffAccount
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISPATCHED,
    DONE,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandStep,
    Organisation,
)
from cloudplatform.service.messages import operations as mail
from cloudplatform.service.messages.models import MAILBOX, Message
from tests.service.aid.fixtures import upload_for
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of

BOARD, ORG_BOARD, ORGANISATIONS = "/admin/demands", "/admin/organisation/demands", "/admin/organisations"
INBOX, STATISTICS = "/admin/messages", "/admin/demands/statistics"
WRONG_STEP = "该诉求当前不在此办理环节，请刷新后重试"
FACTS = {
    "deadline": date(2026, 12, 20),
    "funding_source": "社区党组织服务群众经费",
    "responsible_member": "李建国",
}
RESIDENT = "周秀英"

_serial = itertools.count(1)


def organisation_for(world, community=None, name: str = "火炬路为老服务中心") -> Organisation:
    """The community's organisation of that name (made, with a worker, the first time)."""
    community = community or world.home
    found = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == name, Organisation.community_id == community.id)
    )
    if found is None:
        found = make_organisation(community, name)
        org_worker(found, f"org-{found.id}")
    return found


def worker_of(organisation: Organisation):
    return db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == f"org-{organisation.id}"))


def demand_at(
    world,
    status: str = SUBMITTED,
    community=None,
    *,
    title: str = "楼道扶手松动",
    photo: bool = False,
    **fields,
):
    """A demand of a new resident of ``community`` (default home) moved to ``status`` by the operations
    (dispatched to the community's 为老服务中心); with ``photo``, one photo the resident took."""
    community = community or world.home
    serial = next(_serial)
    user = resident_of(community, RESIDENT if serial == 1 else f"{RESIDENT}{serial}")
    demand = five.submit_demand(
        user,
        community_id=community.id,
        category="elderly",
        title=title,
        description=fields.pop("description", "3号楼2单元楼道扶手松动，老人上下楼不安全"),
        location="3号楼2单元",
        photo_ids=[upload_for(user, "楼道.png")] if photo else [],
    )
    db.session.commit()
    if status == SUBMITTED:
        return demand
    organisation = organisation_for(world, community)
    worker = worker_of(organisation)
    staff = world.staff[CITY_ADMIN]
    five.dispatch(staff, demand, organisation_id=organisation.id, **FACTS)
    if status in (ACCEPTED, DONE, VERIFIED):
        five.accept(worker, demand)
    if status in (DONE, VERIFIED):
        five.report_done(worker, demand, "已更换扶手")
    if status == VERIFIED:
        five.verify(staff, demand)
    db.session.commit()
    assert demand.status == status or status == DISPATCHED
    return demand


def message_in(world, community=None, content: str = "小区路灯坏了好几天了", **fields) -> Message:
    community = community or world.home
    user = resident_of(community, f"写信人{next(_serial)}")
    message = mail.write_message(
        user, community_id=community.id, kind=fields.pop("kind", MAILBOX), content=content, **fields
    )
    db.session.commit()
    return message


def status_of(demand_id: int) -> str:
    db.session.commit()  # end the test's transaction: see what the request committed
    return db.session.scalar(sa.select(Demand.status).where(Demand.id == demand_id))


def steps_of(demand_id: int) -> list[str]:
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(DemandStep.action).where(DemandStep.demand_id == demand_id).order_by(DemandStep.id)
        )
    )


def message_of(message_id: int) -> Message:
    db.session.commit()
    return db.session.get(Message, message_id)


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.commit()
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )
