"""Helpers for the 群众点单 API tests: the cast logged in, and each step taken through the API."""

import io
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.notify.models import Notification
from tests.service.aid.api_fixtures import multipart
from tests.service.aid.fixtures import png_bytes
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of
from tests.world import log_in

SERVICES, STAFF = "/api/v1/services", "/api/v1/staff"
DISPATCH = {
    "deadline": "2026-12-20",
    "funding_source": "社区党组织服务群众经费",
    "responsible_member": "李建国",
    "project": "楼道扶手维修",
}
ORDER = {
    "category": "elderly",
    "title": "楼道扶手松动",
    "description": "3号楼2单元楼道扶手松动，老人上下楼不安全",
    "location": "火炬路3号楼2单元",
}


@dataclass
class Cast:
    """Who acts on a demand of the world's home community, each with their Authorization header."""

    resident: object
    me: dict
    staff: dict  # community staff: dispatch
    supervisor: dict  # community admin: 督单
    street: dict  # street admin: 验单
    organisation: object
    worker: dict  # the organisation's worker


def cast(client, world, resident_name: str = "周桂兰") -> Cast:
    resident = resident_of(world.home, resident_name)
    organisation = make_organisation(world.home)
    org_worker(organisation, "weilao-worker")
    return Cast(
        resident=resident,
        me=log_in(client, resident_name),
        staff=log_in(client, f"staff-{COMMUNITY_STAFF}"),
        supervisor=log_in(client, f"staff-{COMMUNITY_ADMIN}"),
        street=log_in(client, f"staff-{STREET_ADMIN}"),
        organisation=organisation,
        worker=log_in(client, "weilao-worker"),
    )


def order(client, headers, community, **overrides):
    return client.post(
        f"{SERVICES}/demands", json={"community_id": community.id, **ORDER, **overrides}, headers=headers
    )


def step(client, headers, demand_id: int, action: str, **body):
    return client.post(f"{STAFF}/demands/{demand_id}/{action}", json=body, headers=headers)


def dispatch(client, headers, demand_id: int, organisation_id: int, **overrides):
    body = {"step": "submitted", "organisation_id": organisation_id, **DISPATCH, **overrides}
    return step(client, headers, demand_id, "dispatch", **body)


def report_done(client, headers, demand_id: int, note: str = "已更换扶手", photos=None):
    """POST .../done as multipart with the note and the evidence (default: one photo)."""
    if photos is None:
        photos = [("现场.png", png_bytes())]
    values = [("note", note), ("step", "accepted")]
    values += [("evidence", FileStorage(io.BytesIO(data), name)) for name, data in photos]
    return multipart(client, f"{STAFF}/demands/{demand_id}/done", headers, values)


def mine(client, headers, demand_id: int) -> dict:
    response = client.get(f"{SERVICES}/demands/{demand_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def public(client, demand_id: int):
    return client.get(f"{SERVICES}/demands/{demand_id}/public")


def told(user) -> list[dict]:
    """The subscribe messages the user was sent, oldest first (their template data)."""
    _db.session.expire_all()
    rows = _db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [row.data for row in rows]


def made_at(client, world, c: Cast, status: str) -> int:
    """A demand of ``c``'s resident taken through the API to ``status``: its id."""
    demand = order(client, c.me, world.home).json["id"]
    path = ["dispatched", "accepted", "done", "verified", "rated"]
    if status == "submitted":
        return demand
    assert dispatch(client, c.staff, demand, c.organisation.id).status_code == 200
    for reached in path[1 : path.index(status) + 1]:
        if reached == "accepted":
            response = step(client, c.worker, demand, "accept", step="dispatched")
        elif reached == "done":
            response = report_done(client, c.worker, demand)
        elif reached == "verified":
            response = step(client, c.street, demand, "verify", step="done")
        else:
            response = client.post(f"{SERVICES}/demands/{demand}/rating", json={"rating": 5}, headers=c.me)
        assert response.status_code == 200, response.json
    return demand
