"""Identity's demo data: 宝鸡市 with its districts and streets and 188 communities, as the seed counts
them; 火炬路社区 and 金河尚居社区 in detail (grids, buildings, thousands of residents who joined over
the last year, 350 in-service party members); their residency requests (verified, waiting, decided
lately, one rejected); the demo users and console accounts the README lists.
"""

import random
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    PARTY_MEMBER,
    RESIDENT,
    STREET_ADMIN,
    Building,
    City,
    Community,
    District,
    Grid,
    GridAssignment,
    Membership,
    ResidencyRequest,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.identity.operations import (
    create_staff_account,
    decide_residency,
    link_staff_to_user,
    request_residency,
)
from cloudplatform.wechat.standin import openid_for

TOTAL_COMMUNITIES = 188
PASSWORD = "baoji-demo-2026"  # noqa: S105  (every demo console account; development only)

STREETS = {
    "高新区": ["高新街道", "马营镇", "八鱼镇", "钓渭镇"],
    "渭滨区": ["经二路街道", "清姜街道", "桥南街道", "金陵街道", "姜谭街道"],
    "金台区": ["中山东路街道", "中山西路街道", "东风路街道", "群众路街道", "卧龙寺街道"],
    "陈仓区": ["虢镇街道", "东关街道", "千渭街道"],
    "凤翔区": ["城关镇", "虢王镇"],
    "岐山县": ["凤鸣镇", "蔡家坡镇"],
}
# Communities the seed names, placed first in their streets.
NAMED = {
    "高新街道": ["火炬路社区", "金河尚居社区"],
    "经二路街道": ["渭工路社区"],
    "金陵街道": ["新建路社区"],
    "东风路街道": ["宝铁社区"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文斌宇浩凯秀梅鑫博欣怡子轩晨阳"

# (dev login name, nickname, community roles); each logs in with the code "dev:<name>"
DEMO_USERS = [
    ("resident", "张秀兰", [RESIDENT]),
    ("party", "李建国", [RESIDENT, PARTY_MEMBER]),
    ("newcomer", "新用户", []),
    ("wangwei", "王伟", []),
    ("zhaomin", "赵敏", []),
    ("gaoxin", "高新街道管理员", []),
]
# (username, display name, role, community or street name, linked dev user)
DEMO_STAFF = [
    ("admin", "市级管理员", CITY_ADMIN, None, None),
    ("gaoxin", "高新街道管理员", STREET_ADMIN, "高新街道", "gaoxin"),
    ("huoju_admin", "火炬路社区管理员", COMMUNITY_ADMIN, "火炬路社区", None),
    ("huoju_staff", "赵敏", COMMUNITY_STAFF, "火炬路社区", "zhaomin"),
    ("wangwei", "王伟（网格员）", GRID_WORKER, "火炬路社区", "wangwei"),
    ("jinhe_admin", "金河尚居社区管理员", COMMUNITY_ADMIN, "金河尚居社区", None),
]
DETAIL = {
    "火炬路社区": (8, 36, 3000, 350),
    "金河尚居社区": (6, 30, 2000, 0),
}  # grids, buildings, residents, party
# Residency requests still waiting, decided by the community's reviewer lately (approved, rejected), per
# detailed community: what 居民认证 shows.
WAITING, APPROVED_LATELY, REJECTED_LATELY = 6, 2, 1
REJECTION = "房号与房屋登记信息不符，请核对后重新提交"
HISTORY_DAYS = 400  # residents joined over the last year or so: the dashboard's trend has a shape


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def load_regions() -> dict[str, Community]:
    city = City(name="宝鸡市")
    db.session.add(city)
    db.session.flush()
    streets = []
    for district_name, street_names in STREETS.items():
        district = District(city_id=city.id, name=district_name)
        db.session.add(district)
        db.session.flush()
        for name in street_names:
            street = Street(district_id=district.id, name=name)
            db.session.add(street)
            streets.append(street)
    db.session.flush()
    rows, per_street = [], -(-TOTAL_COMMUNITIES // len(streets))
    for street in streets:
        names = NAMED.get(street.name, [])
        names += [
            f"{street.name.removesuffix('街道').removesuffix('镇')}第{n}社区"
            for n in range(1, per_street + 1)
        ]
        rows += [{"street_id": street.id, "name": name} for name in names[:per_street]]
    rows = rows[:TOTAL_COMMUNITIES]
    for row in rows:
        row.update(
            address=f"宝鸡市{row['name']}居委会",
            phone="0917-" + str(3000000 + len(row["name"]) * 1117),
            office_hours="周一至周五 8:30-12:00，14:30-18:00",
            description="",
        )
    db.session.execute(sa.insert(Community), rows)
    named = [name for names in NAMED.values() for name in names]
    return {c.name: c for c in db.session.scalars(sa.select(Community).where(Community.name.in_(named)))}


def load_detail(community: Community, grids: int, buildings: int, residents: int, party: int, rng) -> None:
    community.description = (
        "火炬路社区是全市第一个使用“云平台”的社区。" if community.name == "火炬路社区" else ""
    )
    community.address = {
        "火炬路社区": "宝鸡市高新区火炬路18号",
        "金河尚居社区": "宝鸡市高新区高新大道金河尚居小区",
    }[community.name]
    names = "一二三四五六七八九十"
    grid_rows = [Grid(community_id=community.id, name=f"第{names[i]}网格") for i in range(grids)]
    db.session.add_all(grid_rows)
    db.session.flush()
    estate = community.name.removesuffix("社区")
    db.session.execute(
        sa.insert(Building),
        [
            {"community_id": community.id, "grid_id": grid_rows[i % grids].id, "name": f"{estate}{i + 1}号楼"}
            for i in range(buildings)
        ],
    )
    building_ids = db.session.scalars(
        sa.select(Building.id).where(Building.community_id == community.id)
    ).all()
    joined = sorted(now() - timedelta(days=rng.uniform(0, HISTORY_DAYS)) for _ in range(residents))
    db.session.execute(
        sa.insert(User),
        [
            {"openid": f"demo-{community.id}-{i}", "nickname": person_name(rng), "created_at": joined[i]}
            for i in range(residents)
        ],
    )
    user_ids = db.session.scalars(
        sa.select(User.id).where(User.openid.like(f"demo-{community.id}-%")).order_by(User.id)
    ).all()
    memberships = [
        {
            "user_id": uid,
            "community_id": community.id,
            "role": RESIDENT,
            "building_id": rng.choice(building_ids),
            "room": f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}",
            "created_at": at,
        }
        for uid, at in zip(user_ids, joined, strict=True)
    ]
    memberships += [
        {"user_id": uid, "community_id": community.id, "role": PARTY_MEMBER, "created_at": at}
        for uid, at in zip(user_ids[:party], joined[:party], strict=True)
    ]
    db.session.execute(sa.insert(Membership), memberships)
    verified_by_their_request(community)


def verified_by_their_request(community: Community) -> None:
    """Each generated resident was verified through an approved request (their nickname as real name)."""
    residents = (
        sa.select(
            Membership.user_id,
            Membership.community_id,
            Membership.building_id,
            Membership.room,
            User.nickname,
            sa.literal(APPROVED),
            Membership.created_at,
            Membership.created_at,
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id, Membership.role == RESIDENT)
    )
    columns = [
        "user_id",
        "community_id",
        "building_id",
        "room",
        "real_name",
        "status",
        "created_at",
        "decided_at",
    ]
    db.session.execute(sa.insert(ResidencyRequest).from_select(columns, residents))


def ask_for_residency(community: Community, reviewer: StaffAccount, rng: random.Random) -> None:
    """Newcomers ask to be verified: some wait in 居民认证, some the reviewer decided lately (the result
    message queued, the decision in the audit log), one rejected with its reason."""
    buildings = db.session.scalars(
        sa.select(Building.id).where(Building.community_id == community.id).order_by(Building.id)
    ).all()
    count = WAITING + APPROVED_LATELY + REJECTED_LATELY
    for i in range(count):
        name = person_name(rng)
        user = User(
            openid=f"demo-newcomer-{community.id}-{i}",
            nickname=name,
            phone=f"1380000{community.id:02d}{i:02d}",
        )
        db.session.add(user)
        db.session.flush()
        room = f"{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"
        request = request_residency(user, community.id, rng.choice(buildings), room, name)
        if i >= WAITING:
            approve = i < WAITING + APPROVED_LATELY
            decide_residency(reviewer, request, approve, "" if approve else REJECTION)


def load_demo() -> tuple[dict[str, Community], dict[str, StaffAccount]]:
    """Create the city, its people and the console accounts; returns the detailed communities by name
    and the console accounts by username."""
    rng = random.Random(20191228)  # noqa: S311  (the seed document's date: the same demo data every time)
    communities = load_regions()
    for name, sizes in DETAIL.items():
        load_detail(communities[name], *sizes, rng)
    huoju = communities["火炬路社区"]
    appid = current_app.config["WECHAT_APPID"]
    users = {}
    for login, nickname, _roles in DEMO_USERS:
        users[login] = User(openid=openid_for(appid, login), nickname=nickname)
        db.session.add(users[login])
    db.session.flush()
    first_building = db.session.scalar(
        sa.select(Building.id).where(Building.community_id == huoju.id).limit(1)
    )
    for login, _, roles in DEMO_USERS:
        for role in roles:
            db.session.add(
                Membership(
                    user_id=users[login].id,
                    community_id=huoju.id,
                    role=role,
                    building_id=first_building if role == RESIDENT else None,
                    room="1单元101" if role == RESIDENT else None,
                )
            )
    streets = {s.name: s for s in db.session.scalars(sa.select(Street))}
    for username, display_name, role, scope, linked in DEMO_STAFF:
        account = create_staff_account(
            None,
            username,
            PASSWORD,
            display_name,
            role,
            community_id=communities[scope].id if scope in communities else None,
            street_id=streets[scope].id if scope in streets else None,
        )
        if linked:
            link_staff_to_user(None, account, users[linked])
        if role == GRID_WORKER:  # the community's one grid worker looks after all its grids
            grid_ids = db.session.scalars(sa.select(Grid.id).where(Grid.community_id == huoju.id))
            db.session.add_all(GridAssignment(staff_id=account.id, grid_id=g) for g in grid_ids)
    db.session.flush()
    accounts = {a.username: a for a in db.session.scalars(sa.select(StaffAccount))}
    detailed = {name: communities[name] for name in DETAIL}
    ask_for_residency(detailed["火炬路社区"], accounts["huoju_staff"], rng)
    ask_for_residency(detailed["金河尚居社区"], accounts["jinhe_admin"], rng)
    return detailed, accounts
