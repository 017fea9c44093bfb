"""Public community information: list by street, detail with grids, buildings for the residency form."""

from tests.factories import BuildingFactory, CommunityFactory, GridFactory


def test_communities_are_listed_in_pages(client, world):
    first = client.get("/api/v1/communities?limit=2").json
    second = client.get(f"/api/v1/communities?limit=2&cursor={first['next_cursor']}").json
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert ids == sorted({world.home.id, world.neighbour.id, world.elsewhere.id})
    assert second["next_cursor"] is None


def test_communities_can_be_filtered_by_street(client, world):
    items = client.get(f"/api/v1/communities?street_id={world.elsewhere.street_id}").json["items"]
    assert [c["id"] for c in items] == [world.elsewhere.id]


def test_limit_must_be_a_whole_number_up_to_100(client):
    for bad in ("7.9", "0", "101", "x"):
        response = client.get(f"/api/v1/communities?limit={bad}")
        assert response.status_code == 422
        assert "limit" in response.json["error"]["details"]["fields"]


def test_community_detail_shows_contacts_and_grids(client, db):
    community = CommunityFactory(phone="0917-3211234", office_hours="周一至周五")
    grid = GridFactory(community_id=community.id, name="第一网格")
    body = client.get(f"/api/v1/communities/{community.id}").json
    assert body["phone"] == "0917-3211234"
    assert body["grids"] == [{"id": grid.id, "name": "第一网格"}]


def test_buildings_of_a_community(client, db):
    building = BuildingFactory(name="火炬路1号楼")
    body = client.get(f"/api/v1/communities/{building.community_id}/buildings").json
    assert body == {
        "items": [{"id": building.id, "name": "火炬路1号楼", "grid_id": building.grid_id}],
        "next_cursor": None,
    }


def test_buildings_are_a_page_by_id(client, db):
    grid = GridFactory()
    made = [BuildingFactory(grid_id=grid.id).id for _ in range(3)]
    url = f"/api/v1/communities/{grid.community_id}/buildings"
    first = client.get(url, query_string={"limit": 2}).json
    rest = client.get(url, query_string={"limit": 2, "cursor": first["next_cursor"]}).json
    assert [b["id"] for b in first["items"] + rest["items"]] == made
    assert rest["next_cursor"] is None


def test_unknown_community_is_404(client, db):
    response = client.get("/api/v1/communities/987654")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "COMMUNITY_NOT_FOUND"


def test_community_list_runs_a_bounded_number_of_statements(client, world, app):
    from tests.helpers import count_queries

    with count_queries(app) as statements:
        client.get("/api/v1/communities?limit=100")
    assert len(statements) <= 2


def test_id_beyond_the_id_range_is_404(client):
    response = client.get("/api/v1/communities/9223372036854775808")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"


def test_public_community_pages_are_rate_limited(client, app, world):
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    statuses = [client.get(f"/api/v1/communities/{world.home.id}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
