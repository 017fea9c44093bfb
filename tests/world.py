"""Two streets, three communities and a staff member of every role, each able to log in by WeChat."""

import itertools
from dataclasses import dataclass, field

import pytest

from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
    Community,
    StaffAccount,
)
from cloudplatform.wechat.standin import openid_for
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    StaffAccountFactory,
    StreetFactory,
    UserFactory,
)
from tests.standin import STANDIN_APPID

_codes = itertools.count()


def wechat_user(name: str, **fields):
    """A user whose WeChat login code is ``dev:<name>``."""
    return UserFactory(openid=openid_for(STANDIN_APPID, name), nickname=name, **fields)


def fresh_code(name: str) -> str:
    """A wx.login code for ``name`` that the stand-in has not seen yet (codes work once)."""
    return f"dev:{name}:{next(_codes)}"


def log_in(client, name: str) -> dict[str, str]:
    """Log in through the API with the stand-in's dev code; returns the Authorization header."""
    response = client.post("/api/v1/auth/login", json={"code": fresh_code(name)})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


@dataclass
class World:
    home: Community  # community A, in street 1
    neighbour: Community  # community C, also in street 1
    elsewhere: Community  # community B, in street 2
    buildings: dict[int, int] = field(default_factory=dict)  # community id -> a building id
    staff: dict[str, StaffAccount] = field(default_factory=dict)  # role -> account (scoped to home)


@pytest.fixture
def world(db):
    street, other_street = StreetFactory(), StreetFactory()
    home, neighbour = CommunityFactory(street_id=street.id), CommunityFactory(street_id=street.id)
    elsewhere = CommunityFactory(street_id=other_street.id)
    w = World(home=home, neighbour=neighbour, elsewhere=elsewhere)
    for community in (home, neighbour, elsewhere):
        w.buildings[community.id] = BuildingFactory(grid_id=GridFactory(community_id=community.id).id).id
    scopes = {
        GRID_WORKER: {"community_id": home.id},
        COMMUNITY_STAFF: {"community_id": home.id},
        COMMUNITY_ADMIN: {"community_id": home.id},
        STREET_ADMIN: {"street_id": street.id},
        CITY_ADMIN: {},
    }
    for role, scope in scopes.items():
        user = wechat_user(f"staff-{role}")
        w.staff[role] = StaffAccountFactory(role=role, user_id=user.id, username=f"u-{role}", **scope)
    return w
