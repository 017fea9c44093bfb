"""云柜's demo data: the seed's 38 便民服务云柜 across 高新区 (four in 火炬路社区, three in 金河尚居社区,
one in each of 31 other communities of the district), 24 compartments each (8 S, 10 M, 6 L), one active
key each; deposits for the demo resident (张秀兰): one waiting for her, three she picked up; and a few
waiting for other residents of 火炬路社区 and 金河尚居社区, one of each expired (a retrieval task).

The keys' secrets are DEVELOPMENT secrets, derived from the key id (``demo_secret``) so that the cabinet
simulator (``scripts/cabinet --cabinet N``) can sign as the demo's cabinet N; production keys come from the
console's key rotation, never from here.
"""

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    RESIDENT,
    Community,
    District,
    Membership,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.locker.models import EXPIRED, Cabinet, CabinetKey, Compartment, Deposit
from cloudplatform.locker.operations import DOOR_CLOSED, DOOR_OPENED, Issued, deposit, door_event, pick_up
from cloudplatform.wechat.standin import openid_for

CABINETS = 38
COMPARTMENT_SIZES = (
    "S" * 8 + "M" * 10 + "L" * 6
)  # compartment n's size: small ones low, large ones at the top
KEY_PREFIX = "demo-cab-"  # key id of the demo's cabinet n: demo-cab-01 ... demo-cab-38
SECRET_SALT = "cloudplatform-demo-cabinet"  # noqa: S105  (development only; scripts/cabinet derives the same)

# (name, location) of the cabinets of the two detailed communities
DETAILED = {
    "火炬路社区": [
        ("火炬路社区党群服务中心云柜", "火炬路社区党群服务中心东侧"),
        ("火炬路3号楼云柜", "火炬路3号楼一单元门口"),
        ("火炬路12号楼云柜", "火炬路12号楼与13号楼之间车棚旁"),
        ("火炬路社区北门云柜", "火炬路社区北门岗亭西侧"),
    ],
    "金河尚居社区": [
        ("金河尚居社区服务站云柜", "金河尚居社区服务站大厅内"),
        ("金河尚居南门云柜", "金河尚居小区南门物业值班室旁"),
        ("金河尚居8号楼云柜", "金河尚居8号楼架空层"),
    ],
}
# where a community's one cabinet stands (by the community's position, in turn)
PLACES = [
    "居委会门口东侧",
    "党群服务中心西侧",
    "小区北门岗亭旁",
    "文化广场南侧",
    "卫生服务站旁",
    "便民服务站大厅内",
    "物业服务中心门前",
    "老年活动中心旁",
]


def demo_key_id(number: int) -> str:
    return f"{KEY_PREFIX}{number:02d}"


def demo_secret(key_id: str) -> str:
    """The DEVELOPMENT secret of a demo key (64 hex digits); never for production."""
    return hashlib.sha256(f"{SECRET_SALT}:{key_id}".encode()).hexdigest()


def district_communities(huoju: Community) -> list[Community]:
    """The communities of 火炬路社区's district, in order."""
    district_id = sa.select(Street.district_id).where(Street.id == huoju.street_id).scalar_subquery()
    return list(
        db.session.scalars(
            sa.select(Community)
            .join(Street, Street.id == Community.street_id)
            .join(District, District.id == Street.district_id)
            .where(District.id == district_id)
            .order_by(Community.id)
        )
    )


def placements(huoju: Community, jinhe: Community) -> list[tuple[Community, str, str]]:
    """(community, name, location) of each of the 38 cabinets, the detailed communities' first."""
    chosen = [(huoju, name, where) for name, where in DETAILED[huoju.name]]
    chosen += [(jinhe, name, where) for name, where in DETAILED[jinhe.name]]
    others = [c for c in district_communities(huoju) if c.id not in (huoju.id, jinhe.id)]
    for i, community in enumerate(others[: CABINETS - len(chosen)]):
        chosen.append(
            (community, f"{community.name}便民服务云柜", f"{community.name}{PLACES[i % len(PLACES)]}")
        )
    return chosen


