"""The type-ahead pickers' answers: only what lies in the worker's scope, masked, words taken literally."""

import pytest

from cloudplatform.clock import now
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
    VOLUNTEER,
)
from tests.admin.console import member, sign_in_as
from tests.factories import BuildingFactory, GridFactory, ResidencyRequestFactory, UserFactory


def picked(client, what, **params) -> list[tuple[int, str]]:
    response = client.get(f"/admin/pick/{what}", query_string=params)
    assert response.status_code == 200, response.status_code
    assert response.is_json
    return [(item["id"], item["label"]) for item in response.json["items"]]


def ids(items) -> set[int]:
    return {item_id for item_id, _ in items}


# -- communities -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (GRID_WORKER, {"home"}),
        (COMMUNITY_ADMIN, {"home"}),
        (STREET_ADMIN, {"home", "neighbour"}),
        (CITY_ADMIN, {"home", "neighbour", "elsewhere"}),
    ],
)
def test_communities_are_those_in_scope(client, world, role, seen):
    sign_in_as(client, world.staff[role])
    assert ids(picked(client, "communities", q="测试")) == {getattr(world, w).id for w in seen}


def test_communities_by_name_with_their_street(client, world, db):
    world.neighbour.name = "火炬路社区"
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    [(community_id, label)] = picked(client, "communities", q="火炬")
    assert community_id == world.neighbour.id
    assert label == f"火炬路社区（{world.neighbour.street.name}）"


def test_community_search_takes_percent_literally(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert picked(client, "communities", q="%") == []
    assert picked(client, "communities", q="_") == []


def test_pickers_need_a_signed_in_worker(client, world):
    for what in ("communities", f"buildings?community_id={world.home.id}", "users?q=1"):
        response = client.get(f"/admin/pick/{what}")
        assert response.status_code == 302
        assert "/admin/sign-in" in response.headers["Location"]


# -- buildings -------------------------------------------------------------------------------------


def test_buildings_of_a_community_in_scope(client, world):
    sign_in_as(client, world.staff[GRID_WORKER])
    assert ids(picked(client, "buildings", community_id=world.home.id)) == {world.buildings[world.home.id]}


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (GRID_WORKER, "neighbour"),
        (COMMUNITY_ADMIN, "elsewhere"),
        (STREET_ADMIN, "elsewhere"),
    ],
)
def test_buildings_of_a_community_outside_the_scope_are_404(client, world, role, where):
    sign_in_as(client, world.staff[role])
    response = client.get("/admin/pick/buildings", query_string={"community_id": getattr(world, where).id})
    assert response.status_code == 404


@pytest.mark.parametrize("community_id", ["", "abc", "0", "-1", "99999999999999999999999"])
def test_buildings_without_a_valid_community_are_404(client, world, community_id):
    sign_in_as(client, world.staff[CITY_ADMIN])
    response = client.get("/admin/pick/buildings", query_string={"community_id": community_id})
    assert response.status_code == 404


def test_buildings_by_name_or_grid(client, world):
    grid = GridFactory(community_id=world.home.id, name="东区网格")
    east = BuildingFactory(grid_id=grid.id, name="火炬路3号楼")
    BuildingFactory(grid_id=grid.id, name="50%折扣楼")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert picked(client, "buildings", community_id=world.home.id, q="火炬") == [
        (east.id, "火炬路3号楼（东区网格）")
    ]
    assert len(picked(client, "buildings", community_id=world.home.id, q="东区")) == 2
    assert [label for _, label in picked(client, "buildings", community_id=world.home.id, q="%")] == [
        "50%折扣楼（东区网格）"
    ]
    assert picked(client, "buildings", community_id=world.home.id, q="_") == []


# -- users -----------------------------------------------------------------------------------------


@pytest.fixture
def people(world):
    """Residents named 张 in home, the neighbour and elsewhere."""
    phones = {"home": "13800005678", "neighbour": "13800001234", "elsewhere": "13900009999"}
    return {
        where: member(getattr(world, where), user=UserFactory(nickname=f"张{where}", phone=phone))
        for where, phone in phones.items()
    }


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (GRID_WORKER, {"home"}),
        (COMMUNITY_STAFF, {"home"}),
        (COMMUNITY_ADMIN, {"home"}),
        (STREET_ADMIN, {"home", "neighbour"}),
        (CITY_ADMIN, {"home", "neighbour", "elsewhere"}),
    ],
)
def test_users_are_those_with_a_role_in_scope(client, world, people, role, seen):
    sign_in_as(client, world.staff[role])
    assert ids(picked(client, "users", q="张")) == {people[w].id for w in seen}


def test_another_communitys_user_never_appears_however_searched(client, world, people):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    far = people["elsewhere"]
    for q in ("张elsewhere", "elsewhere", far.phone[-4:], far.phone[-6:]):
        assert far.id not in ids(picked(client, "users", q=q))


def test_a_user_without_any_role_is_not_found(client, world):
    UserFactory(nickname="张无忌")
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert picked(client, "users", q="张无忌") == []


def test_users_show_masked_with_their_phone_masked(client, world, people):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    [(user_id, label)] = picked(client, "users", q="张home")
    assert user_id == people["home"].id
    assert label == "张**** 138****5678"


def test_users_by_verified_name_and_building(client, world, db):
    user = member(world.home, user=UserFactory(nickname="wx"))
    ResidencyRequestFactory(
        user_id=user.id,
        community_id=world.home.id,
        building_id=world.buildings[world.home.id],
        real_name="王秀英",
        status=APPROVED,
        decided_at=now(),
    )
    sign_in_as(client, world.staff[GRID_WORKER])
    [(user_id, label)] = picked(client, "users", q="秀英")
    assert user_id == user.id
    assert label.startswith("王**")


def test_users_by_the_phones_last_digits(client, world, people):
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert ids(picked(client, "users", q="5678")) == {people["home"].id}
    assert ids(picked(client, "users", q="01234")) == {people["neighbour"].id}
    assert ids(picked(client, "users", q="9999")) == set()  # elsewhere: out of scope
    assert ids(picked(client, "users", q="678")) == set()  # fewer than four digits: no phone search
    assert ids(picked(client, "users", q="1380")) == set()  # the last digits, not the first


def test_user_search_takes_percent_and_underscore_literally(client, world):
    odd = member(world.home, user=UserFactory(nickname="100%"))
    member(world.home, user=UserFactory(nickname="1000"))
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert ids(picked(client, "users", q="0%")) == {odd.id}
    assert picked(client, "users", q="%%") == []
    assert picked(client, "users", q="1_0") == []


def test_users_need_words_typed(client, world, people):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert picked(client, "users") == []
    assert picked(client, "users", q="   ") == []


def test_a_deleted_user_is_not_found(client, world, people, db):
    people["home"].deleted_at = now()
    db.session.commit()
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert picked(client, "users", q="张") == []


def test_a_volunteer_of_the_community_is_found(client, world):
    volunteer = member(world.home, role=VOLUNTEER, user=UserFactory(nickname="志愿者李"))
    sign_in_as(client, world.staff[GRID_WORKER])
    assert ids(picked(client, "users", q="李")) == {volunteer.id}
