"""A grid worker assigned to grids reviews the residency requests of those grids' buildings only; one
assigned to none works the whole community. A community admin sets the grids in the console."""

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import (
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    PENDING,
    GridAssignment,
)
from tests.admin.console import residency_request, sign_in_as, submit, text
from tests.factories import BuildingFactory, GridFactory
from tests.world import log_in


@pytest.fixture
def grids(world, db):
    """(the world's grid of the home community, a second grid there with its own building)."""
    first = db.session.get(BuildingFactory._meta.model, world.buildings[world.home.id]).grid_id
    second = GridFactory(community_id=world.home.id, name="东区网格")
    building = BuildingFactory(grid_id=second.id, name="东区8号楼")
    return first, second, building


def assign(db, staff, *grid_ids):
    db.session.add_all(GridAssignment(staff_id=staff.id, grid_id=g) for g in grid_ids)
    db.session.commit()


def requests_listed(client, headers) -> set[int]:
    return {r["id"] for r in client.get("/api/v1/staff/residency-requests", headers=headers).json["items"]}


def test_a_grid_worker_sees_and_decides_only_their_grids_requests(client, world, grids, db):
    first, _, east_building = grids
    mine = residency_request(world, world.home)
    theirs = residency_request(world, world.home, building_id=east_building.id)
    assign(db, world.staff[GRID_WORKER], first)
    worker = log_in(client, f"staff-{GRID_WORKER}")

    assert requests_listed(client, worker) == {mine.id}
    assert client.get(f"/api/v1/staff/residency-requests/{theirs.id}", headers=worker).status_code == 404
    refused = client.post(
        f"/api/v1/staff/residency-requests/{theirs.id}/decision", json={"approve": True}, headers=worker
    )
    assert refused.status_code == 404
    db.session.expire_all()
    assert theirs.status == PENDING

    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    assert requests_listed(client, staff) == {mine.id, theirs.id}


def test_a_grid_worker_without_grids_works_the_whole_community(client, world, grids):
    _, _, east_building = grids
    mine = residency_request(world, world.home)
    other = residency_request(world, world.home, building_id=east_building.id)
    assert requests_listed(client, log_in(client, f"staff-{GRID_WORKER}")) == {mine.id, other.id}


def test_the_console_list_of_a_grid_worker_is_narrowed_too(client, world, grids, db):
    first, _, east_building = grids
    mine = residency_request(world, world.home)
    theirs = residency_request(world, world.home, building_id=east_building.id)
    assign(db, world.staff[GRID_WORKER], first)
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get("/admin/residency"))
    assert f'data-request="{mine.id}"' in page and f'data-request="{theirs.id}"' not in page
    assert client.get(f"/admin/residency/{theirs.id}").status_code == 404


def test_an_admin_sets_a_grid_workers_grids_in_the_console(client, world, grids, db):
    first, second, _ = grids
    worker = world.staff[GRID_WORKER]
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    url = f"/admin/staff/{worker.id}/grids"
    assert "全社区" in text(client.get("/admin/staff"))

    saved = submit(client, url, {"grid_ids": [str(second.id)]}, page=url)
    assert "负责的网格：东区网格" in text(saved)
    assigned = db.session.scalars(
        sa.select(GridAssignment.grid_id).where(GridAssignment.staff_id == worker.id)
    )
    assert set(assigned) == {second.id}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "staff.grids"))
    assert entry.details == {"grids": ["东区网格"]}
    assert "网格：东区网格" in text(client.get("/admin/staff"))

    elsewhere = GridFactory(community_id=world.elsewhere.id)
    refused = submit(client, url, {"grid_ids": [str(first), str(elsewhere.id)]}, page=url)
    assert "所选网格不属于该网格员所在社区" in text(refused)
    assigned = db.session.scalars(
        sa.select(GridAssignment.grid_id).where(GridAssignment.staff_id == worker.id)
    )
    assert set(assigned) == {second.id}

    cleared = submit(client, url, {}, page=url)
    assert "全社区（未指定网格）" in text(cleared)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GridAssignment)) == 0


def test_only_a_grid_workers_account_has_grids(client, world):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert client.get(f"/admin/staff/{world.staff[COMMUNITY_STAFF].id}/grids").status_code == 404
