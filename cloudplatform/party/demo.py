"""党建云's demo data: the seed's 13 unit party organisations of 火炬路社区 (stationed units and paired
departments, with their co-building agreements) and its 350 in-service party members' approved reports
(李建国, the dev:party login, among them; one generated member moved away, revoked), reports waiting for
review and one rejected; service posts with claims, past activities with attendance and credited hours,
upcoming ones with sign-ups and a waitlist; last month's unit reports built. 金河尚居社区 gets two units.
"""

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import PARTY_MEMBER, RESIDENT, Community, Membership, StaffAccount, User
from cloudplatform.party.hours.operations import build_unit_reports
from cloudplatform.party.hours.queries import previous_month
from cloudplatform.party.models import (
    ACTIVITY_SOURCE,
    APPROVED,
    CLAIMED,
    CONFIRMED,
    PAIRED,
    PENDING,
    POST_SOURCE,
    REJECTED,
    REVOKED,
    SIGNED_UP,
    STATIONED,
    STUDY,
    THEME_DAY,
    VOLUNTEERING,
    WAITING,
    Activity,
    ActivitySignup,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    PostClaim,
    ServiceHours,
    ServicePost,
)

# name, party branch, kind, contact, members, commitments (承诺服务项目)
UNITS = [
    (
        "宝鸡高新区管委会",
        "机关第一党支部",
        PAIRED,
        "张志刚",
        62,
        ["政策宣讲进社区", "民生诉求代办", "老旧小区改造协调"],
    ),
    (
        "宝鸡市税务局高新分局",
        "机关党支部",
        PAIRED,
        "李建国",
        48,
        ["税费政策咨询", "个税汇算辅导", "小微企业帮办"],
    ),
    (
        "国网宝鸡供电公司",
        "高新供电服务中心党支部",
        STATIONED,
        "王海涛",
        40,
        ["用电安全进社区", "楼道线路排查", "困难家庭电费帮扶"],
    ),
    (
        "中国银行宝鸡高新支行",
        "党支部",
        STATIONED,
        "刘静",
        34,
        ["防范电信诈骗宣传", "老年人智能手机教学", "社保卡代办"],
    ),
    (
        "宝鸡市中心医院",
        "高新院区党总支",
        PAIRED,
        "陈晓燕",
        30,
        ["义诊与健康讲座", "慢病随访", "家庭医生签约"],
    ),
    ("宝鸡高新第一中学", "教工党支部", STATIONED, "杨帆", 28, ["四点半课堂", "假期托管", "家庭教育讲座"]),
    (
        "宝鸡市公安局高新分局火炬路派出所",
        "党支部",
        STATIONED,
        "赵磊",
        24,
        ["平安巡逻", "反诈宣传", "矛盾纠纷调解"],
    ),
    ("宝鸡钛业股份有限公司", "第三党支部", STATIONED, "周建军", 20, ["技能培训", "环境整治志愿服务"]),
    ("中国移动宝鸡分公司", "高新营业部党支部", STATIONED, "吴敏", 18, ["宽带故障上门", "智慧社区网络维护"]),
    ("宝鸡市市场监督管理局高新分局", "机关党支部", PAIRED, "徐斌", 15, ["食品安全检查", "消费维权咨询"]),
    ("宝鸡市住房公积金管理中心", "高新管理部党支部", PAIRED, "孙丽", 13, ["公积金政策咨询", "提取业务帮办"]),
    ("宝鸡市自来水公司", "高新营业所党支部", STATIONED, "马强", 10, ["二次供水设施检查", "水费缴纳帮办"]),
    ("中国邮政宝鸡高新揽投部", "党支部", STATIONED, "胡涛", 8, ["为老送件上门", "便民服务云柜维护"]),
]
JINHE_UNITS = [
    ("宝鸡高新区社会事务局", "机关党支部", PAIRED, "高洁", ["就业创业指导", "金桥劳动技能培训"]),
    ("陕西汽车控股宝鸡分公司", "第二党支部", STATIONED, "林峰", ["技能培训", "就业岗位对接"]),
]
POSITIONS = ["科员", "副科长", "工程师", "主任科员", "教师", "医师", "客户经理", "技术员", "科长", "干部"]
# title, duties, headcount, confirmed claims, waiting claims
POSTS = [
    ("楼栋党员联络员", "联系所在楼栋住户，收集民生诉求，传达社区通知。", 36, 30, 3),
    ("文明劝导员", "周末在火炬路沿线劝导文明出行、文明养犬。", 12, 10, 1),
    ("四点半课堂辅导员", "工作日16:30-18:00在社区活动室辅导小学生作业。", 8, 6, 2),
    ("政策宣讲员", "每月一次在社区党群服务中心宣讲惠民政策。", 6, 4, 0),
]
POST_MINUTES = 240  # credited per confirmed post holder and month
PENDING_REPORTS, MOVED_AWAY = 5, "已迁出本社区，报到关系转出"
REJECTION = "所填单位与党组织关系所在单位不符，请核实后重新报到"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def add_units(community: Community, units: list[tuple]) -> list[PartyUnit]:
    today = local(now()).date()
    rows = []
    for i, (name, branch, kind, contact, *_rest, commitments) in enumerate(units):
        unit = PartyUnit(
            community_id=community.id,
            name=name,
            branch=branch,
            kind=kind,
            contact_name=contact,
            contact_phone=f"0917-33{community.id:02d}{i:03d}",
            agreement_starts=date(today.year, 1, 1),
            agreement_ends=date(today.year + (kind == PAIRED), 12, 31),
            commitments=commitments,
        )
        db.session.add(unit)
        rows.append(unit)
    db.session.flush()
    db.session.add_all(PartyUnitCommunity(unit_id=u.id, community_id=community.id) for u in rows)
    return rows


