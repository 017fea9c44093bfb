"""Staff accounts are created within the creator's own scope, never above its rank."""

import pytest

from cloudplatform.errors import Forbidden
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.identity.operations import create_staff_account
from tests.helpers import count_queries
from tests.world import log_in


def test_community_admin_creates_a_grid_worker_at_home(world, db):
    account = create_staff_account(
        world.staff[COMMUNITY_ADMIN], "gw1", "pw-123456", "网格员", GRID_WORKER, community_id=world.home.id
    )
    assert account.community_id == world.home.id


@pytest.mark.parametrize("where", ["neighbour", "elsewhere"])
def test_community_admin_cannot_create_elsewhere(world, db, where):
    with pytest.raises(Forbidden):
        create_staff_account(
            world.staff[COMMUNITY_ADMIN],
            "gw1",
            "pw-123456",
            "网格员",
            GRID_WORKER,
            community_id=getattr(world, where).id,
        )


def test_community_admin_cannot_create_a_street_admin(world, db):
    with pytest.raises(Forbidden):
        create_staff_account(
            world.staff[COMMUNITY_ADMIN],
            "sa",
            "pw-123456",
            "街道",
            STREET_ADMIN,
            street_id=world.home.street_id,
        )


def test_community_staff_cannot_create_accounts(world, db):
    with pytest.raises(Forbidden):
        create_staff_account(
            world.staff[COMMUNITY_STAFF],
            "gw1",
            "pw-123456",
            "网格员",
            GRID_WORKER,
            community_id=world.home.id,
        )


def test_street_admin_creates_in_any_community_of_its_street(world, db):
    account = create_staff_account(
        world.staff[STREET_ADMIN],
        "ca",
        "pw-123456",
        "管理员",
        COMMUNITY_ADMIN,
        community_id=world.neighbour.id,
    )
    assert account.community_id == world.neighbour.id


def test_street_admin_cannot_create_in_another_street(world, db):
    with pytest.raises(Forbidden):
        create_staff_account(
            world.staff[STREET_ADMIN],
            "ca",
            "pw-123456",
            "管理员",
            COMMUNITY_ADMIN,
            community_id=world.elsewhere.id,
        )


def test_linked_staff_member_works_from_the_mini_program(client, world):
    me = client.get("/api/v1/me", headers=log_in(client, f"staff-{GRID_WORKER}")).json
    assert me["staff"] == {
        "role": GRID_WORKER,
        "role_name": "网格员",
        "community_id": world.home.id,
        "street_id": None,
    }


def test_me_reads_the_caller_with_their_staff_account_in_two_statements(app, client, world):
    headers = log_in(client, f"staff-{GRID_WORKER}")
    with count_queries(app) as statements:
        me = client.get("/api/v1/me", headers=headers).json
    assert me["staff"]["role"] == GRID_WORKER
    assert len(statements) == 2  # the token with the user and staff account, the memberships


def test_deactivated_staff_account_loses_the_mini_programs_staff_views_at_once(client, world, db):
    headers = log_in(client, f"staff-{GRID_WORKER}")
    assert client.get("/api/v1/staff/residency-requests", headers=headers).status_code == 200
    world.staff[GRID_WORKER].is_active = False
    db.session.commit()
    refused = client.get("/api/v1/staff/residency-requests", headers=headers)
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "STAFF_ONLY")
    assert client.get("/api/v1/me", headers=headers).json["staff"] is None
