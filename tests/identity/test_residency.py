"""Residency: a user asks, a grid worker or staff member of that community decides."""

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import GRID_WORKER, RESIDENT, Membership, ResidencyRequest
from cloudplatform.identity.operations import decide_residency
from cloudplatform.notify.models import Notification
from tests.admin.console import residency_request
from tests.helpers import count_queries
from tests.world import log_in


def ask(client, headers, world, community=None, **overrides):
    community = community or world.home
    body = {
        "community_id": community.id,
        "building_id": world.buildings[community.id],
        "room": "2单元301",
        "real_name": "张秀兰",
    } | overrides
    return client.post("/api/v1/me/residency", json=body, headers=headers)


@pytest.fixture
def resident(client, world):
    return log_in(client, "resident")


@pytest.fixture
def grid_worker(client, world):
    return log_in(client, f"staff-{GRID_WORKER}")


def test_request_is_pending(client, world, resident):
    response = ask(client, resident, world)
    assert response.status_code == 201
    assert response.json["status"] == "pending"
    assert response.json["building_name"]


def test_second_open_request_is_409(client, world, resident, db):
    ask(client, resident, world)
    response = ask(client, resident, world, community=world.neighbour)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "RESIDENCY_PENDING"
    assert len(db.session.scalars(select(ResidencyRequest)).all()) == 1


def test_building_of_another_community_is_404(client, world, resident, db):
    response = ask(client, resident, world, building_id=world.buildings[world.elsewhere.id])
    assert response.status_code == 404
    assert response.json["error"]["code"] == "BUILDING_NOT_FOUND"
    assert db.session.scalar(select(ResidencyRequest)) is None


def test_unknown_community_is_404(client, world, resident):
    response = ask(client, resident, world, community_id=999999)
    assert response.status_code == 404


def test_oversize_name_is_422(client, world, resident):
    response = ask(client, resident, world, real_name="名" * 33)
    assert response.status_code == 422
    assert "real_name" in response.json["error"]["details"]["fields"]


def test_staff_list_masks_the_name(client, world, resident, grid_worker):
    ask(client, resident, world)
    items = client.get("/api/v1/staff/residency-requests", headers=grid_worker).json["items"]
    assert [i["real_name"] for i in items] == ["张**"]


def test_opening_a_request_shows_it_whole_and_is_audited(client, world, resident, grid_worker, db):
    request_id = ask(client, resident, world).json["id"]
    response = client.get(f"/api/v1/staff/residency-requests/{request_id}", headers=grid_worker)
    assert response.json["real_name"] == "张秀兰"
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "residency.view")).all()
    assert [(v.actor_name, v.target_id) for v in views] == [(f"u-{GRID_WORKER}", str(request_id))]


def test_approval_makes_a_resident_and_queues_a_message(client, world, resident, grid_worker, db):
    request_id = ask(client, resident, world).json["id"]
    response = client.post(
        f"/api/v1/staff/residency-requests/{request_id}/decision", json={"approve": True}, headers=grid_worker
    )
    assert response.json["status"] == "approved"
    me = client.get("/api/v1/me", headers=resident).json
    assert me["communities"] == [
        {"community_id": world.home.id, "community_name": world.home.name, "roles": [RESIDENT]}
    ]
    assert db.session.scalar(select(Notification.template_key)) == "residency_result"


def test_a_decision_rolled_back_queues_no_message(world, db):
    request = residency_request(world, world.home)
    decide_residency(world.staff[GRID_WORKER], request, approve=True, reason="")
    assert db.session.scalar(select(Notification.template_key)) == "residency_result"  # in the transaction
    db.session.rollback()
    assert db.session.scalar(select(Notification)) is None
    assert db.session.scalar(select(ResidencyRequest.status)) == "pending"


def test_rejection_needs_a_reason(client, world, resident, grid_worker, db):
    request_id = ask(client, resident, world).json["id"]
    url = f"/api/v1/staff/residency-requests/{request_id}/decision"
    response = client.post(url, json={"approve": False}, headers=grid_worker)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "REASON_REQUIRED"
    assert response.json["error"]["details"] == {"fields": {"reason": ["此项必填"]}}
    assert db.session.scalar(select(ResidencyRequest.status)) == "pending"


def test_rejection_with_reason_grants_nothing(client, world, resident, grid_worker, db):
    request_id = ask(client, resident, world).json["id"]
    url = f"/api/v1/staff/residency-requests/{request_id}/decision"
    response = client.post(url, json={"approve": False, "reason": "门牌号不符"}, headers=grid_worker)
    assert response.json["status"] == "rejected"
    assert db.session.scalar(select(Membership)) is None


def test_a_decided_request_cannot_be_decided_again(client, world, resident, grid_worker):
    request_id = ask(client, resident, world).json["id"]
    url = f"/api/v1/staff/residency-requests/{request_id}/decision"
    client.post(url, json={"approve": True}, headers=grid_worker)
    response = client.post(url, json={"approve": False, "reason": "重复"}, headers=grid_worker)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "ALREADY_DECIDED"


def test_moving_is_a_new_request_that_ends_the_old_residency(client, world, resident, db):
    admin = log_in(client, "staff-street_admin")
    for community in (world.home, world.neighbour):
        request_id = ask(client, resident, world, community=community).json["id"]
        url = f"/api/v1/staff/residency-requests/{request_id}/decision"
        assert client.post(url, json={"approve": True}, headers=admin).status_code == 200
    communities = [c["community_id"] for c in client.get("/api/v1/me", headers=resident).json["communities"]]
    assert communities == [world.neighbour.id]


def test_a_resident_cannot_use_staff_endpoints(client, world, resident):
    response = client.get("/api/v1/staff/residency-requests", headers=resident)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "STAFF_ONLY"


def test_own_requests_are_listed(client, world, resident):
    ask(client, resident, world)
    assert [r["status"] for r in client.get("/api/v1/me/residency", headers=resident).json["items"]] == [
        "pending"
    ]


def test_own_requests_are_a_page_with_community_and_building_in_two_statements(app, client, world, resident):
    ask(client, resident, world)
    with count_queries(app) as statements:
        page = client.get("/api/v1/me/residency", headers=resident).json
    assert len(statements) <= 2  # the token, the page with its communities and buildings
    (item,) = page["items"]
    assert (item["community_name"], item["status_name"]) == (world.home.name, "待审核")
    assert item["building_name"]
    assert page["next_cursor"] is None


def test_retried_request_with_the_same_key_is_answered_once(client, world, resident, db):
    headers = resident | {"Idempotency-Key": "residency-1"}
    first = ask(client, headers, world)
    second = ask(client, headers, world)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json == first.json
    assert len(db.session.scalars(select(ResidencyRequest)).all()) == 1


def test_idempotency_keys_belong_to_their_user(client, world, resident, db):
    ask(client, resident | {"Idempotency-Key": "same"}, world)
    other = log_in(client, "someone-else")
    assert ask(client, other | {"Idempotency-Key": "same"}, world).status_code == 201
    assert len(db.session.scalars(select(ResidencyRequest)).all()) == 2
