"""云柜's demo data: the seed's 38 便民服务云柜 across 高新区 (four in 火炬路社区, three in 金河尚居社区,
one in each of 31 other communities of the district), 24 compartments each (8 S, 10 M, 6 L), one active
key each, and deposits for the demo resident (张秀兰): one waiting for her, a few she picked up.

The keys' secrets are DEVELOPMENT secrets, derived from the key id (``demo_secret``) so that the cabinet
simulator (``scripts/cabinet --cabinet N``) can sign as the demo's cabinet N; production keys come from the
console's key rotation, never from here.
"""

import hashlib

import sqlalchemy as sa

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, District, StaffAccount, Street
from cloudplatform.locker.models import Cabinet, CabinetKey, Compartment

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
    load_cabinets(huoju, jinhe)
