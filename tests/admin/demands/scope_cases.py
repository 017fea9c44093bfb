"""The 群众点单 console's record pages for the scope matrix (``tests/test_scope_matrix.py`` adds
``DEMAND_CONSOLE_PAGES`` to its ``CONSOLE_PAGES``): each entry is (name, the right it needs, make a record
of a community, call the page, whether the record changed), the shape of its ``ConsolePage``."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from cloudplatform.extensions import db as database
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DONE,
    SUBMITTED,
    Demand,
    DemandFile,
    DemandStep,
    OrganisationStaff,
)
from cloudplatform.service.messages.models import SUGGESTION, Message
from tests.admin.console import submit
from tests.admin.demands.cases import demand_at, message_in, organisation_for


@dataclass(frozen=True)
class ConsolePage:
    name: str
    action: str
    make: Callable
    call: Callable
    changed: Callable


def at(status: str, **options):
    """A maker of a demand of ``community`` taken to ``status`` through the operations."""

    def make(world, community):
        demand = demand_at(world, status, community, **options)
        demand.organisation_for_dispatch = organisation_for(world, community).id
        return demand

    return make


def held(world, community):
    return demand_at(world, SUBMITTED, community, description="需要帮忙请加微信")


def with_into(world, community):
    """An open demand of ``community`` and (``into``) another to merge it into."""
    demand = demand_at(world, SUBMITTED, community)
    demand.into = demand_at(world, SUBMITTED, community, title="扶手坏了")
    return demand


def field(demand, column: str):
    database.session.commit()
    return database.session.scalar(sa.select(getattr(Demand, column)).where(Demand.id == demand.id))


def steps(demand, action: str) -> int:
    database.session.commit()
    return database.session.scalar(
        sa.select(sa.func.count()).where(DemandStep.demand_id == demand.id, DemandStep.action == action)
    )


def first_file(demand) -> int:
    database.session.commit()
    return database.session.scalar(sa.select(DemandFile.upload_id).where(DemandFile.demand_id == demand.id))


def suggestion(replied: bool = False):
    def make(world, community):
        message = message_in(
            world, community, content="建议增设充电桩", kind=SUGGESTION, publish_consent=True
        )
        if replied:
            from cloudplatform.identity.models import CITY_ADMIN
            from cloudplatform.service.messages import operations as mail

            mail.reply_to(world.staff[CITY_ADMIN], message, "已列入计划")
            database.session.commit()
        return message

    return make


def message_field(message, column: str):
    database.session.commit()
    return database.session.scalar(sa.select(getattr(Message, column)).where(Message.id == message.id))


def workers(organisation) -> int:
    database.session.commit()
    return database.session.scalar(
        sa.select(sa.func.count()).where(OrganisationStaff.organisation_id == organisation.id)
    )


def organisation_name(organisation) -> str:
    from cloudplatform.service.demands.models import Organisation

    database.session.commit()
    return database.session.scalar(sa.select(Organisation.name).where(Organisation.id == organisation.id))


BASE, ORGANISATIONS, INBOX = "/admin/demands", "/admin/organisations", "/admin/messages"
DISPATCH = {"deadline": "2026-12-31", "funding_source": "社区经费", "responsible_member": "李建国"}

DEMAND_CONSOLE_PAGES = [
    ConsolePage(
        "GET /admin/demands/{id}",
        "demand.dispatch",
        at(SUBMITTED),
        lambda c, r: c.get(f"{BASE}/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "GET /admin/demands/{id}/files/{upload_id}",
        "demand.dispatch",
        at(SUBMITTED, photo=True),
        lambda c, r: c.get(f"{BASE}/{r.id}/files/{first_file(r)}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/release",
        "demand.dispatch",
        held,
        lambda c, r: submit(c, f"{BASE}/{r.id}/release", {"seen": SUBMITTED}),
        lambda db, r: field(r, "held") is not True,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/dispatch",
        "demand.dispatch",
        at(SUBMITTED),
        lambda c, r: submit(
            c,
            f"{BASE}/{r.id}/dispatch",
            {"seen": SUBMITTED, "organisation_id": r.organisation_for_dispatch, **DISPATCH},
        ),
        lambda db, r: field(r, "status") != SUBMITTED,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/dismiss",
        "demand.dispatch",
        at(SUBMITTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/dismiss", {"seen": SUBMITTED, "reason": "不属于社区办理范围"}),
        lambda db, r: field(r, "status") != SUBMITTED,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/merge",
        "demand.dispatch",
        with_into,
        lambda c, r: submit(c, f"{BASE}/{r.id}/merge", {"seen": SUBMITTED, "into": r.into.id}),
        lambda db, r: field(r, "status") != SUBMITTED,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/supervise",
        "demand.supervise",
        at(ACCEPTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/supervise", {"seen": ACCEPTED, "comment": "请于本周内完成"}),
        lambda db, r: steps(r, "supervise") != 0,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/verify",
        "demand.verify",
        at(DONE),
        lambda c, r: submit(c, f"{BASE}/{r.id}/verify", {"seen": DONE}),
        lambda db, r: field(r, "status") != DONE,
    ),
    ConsolePage(
        "POST /admin/demands/{id}/send-back",
        "demand.verify",
        at(DONE),
        lambda c, r: submit(c, f"{BASE}/{r.id}/send-back", {"seen": DONE, "reason": "扶手仍有晃动"}),
        lambda db, r: field(r, "status") != DONE,
    ),
    # an organisation's worker's steps: no community role may take them
    ConsolePage(
        "POST /admin/demands/{id}/accept",
        "demand.fulfil",
        at("dispatched"),
        lambda c, r: submit(c, f"{BASE}/{r.id}/accept", {"seen": "dispatched"}),
        lambda db, r: field(r, "status") != "dispatched",
    ),
    ConsolePage(
        "POST /admin/demands/{id}/report-done",
        "demand.fulfil",
        at(ACCEPTED),
        lambda c, r: submit(c, f"{BASE}/{r.id}/report-done", {"seen": ACCEPTED, "note": "已完成"}),
        lambda db, r: field(r, "status") != ACCEPTED,
    ),
    ConsolePage(
        "GET /admin/organisations/{id}",
        "organisation.manage",
        lambda world, community: organisation_for(world, community),
        lambda c, r: c.get(f"{ORGANISATIONS}/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/organisations/{id}",
        "organisation.manage",
        lambda world, community: organisation_for(world, community),
        lambda c, r: submit(c, f"{ORGANISATIONS}/{r.id}", {"name": "改名的服务中心", "kind": "social"}),
        lambda db, r: organisation_name(r) == "改名的服务中心",
    ),
    ConsolePage(
        "POST /admin/organisations/{id}/workers",
        "organisation.manage",
        lambda world, community: organisation_for(world, community),
        lambda c, r: submit(
            c,
            f"{ORGANISATIONS}/{r.id}/workers",
            {"username": f"new-worker-{r.id}", "display_name": "新同事", "password": "baoji-demo-2026"},
        ),
        lambda db, r: workers(r) > 1,
    ),
    ConsolePage(
        "GET /admin/messages/{id}",
        "message.reply",
        suggestion(),
        lambda c, r: c.get(f"{INBOX}/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/messages/{id}/reply",
        "message.reply",
        suggestion(),
        lambda c, r: submit(c, f"{INBOX}/{r.id}/reply", {"reply": "已转交物业"}),
        lambda db, r: message_field(r, "status") != "waiting",
    ),
    ConsolePage(
        "POST /admin/messages/{id}/publish",
        "message.reply",
        suggestion(replied=True),
        lambda c, r: submit(c, f"{INBOX}/{r.id}/publish"),
        lambda db, r: message_field(r, "published_at") is not None,
    ),
]