def party_members(community: Community) -> list[tuple[int, str, str]]:
    """(user id, nickname, openid) of the community's party members, the generated ones by id first."""
    return list(
        db.session.execute(
            sa.select(User.id, User.nickname, User.openid)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.community_id == community.id, Membership.role == PARTY_MEMBER)
            .order_by(User.openid.like("demo-%").desc(), User.id)
        ).tuples()
    )


def add_reports(community: Community, units: list[PartyUnit], staff: StaffAccount, rng) -> dict[int, int]:
    """Approved reports for the party members (the dev:party login to the tax bureau, which names them
    its contact), one moved away (revoked, role removed), some waiting and one rejected. Returns user id →
    unit id of the approved."""
    members = party_members(community)
    generated = [m for m in members if m[2].startswith("demo-")]
    logins = [m for m in members if not m[2].startswith("demo-")]
    moved = generated.pop()  # the seed's 350 stay: the demo login takes this one's place
    tax = units[1]
    slots = [u.id for u, spec in zip(units, UNITS, strict=True) for _ in range(spec[4])]
    slots.remove(tax.id)
    rng.shuffle(slots)
    assignment = {uid: unit_id for (uid, _, _), unit_id in zip(generated, slots, strict=True)}
    assignment.update({uid: tax.id for uid, _, _ in logins})
    tax.contact_user_id = logins[0][0] if logins else None
    current = now()
    rows = []
    for uid, name, _ in [*generated, *logins]:
        decided = current - timedelta(days=rng.uniform(20, 330))
        rows.append(
            report_row(uid, community, assignment[uid], APPROVED, name, rng, staff, decided)
            | {"confirmed_until": decided + timedelta(days=365)}
        )
    decided = current - timedelta(days=12)
    rows.append(
        report_row(moved[0], community, units[2].id, REVOKED, moved[1], rng, staff, decided)
        | {"reason": MOVED_AWAY, "confirmed_until": decided + timedelta(days=200)}
    )
    db.session.execute(
        sa.delete(Membership).where(
            Membership.user_id == moved[0],
            Membership.community_id == community.id,
            Membership.role == PARTY_MEMBER,
        )
    )
    others = db.session.execute(
        sa.select(User.id, User.nickname)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.role == RESIDENT,
            User.openid.like("demo-%"),
            User.id.not_in([m[0] for m in members]),
        )
        .order_by(User.id)
        .limit(PENDING_REPORTS + 1)
    ).tuples()
    for i, (uid, name) in enumerate(others):
        if i < PENDING_REPORTS:
            rows.append(
                report_row(uid, community, rng.choice(units).id, PENDING, name, rng, None, None)
                | {"created_at": current - timedelta(hours=rng.uniform(2, 96))}
            )
        else:
            rows.append(
                report_row(
                    uid, community, units[0].id, REJECTED, name, rng, staff, current - timedelta(days=3)
                )
                | {"reason": REJECTION}
            )
    db.session.execute(sa.insert(PartyReport), rows)
    return assignment


def report_row(uid, community, unit_id, status, name, rng, staff, decided) -> dict:
    return {
        "user_id": uid,
        "community_id": community.id,
        "unit_id": unit_id,
        "status": status,
        "real_name": name,
        "position": rng.choice(POSITIONS),
        "reason": "",
        "decided_by_id": staff.id if staff is not None else None,
        "decided_at": decided,
        "created_at": (decided or now()) - timedelta(days=rng.uniform(1, 5)),
    }


def add_posts(community: Community, members: list[int], staff: StaffAccount, rng) -> list[tuple[int, int]]:
    """The posts and their claims; returns (claim id, user id) of the confirmed ones."""
    today = local(now()).date()
    holders = rng.sample(members, sum(p[3] + p[4] for p in POSTS))
    confirmed = []
    for title, duties, headcount, on_post, waiting in POSTS:
        post = ServicePost(
            community_id=community.id,
            title=title,
            duties=duties,
            headcount=headcount,
            claimed=on_post + waiting,
            starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
        )
        db.session.add(post)
        db.session.flush()
        for n in range(on_post + waiting):
            claim = PostClaim(
                post_id=post.id,
                community_id=community.id,
                user_id=holders.pop(),
                status=CONFIRMED if n < on_post else CLAIMED,
                decided_by_id=staff.id if n < on_post else None,
            )
            db.session.add(claim)
            db.session.flush()
            if n < on_post:
                confirmed.append((claim.id, claim.user_id))
    return confirmed