def load_cabinets(huoju: Community, jinhe: Community) -> list[Cabinet]:
    """The cabinets with their compartments and development keys; returns them in order (cabinet n is
    the n-th, signing with demo-cab-NN)."""
    current = now()
    cabinets = []
    for community, name, location in placements(huoju, jinhe):
        cabinet = Cabinet(community_id=community.id, name=name, location=location, last_seen_at=current)
        db.session.add(cabinet)
        cabinets.append(cabinet)
    db.session.flush()
    keys, compartments = [], []
    for number, cabinet in enumerate(cabinets, start=1):
        key_id = demo_key_id(number)
        keys.append(
            {"cabinet_id": cabinet.id, "key_id": key_id, "secret": demo_secret(key_id), "active": True}
        )
        compartments += [
            {"cabinet_id": cabinet.id, "community_id": cabinet.community_id, "number": n, "size": size}
            for n, size in enumerate(COMPARTMENT_SIZES, start=1)
        ]
    db.session.execute(sa.insert(CabinetKey), keys)
    db.session.execute(sa.insert(Compartment), compartments)
    return cabinets


def load_demo(huoju: Community, jinhe: Community, staff: StaffAccount) -> None:
    cabinets = load_cabinets(huoju, jinhe)
    db.session.flush()
    by_community: dict[int, list[Cabinet]] = {}
    for cabinet in cabinets:
        by_community.setdefault(cabinet.community_id, []).append(cabinet)
    jinhe_staff = db.session.scalar(
        sa.select(StaffAccount).where(StaffAccount.community_id == jinhe.id).order_by(StaffAccount.id)
    )
    load_resident_deposits(cabinets[0], staff)
    load_other_deposits(huoju, by_community[huoju.id], staff)
    load_other_deposits(jinhe, by_community[jinhe.id], jinhe_staff)


# the demo resident's deposits at 火炬路社区's first cabinet: (item, size, days ago, picked up)
RESIDENT_DEPOSITS = [
    ("老年证", "S", 40, True),
    ("爱心超市兑换物品：食用油一桶", "L", 21, True),
    ("居住证明（已盖章）", "S", 6, True),
    ("临时救助物资：大米、面粉", "M", 0, False),
]
# other residents' items, waiting at each detailed community's cabinets (the console's grids)
OTHER_ITEMS = ["证明材料", "社保卡", "救助物资", "老年证", "办事回执", "爱心超市兑换物品"]


def demo_resident() -> User:
    return db.session.scalars(
        sa.select(User).where(User.openid == openid_for(current_app.config["WECHAT_APPID"], "resident"))
    ).one()


def picked_up(issued: Issued, days_ago: float) -> None:
    """The way a pickup goes: the code at the cabinet, the door open, the door shut; then back-dated."""
    cabinet = issued.deposit.cabinet
    opened = pick_up(cabinet, code=issued.code)
    door_event(cabinet, DOOR_OPENED, opened.compartment)
    door_event(cabinet, DOOR_CLOSED, opened.compartment)
    made = now() - timedelta(days=days_ago)
    db.session.execute(
        sa.update(Deposit)
        .where(Deposit.id == issued.deposit.id)
        .values(
            created_at=made,
            expires_at=made + (issued.deposit.expires_at - issued.deposit.created_at),
            opened_at=made + timedelta(hours=5),
            closed_at=made + timedelta(hours=5, seconds=30),
        )
        .execution_options(synchronize_session=False)
    )


def load_resident_deposits(cabinet: Cabinet, staff: StaffAccount) -> None:
    """张秀兰's: three she picked up, one waiting for her (in /api/v1/lockers/deposits/mine)."""
    resident = demo_resident()
    for item, size, days_ago, done in RESIDENT_DEPOSITS:
        issued = deposit(staff, cabinet.id, resident.id, size, item)
        if done:
            picked_up(issued, days_ago)


def load_other_deposits(community: Community, cabinets: list[Cabinet], staff: StaffAccount | None) -> None:
    """Generated residents' deposits: a few waiting in each cabinet of the community, one of them expired
    (a retrieval task for staff) at the first cabinet."""
    residents = db.session.scalars(
        sa.select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, Membership.role == RESIDENT)
        .where(User.openid.like(f"demo-{community.id}-%"))
        .order_by(User.id)
        .limit(5 * len(cabinets))
    ).all()
    for i, user_id in enumerate(residents):
        cabinet = cabinets[i % len(cabinets)]
        issued = deposit(staff, cabinet.id, user_id, "SMSML"[i % 5], OTHER_ITEMS[i % len(OTHER_ITEMS)])
        if i == 0:  # four days old: past its expiry, waiting for staff to take it back
            made = now() - timedelta(days=4)
            db.session.execute(
                sa.update(Deposit)
                .where(Deposit.id == issued.deposit.id)
                .values(
                    status=EXPIRED,
                    created_at=made,
                    reminded_at=made + timedelta(days=1),
                    expires_at=made + timedelta(days=3),
                )
                .execution_options(synchronize_session=False)
            )
