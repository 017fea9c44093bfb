"""The 爱心超市's staff endpoints that take a redemption for the scope matrix (``tests/test_scope_matrix.py``
adds ``REWARD_ENDPOINTS`` to its ``ENDPOINTS``): each entry is (name, make a record of a community, call the
endpoint, whether the record changed, the right it needs), the shape of its ``Endpoint``."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from cloudplatform.extensions import db as database
from cloudplatform.identity.models import CITY_ADMIN
from cloudplatform.volunteer.models import Redemption
from cloudplatform.volunteer.points.operations import adjust_points
from cloudplatform.volunteer.rewards.operations import redeem, redemption_token
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
