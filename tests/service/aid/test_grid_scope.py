"""A grid worker assigned to grids works the aid cases of those grids' buildings only."""

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, RESIDENT, GridAssignment, Membership
from cloudplatform.service.aid.models import AidApplication
from tests.factories import BuildingFactory, GridFactory
from tests.service.aid.api_fixtures import apply, decide, resident_headers, staff_headers
from tests.service.aid.fixtures import OTHER_ID_NUMBER, categories
from tests.world import log_in, wechat_user


def cases_listed(client, headers) -> set[int]:
    return {c["id"] for c in client.get("/api/v1/staff/aid-applications", headers=headers).json["items"]}


def test_a_grid_worker_works_only_their_grids_cases(client, world):
    temporary = categories()["temporary"]
    _, near = resident_headers(client, world, "李桂芳")
    east = BuildingFactory(grid_id=GridFactory(community_id=world.home.id).id)
    far_user = wechat_user("赵大爷")
    _db.session.add(
        Membership(
            user_id=far_user.id, community_id=world.home.id, role=RESIDENT, building_id=east.id, room="8-801"
        )
    )
    _db.session.commit()
    far = log_in(client, "赵大爷")
    mine = apply(client, near, world, temporary).json["id"]
    made = apply(client, far, world, temporary, applicant_name="赵大爷", id_number=OTHER_ID_NUMBER)
    assert made.status_code == 201, made.json
    theirs = made.json["id"]
    assert _db.session.get(AidApplication, theirs).building_id == east.id

    home_grid = _db.session.get(BuildingFactory._meta.model, world.buildings[world.home.id]).grid_id
    _db.session.add(GridAssignment(staff_id=world.staff[GRID_WORKER].id, grid_id=home_grid))
    _db.session.commit()
    worker = staff_headers(client, GRID_WORKER)

    assert cases_listed(client, worker) == {mine}
    assert client.get(f"/api/v1/staff/aid-applications/{theirs}", headers=worker).status_code == 404
    refused = decide(client, worker, theirs, "accept", "submitted")
    assert refused.status_code == 404
    _db.session.expire_all()
    assert _db.session.get(AidApplication, theirs).status == "submitted"

    assert cases_listed(client, staff_headers(client, COMMUNITY_STAFF)) == {mine, theirs}
