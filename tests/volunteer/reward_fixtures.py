"""爱心超市 test helpers: rewards put on a shelf directly, volunteers given points by an admin, and the state
of stock, redemptions and ledger rows as committed."""

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN
from cloudplatform.volunteer.models import ON_SHELF, PointEntry, Redemption, Reward, RewardCommunity
from cloudplatform.volunteer.points.operations import adjust_points
from tests.volunteer.fixtures import volunteer


def make_reward(
    *communities,
    name="洗衣液",
    price=50,
    stock=10,
    per_person=None,
    limit_period="month",
    size=None,
    donor="宝鸡高新区管委会",
    status=ON_SHELF,
) -> Reward:
    """A reward offered in ``communities``."""
    made = Reward(
        name=name,
        price=price,
        stock=stock,
        per_person=per_person,
        limit_period=limit_period,
        size=size,
        donor=donor,
        status=status,
    )
    _db.session.add(made)
    _db.session.flush()
    _db.session.add_all(RewardCommunity(reward_id=made.id, community_id=c.id) for c in communities)
    _db.session.commit()
    return made


def rich_volunteer(world, community, name: str, points: int = 500):
    """A volunteer of ``community`` holding ``points`` (an admin's adjustment)."""
    who = volunteer(community, name)
    if points:
        adjust_points(world.staff[CITY_ADMIN], who.user_id, points, "初始积分")
        _db.session.commit()
    return who


def stock_of(reward_id: int) -> int:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(Reward.stock).where(Reward.id == reward_id))


def redemptions_of(user_id: int) -> list[Redemption]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            sa.select(Redemption).where(Redemption.user_id == user_id).order_by(Redemption.id)
        )
    )


def ledger_of(user_id: int) -> list[tuple[str, int, int | None]]:
    """The user's ledger rows as (kind, amount, redemption id), oldest first."""
    _db.session.expire_all()
    return [
        tuple(row)
        for row in _db.session.execute(
            sa.select(PointEntry.kind, PointEntry.amount, PointEntry.redemption_id)
            .where(PointEntry.user_id == user_id)
            .order_by(PointEntry.id)
        )
    ]