# title, kind, venue, days from today, start hour, hours, capacity, attended (past) / signed up (upcoming)
ACTIVITIES = [
    ("主题党日：重温入党誓词", THEME_DAY, "火炬路社区党群服务中心三楼党员活动室", -52, 9, 2, 80, 64),
    ("“洁净家园”环境整治志愿服务", VOLUNTEERING, "火炬路沿线及各小区", -38, 8, 3, 60, 45),
    ("党员学习：基层治理专题讲座", STUDY, "火炬路社区党群服务中心二楼多功能厅", -24, 14, 2, 100, 72),
    ("主题党日：关爱空巢老人入户走访", THEME_DAY, "火炬路社区各网格", -9, 9, 3, 40, 36),
    ("“文明交通”劝导志愿服务", VOLUNTEERING, "火炬路与高新大道交叉口", 3, 7, 2, 20, 20),
    ("主题党日：学习贯彻全会精神", THEME_DAY, "火炬路社区党群服务中心三楼党员活动室", 6, 9, 2, 80, 25),
]
WAITLIST = 4  # the full upcoming activity's waiting members


def add_activities(community: Community, assignment: dict[int, int], staff: StaffAccount, rng) -> None:
    """Past activities with attendance and credited hours; upcoming ones with sign-ups (one full, with a
    waitlist)."""
    today = local(now()).date()
    members = list(assignment)
    for title, kind, venue, days, hour, hours, capacity, people in ACTIVITIES:
        starts = at(today + timedelta(days=days), hour)
        past = days < 0
        act = Activity(
            community_id=community.id,
            title=title,
            kind=kind,
            description=f"{title}，请按时到场扫码签到。",
            venue=venue,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            capacity=capacity,
            signed_up=people,
            created_by_id=staff.id,
            created_at=starts - timedelta(days=10),
        )
        db.session.add(act)
        db.session.flush()
        chosen = rng.sample(members, people + (WAITLIST if people == capacity and not past else 0))
        rows = [
            {
                "activity_id": act.id,
                "community_id": community.id,
                "user_id": uid,
                "status": SIGNED_UP if n < people else WAITING,
                "checked_in_at": starts - timedelta(minutes=rng.randint(0, 20)) if past else None,
                "checked_out_at": act.ends_at + timedelta(minutes=rng.randint(0, 10)) if past else None,
                "created_at": starts - timedelta(days=rng.uniform(1, 9)),
            }
            for n, uid in enumerate(chosen)
        ]
        db.session.execute(sa.insert(ActivitySignup), rows)
        if past:
            signups = db.session.execute(
                sa.select(ActivitySignup.id, ActivitySignup.user_id).where(
                    ActivitySignup.activity_id == act.id
                )
            ).tuples()
            db.session.execute(
                sa.insert(ServiceHours),
                [
                    {
                        "user_id": uid,
                        "community_id": community.id,
                        "unit_id": assignment[uid],
                        "source": ACTIVITY_SOURCE,
                        "signup_id": sid,
                        "served_on": starts.date(),
                        "minutes": hours * 60,
                        "confirmed_by_id": staff.id,
                    }
                    for sid, uid in signups
                ],
            )


def credit_posts(community, confirmed, assignment, staff, months: int = 3) -> None:
    """Each confirmed post holder credited POST_MINUTES for each of the last ``months`` months."""
    month = local(now()).date().replace(day=1)
    firsts = []
    for _ in range(months):
        month = previous_month(month)
        firsts.append(month)
    db.session.execute(
        sa.insert(ServiceHours),
        [
            {
                "user_id": uid,
                "community_id": community.id,
                "unit_id": assignment[uid],
                "source": POST_SOURCE,
                "claim_id": claim_id,
                "served_on": first,
                "minutes": POST_MINUTES,
                "confirmed_by_id": staff.id,
            }
            for claim_id, uid in confirmed
            for first in firsts
        ],
    )


def load_demo(huoju: Community, jinhe: Community, staff: StaffAccount) -> None:
    """Load 党建云's demo data (``staff``: who decided the reports and confirmed the hours)."""
    rng = random.Random(350)  # noqa: S311  (the same demo data every time)
    units = add_units(huoju, [(*u[:4], u[5]) for u in UNITS])
    add_units(jinhe, JINHE_UNITS)
    db.session.flush()
    assignment = add_reports(huoju, units, staff, rng)
    confirmed = add_posts(huoju, list(assignment), staff, rng)
    credit_posts(huoju, confirmed, assignment, staff)
    add_activities(huoju, assignment, staff, rng)
    db.session.flush()
    build_unit_reports(previous_month(local(now()).date()))
