"""The 爱心超市's staff endpoints and console pages that take a record id, for the scope matrix
(``tests/test_scope_matrix.py`` adds ``REWARD_ENDPOINTS`` to its ``ENDPOINTS`` and ``REWARD_CONSOLE_PAGES``
to its ``CONSOLE_PAGES``): the shapes of its ``Endpoint`` (name, make a record of a community, call, whether
the record changed, the right it needs) and ``ConsolePage`` (name, right, make, call, changed)."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from cloudplatform.extensions import db as database
from cloudplatform.identity.models import CITY_ADMIN
from cloudplatform.volunteer.models import Redemption, Reward
from cloudplatform.volunteer.points.operations import adjust_points
from cloudplatform.volunteer.rewards.operations import redeem, redemption_token
from tests.admin.console import submit
from tests.locker.core import make_cabinet
from tests.volunteer.fixtures import volunteer
from tests.volunteer.reward_fixtures import make_reward

NAMES = itertools.count(1)


@dataclass(frozen=True)
class Endpoint:
    name: str
    make: Callable  # (world, community) -> record
    call: Callable  # (client, headers, record) -> response
    changed: Callable  # (db, record) -> whether the record changed
    action: str = "reward.fulfil"


def make_redemption(world, community, delivery="counter"):
    """A reserved redemption of a volunteer of ``community`` (a locker one with a cabinet there)."""
    cabinet_id = None
    if delivery == "locker":
        cabinet_id = make_cabinet(community)[0].id
        database.session.commit()
    who = volunteer(community, f"reward-volunteer-{next(NAMES)}")
    adjust_points(world.staff[CITY_ADMIN], who.user_id, 100, "测试积分")
    reward = make_reward(community, price=10, size="S" if delivery == "locker" else None)
    made = redeem(who.user, reward.id, delivery, cabinet_id)
    database.session.commit()
    return made


def make_locker_redemption(world, community):
    return make_redemption(world, community, "locker")


def redemption_field(db, redemption_id, column):
    db.session.rollback()
    return db.session.scalar(sa.select(getattr(Redemption, column)).where(Redemption.id == redemption_id))


REWARD_ENDPOINTS = [
    Endpoint(
        "POST /staff/volunteer/redemptions/fulfil",
        make_redemption,
        lambda c, h, r: c.post(
            "/api/v1/staff/volunteer/redemptions/fulfil", json={"token": redemption_token(r.id)}, headers=h
        ),
        lambda db, r: redemption_field(db, r.id, "status") != "reserved",
    ),
    Endpoint(
        "POST /staff/volunteer/redemptions/{id}/fulfil",
        make_redemption,
        lambda c, h, r: c.post(f"/api/v1/staff/volunteer/redemptions/{r.id}/fulfil", headers=h),
        lambda db, r: redemption_field(db, r.id, "status") != "reserved",
    ),
    Endpoint(
        "POST /staff/volunteer/redemptions/{id}/deposit",
        make_locker_redemption,
        lambda c, h, r: c.post(f"/api/v1/staff/volunteer/redemptions/{r.id}/deposit", json={}, headers=h),
        lambda db, r: redemption_field(db, r.id, "deposit_id") is not None,
    ),
    Endpoint(
        "POST /staff/volunteer/redemptions/{id}/cancel",
        make_redemption,
        lambda c, h, r: c.post(
            f"/api/v1/staff/volunteer/redemptions/{r.id}/cancel", json={"reason": "物品破损"}, headers=h
        ),
        lambda db, r: redemption_field(db, r.id, "status") != "reserved",
    ),
]


@dataclass(frozen=True)
class ConsolePage:
    name: str
    action: str
    make: Callable  # (world, community) -> record
    call: Callable  # (client, record) -> response (a form's redirect followed)
    changed: Callable  # (db, record) -> whether the record changed


def make_shelf_reward(world, community):
    return make_reward(community, stock=5)


def reward_field(db, reward_id, column):
    db.session.rollback()
    return db.session.scalar(sa.select(getattr(Reward, column)).where(Reward.id == reward_id))


def post(path, data=None):
    """A console form posted with the session's token (read off the dashboard, which every role opens)."""
    return lambda c, r: submit(c, path.format(id=r.id), data or {}, page="/admin/")


REWARD_CONSOLE_PAGES = [
    ConsolePage(
        "GET /admin/volunteer/rewards/{id}",
        "reward.manage",
        make_shelf_reward,
        lambda c, r: c.get(f"/admin/volunteer/rewards/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/volunteer/rewards/{id}/restock",
        "reward.manage",
        make_shelf_reward,
        post("/admin/volunteer/rewards/{id}/restock", {"amount": "3"}),
        lambda db, r: reward_field(db, r.id, "stock") != 5,
    ),
    ConsolePage(
        "POST /admin/volunteer/rewards/{id}/shelf",
        "reward.manage",
        make_shelf_reward,
        post("/admin/volunteer/rewards/{id}/shelf", {"on": "0"}),
        lambda db, r: reward_field(db, r.id, "status") != "on_shelf",
    ),
    ConsolePage(
        "POST /admin/volunteer/redemptions/{id}/fulfil",
        "reward.fulfil",
        make_redemption,
        post("/admin/volunteer/redemptions/{id}/fulfil"),
        lambda db, r: redemption_field(db, r.id, "status") != "reserved",
    ),
    ConsolePage(
        "POST /admin/volunteer/redemptions/{id}/deposit",
        "reward.fulfil",
        make_locker_redemption,
        post("/admin/volunteer/redemptions/{id}/deposit"),
        lambda db, r: redemption_field(db, r.id, "deposit_id") is not None,
    ),
    ConsolePage(
        "POST /admin/volunteer/redemptions/{id}/cancel",
        "reward.fulfil",
        make_redemption,
        post("/admin/volunteer/redemptions/{id}/cancel", {"reason": "物品破损"}),
        lambda db, r: redemption_field(db, r.id, "status") != "reserved",
    ),
]
