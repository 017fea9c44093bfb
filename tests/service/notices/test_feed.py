"""GET /services/notices: the notices a user may read, pinned first then newest, with what is unread."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import PARTY_MEMBER, RESIDENT, VOLUNTEER, Building
from cloudplatform.pagination import encode_cursor
from cloudplatform.service.notices.models import BUILDINGS, GRIDS, PARTY_MEMBERS, VOLUNTEERS, Notice
from cloudplatform.service.notices.queries import notice_feed
from tests.factories import BuildingFactory, GridFactory
from tests.helpers import count_queries
from tests.service.notices.helpers import URL, join, make_notice, person
from tests.world import log_in


@pytest.fixture
def home_building(world):
    return world.buildings[world.home.id]


@pytest.fixture
def other_grid_building(world):
    """A building of home in a second grid."""
    return BuildingFactory(grid_id=GridFactory(community_id=world.home.id).id).id


@pytest.fixture
def resident(client, world, home_building):
    person("resident", world.home, RESIDENT, building_id=home_building)
    return log_in(client, "resident")


def listed(client, headers, **params) -> list[int]:
    response = client.get(URL, headers=headers, query_string=params)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_notice_for_all_is_listed_for_a_resident(client, world, resident):
    notice = make_notice(world.home)
    assert listed(client, resident) == [notice.id]


def test_notice_for_all_reaches_a_volunteer_of_the_community(client, world):
    notice = make_notice(world.home)
    person("helper", world.home, VOLUNTEER)
    assert listed(client, log_in(client, "helper")) == [notice.id]


def test_party_members_notice_is_listed_for_a_party_member(client, world):
    notice = make_notice(world.home, audience=PARTY_MEMBERS)
    person("member", world.home, RESIDENT, PARTY_MEMBER)
    assert listed(client, log_in(client, "member")) == [notice.id]


def test_party_members_notice_is_hidden_from_a_resident(client, world, resident):
    make_notice(world.home, audience=PARTY_MEMBERS)
    assert listed(client, resident) == []


def test_volunteers_notice_is_listed_for_a_volunteer(client, world):
    notice = make_notice(world.home, audience=VOLUNTEERS)
    person("helper", world.home, VOLUNTEER)
    assert listed(client, log_in(client, "helper")) == [notice.id]


def test_volunteers_notice_is_hidden_from_a_party_member(client, world):
    make_notice(world.home, audience=VOLUNTEERS)
    person("member", world.home, RESIDENT, PARTY_MEMBER)
    assert listed(client, log_in(client, "member")) == []


def test_grids_notice_is_listed_for_a_resident_of_a_target_grid(client, db, world, resident, home_building):
    grid_id = db.session.get(Building, home_building).grid_id
    notice = make_notice(world.home, audience=GRIDS, grid_ids=[grid_id])
    assert listed(client, resident) == [notice.id]


def test_grids_notice_is_hidden_from_a_resident_of_another_grid(client, db, world, other_grid_building):
    make_notice(world.home, audience=GRIDS, grid_ids=[db.session.get(Building, other_grid_building).grid_id])
    person("neighbour", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    assert listed(client, log_in(client, "neighbour")) == []


def test_buildings_notice_is_listed_for_a_resident_of_a_target_building(
    client, world, resident, home_building
):
    notice = make_notice(world.home, audience=BUILDINGS, building_ids=[home_building])
    assert listed(client, resident) == [notice.id]


def test_buildings_notice_is_hidden_from_a_resident_of_another_building(
    client, world, resident, other_grid_building
):
    make_notice(world.home, audience=BUILDINGS, building_ids=[other_grid_building])
    assert listed(client, resident) == []


def test_buildings_notice_is_hidden_from_a_party_member_without_a_home_there(client, world, home_building):
    make_notice(world.home, audience=BUILDINGS, building_ids=[home_building])
    person("member", world.home, PARTY_MEMBER)
    assert listed(client, log_in(client, "member")) == []


def test_another_communitys_notice_is_not_listed(client, world, resident):
    make_notice(world.neighbour)
    assert listed(client, resident) == []


def test_user_without_a_community_sees_no_notices(client, world):
    make_notice(world.home)
    assert listed(client, log_in(client, "stranger")) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"publish_at": now() + timedelta(days=1)},
        {"publish_at": now() - timedelta(days=3), "expires_at": now() - timedelta(days=1)},
        {"withdrawn_at": now() - timedelta(minutes=5)},
    ],
    ids=["not-yet-published", "expired", "withdrawn"],
)
def test_notice_that_is_not_out_is_not_listed(client, world, resident, fields):
    make_notice(world.home, **fields)
    assert listed(client, resident) == []


def test_community_filter_lists_only_that_community(client, world, home_building):
    join(person("both", world.home, RESIDENT, building_id=home_building), world.neighbour, VOLUNTEER)
    headers = log_in(client, "both")
    home_notice, neighbour_notice = make_notice(world.home), make_notice(world.neighbour)
    assert listed(client, headers, community_id=world.home.id) == [home_notice.id]
    assert listed(client, headers, community_id=world.neighbour.id) == [neighbour_notice.id]


def test_pinned_come_first_then_newest(client, world, resident):
    t = now()
    old = make_notice(world.home, publish_at=t - timedelta(days=3))
    new = make_notice(world.home, publish_at=t - timedelta(hours=1))
    pinned_old = make_notice(world.home, pinned=True, publish_at=t - timedelta(days=5))
    assert listed(client, resident) == [pinned_old.id, new.id, old.id]


def test_pages_follow_the_cursor_in_feed_order(client, world, resident):
    t = now()
    made = [
        make_notice(world.home, publish_at=t - timedelta(hours=i), pinned=i % 4 == 0) for i in range(1, 8)
    ]
    expected = [n.id for n in sorted(made, key=lambda n: (n.pinned, n.publish_at, n.id), reverse=True)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get(URL, headers=resident, query_string=params).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


def test_forged_cursor_is_422(client, world, resident):
    response = client.get(URL, headers=resident, query_string={"cursor": "garbage!"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "INVALID_CURSOR"


def test_list_needs_a_login(client):
    assert client.get(URL).status_code == 401


def test_item_shows_whether_the_caller_has_read_it(client, world, resident):
    opened, unopened = make_notice(world.home), make_notice(world.home)
    client.get(f"{URL}/{opened.id}", headers=resident)
    items = {item["id"]: item["read"] for item in client.get(URL, headers=resident).json["items"]}
    assert items == {opened.id: True, unopened.id: False}


def test_unread_count_counts_visible_notices_not_yet_opened(client, world, resident):
    opened = make_notice(world.home)
    make_notice(world.home)
    make_notice(world.home, audience=PARTY_MEMBERS)  # not for this resident
    make_notice(world.neighbour)  # another community
    client.get(f"{URL}/{opened.id}", headers=resident)
    assert client.get(URL, headers=resident).json["unread_count"] == 1


def test_unread_count_covers_notices_beyond_the_page(client, world, resident):
    for _ in range(5):
        make_notice(world.home)
    page = client.get(URL, headers=resident, query_string={"limit": 2}).json
    assert len(page["items"]) == 2
    assert page["unread_count"] == 5


def test_unread_count_holds_on_a_page_past_the_end(client, world, resident):
    """An empty page (its last notice withdrawn since the cursor was made) still counts what is unread."""
    oldest, *_ = [make_notice(world.home) for _ in range(3)]  # the feed's last: newest first
    client.get(f"{URL}/{oldest.id}", headers=resident)
    cursor = encode_cursor([oldest.pinned, oldest.publish_at, oldest.id])
    page = client.get(URL, headers=resident, query_string={"cursor": cursor}).json
    assert page == {"items": [], "next_cursor": None, "unread_count": 2}


def test_list_is_one_statement_after_the_caller(app, client, world, resident, home_building):
    for i in range(12):
        make_notice(world.home, pinned=i == 0)
    make_notice(world.home, audience=BUILDINGS, building_ids=[home_building])
    for notice in _db.session.scalars(sa.select(Notice).limit(4)).all():
        client.get(f"{URL}/{notice.id}", headers=resident)
    with count_queries(app) as statements:
        response = client.get(URL, headers=resident, query_string={"limit": 20})
    assert response.status_code == 200
    assert len(response.json["items"]) == 13
    # the page with its read marks and unread count, after the caller (remembered by then with Redis)
    assert len(statements) == (1 if app.config["REDIS_URL"] else 2), statements


def feed_plan(db, backend, user) -> str:
    """The plan of the feed's page statement (sequential scans priced out on PostgreSQL: few rows)."""
    executed = []

    def capture(conn, cursor, statement, parameters, *args):
        executed.append((statement, parameters))

    engine = db.engines[None]
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        notice_feed(user, None, None, 20)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    (statement, parameters), *_ = [e for e in executed if "ORDER BY" in e[0]]  # the page
    connection = db.session.connection()
    if backend == "postgres":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        return "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return "\n".join(str(row[-1]) for row in rows)


def test_feed_statement_uses_the_feed_index(db, backend, world, home_building):
    user = person("resident", world.home, RESIDENT, building_id=home_building)
    for _ in range(5):
        make_notice(world.home)
    assert "ix_notice_feed" in feed_plan(db, backend, user)
