"""志愿云's demo data, in 火炬路社区 and 金河尚居社区 alike: the seed's 4 categories with 14 projects, three
teams with their leaders, 30 volunteers among the demo residents (张秀兰, ``dev:resident``, is not one:
the walkthrough registers residents) and 周志远 (``dev:zhiyuan``, a volunteer of 火炬路社区), a points rule
(10 points an hour, 为老服务 150%, at most 40 a day), past shifts with confirmed hours and their points,
one open dispute, and upcoming shifts: in 火炬路社区 a full one (周志远 holds a place), a full one with a
waitlist, one with free places, and one that started an hour before the demo was loaded (周志远 checked
in); and the 爱心超市 of both (``load_rewards``: seven donated rewards, 雨伞 sold out; 周志远 has collected
one and has one waiting at the counter); 火炬路社区's outstanding volunteers of this year (two published, one
nominated)."""

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import RESIDENT, VOLUNTEER, Community, Membership, StaffAccount, User
from cloudplatform.volunteer.models import (
    DISPUTE_OPEN,
    SIGNED_UP,
    TERMS_VERSION,
    WAITING,
    HoursDispute,
    PointRule,
    Recognition,
    Reward,
    RewardCommunity,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
    VolunteerTeam,
    VolunteerTeamMember,
)
from cloudplatform.volunteer.points.operations import award_for_signup
from cloudplatform.volunteer.ranking.operations import tally
from cloudplatform.volunteer.ranking.queries import year_in_community
from cloudplatform.volunteer.rewards import operations as rewards
from cloudplatform.wechat.standin import openid_for

# the seed's 4 categories, 14 projects
PROJECTS = {
    "elderly": ["智慧老人课堂", "助老送餐", "银龄陪伴", "健康义诊协助"],
    "youth": ["四点半课堂", "假期托管", "亲子阅读"],
    "environment": ["垃圾分类督导", "洁净家园", "绿植认养"],
    "neighbourhood": ["邻里守望", "平安巡逻", "便民维修", "文明劝导"],
}
TEAMS = ["为老服务队", "青少年成长服务队", "环境守护服务队"]
VOLUNTEERS = 30  # demo residents per community, beside the dev login
DEV_LOGIN, DEV_NAME, DEV_PHONE = "zhiyuan", "周志远", "13900001111"
POINTS_PER_HOUR, MULTIPLIERS, DAILY_CAP = 10, {"elderly": 150}, 40
# project, days from today, start hour, hours, capacity, volunteers who served
PAST = [
    ("垃圾分类督导", -40, 8, 2, 8, 6),
    ("智慧老人课堂", -33, 9, 2, 6, 5),
    ("四点半课堂", -26, 16, 2, 8, 6),
    ("邻里守望", -19, 19, 2, 10, 7),
    ("洁净家园", -12, 9, 3, 12, 8),
    ("助老送餐", -5, 11, 2, 6, 5),
]
# tomorrow 09:00, full, 周志远 holds a place: the walkthrough waits for it and is offered his place
FULL_PROJECT, FULL_CAPACITY = "智慧老人课堂", 6
QUEUE_PROJECT, QUEUE_CAPACITY, QUEUE_WAITING = "助老送餐", 5, 3  # in three days, full with a waitlist
FREE_PROJECT, FREE_CAPACITY, FREE_TAKEN = "四点半课堂", 10, 4  # the day after tomorrow, 16:30
NOW_PROJECT, NOW_CAPACITY, NOW_TAKEN = "平安巡逻", 8, 3  # started an hour before loading, lasts six
PLACE = "{}党群服务中心"
DISPUTE_REASON = "当天提前到岗布置场地，实际服务时间比确认的多半小时"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def dev_volunteer_user(community: Community) -> User:
    """周志远, who logs in with ``dev:zhiyuan``: a resident of the community with a bound phone."""
    user = User(
        openid=openid_for(current_app.config["WECHAT_APPID"], DEV_LOGIN), nickname=DEV_NAME, phone=DEV_PHONE
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT, room="2单元301"))
    return user


def add_volunteers(community: Community, extra: list[User], rng) -> list[Volunteer]:
    """VOLUNTEERS generated residents (and ``extra``) registered as volunteers, with the role."""
    residents = db.session.execute(
        sa.select(User.id, User.nickname)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.role == RESIDENT,
            User.openid.like(f"demo-{community.id}-%"),
        )
        .order_by(User.id)
        .limit(VOLUNTEERS)
    ).tuples()
    people = [(uid, name, f"139{community.id:04d}{i:04d}") for i, (uid, name) in enumerate(residents)]
    people += [(u.id, u.nickname, u.phone or "") for u in extra]
    current = now()
    volunteers = [
        Volunteer(
            user_id=uid,
            community_id=community.id,
            real_name=name,
            phone=phone,
            skills=rng.sample(["急救", "书法", "电脑", "维修", "摄影", "心理疏导"], 2),
            availability=rng.choice(["周末上午", "工作日晚上", "周末全天", "工作日下午"]),
            terms_version=TERMS_VERSION,
            consented_at=current - timedelta(days=rng.uniform(60, 300)),
        )
        for uid, name, phone in people
    ]
    db.session.add_all(volunteers)
    db.session.flush()
    db.session.execute(
        sa.insert(Membership),
        [{"user_id": v.user_id, "community_id": community.id, "role": VOLUNTEER} for v in volunteers],
    )
    return volunteers


def add_teams(community: Community, volunteers: list[Volunteer]) -> None:
    joined = now() - timedelta(days=50)
    for n, name in enumerate(TEAMS):
        members = volunteers[n::3]
        team = VolunteerTeam(
            community_id=community.id,
            name=f"{community.name.removesuffix('社区')}{name}",
            description=f"{community.name}{name}，欢迎居民加入。",
            leader_id=members[0].id,
        )
        db.session.add(team)
        db.session.flush()
        db.session.add_all(
            VolunteerTeamMember(team_id=team.id, volunteer_id=v.id, joined_at=joined) for v in members
        )


def add_projects(community: Community, staff: StaffAccount | None) -> dict[str, VolunteerProject]:
    projects = {
        name: VolunteerProject(
            community_id=community.id,
            category=category,
            name=name,
            description=f"{community.name}{name}志愿服务项目。",
            created_by_id=staff.id if staff else None,
        )
        for category, names in PROJECTS.items()
        for name in names
    }
    db.session.add_all(projects.values())
    db.session.flush()
    return projects


def add_shift(project: VolunteerProject, starts: datetime, hours: float, capacity: int, taken: int, staff):
    shift = Shift(
        project_id=project.id,
        community_id=project.community_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        place=PLACE.format(project.community.name),
        capacity=capacity,
        taken=taken,
        created_by_id=staff.id if staff else None,
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def add_signups(shift: Shift, volunteers: list[Volunteer], status: str = SIGNED_UP, **also) -> list:
    rows = [
        ShiftSignup(
            shift_id=shift.id,
            community_id=shift.community_id,
            volunteer_id=v.id,
            user_id=v.user_id,
            status=status,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            created_at=shift.starts_at - timedelta(days=3, minutes=n),
            **also,
        )
        for n, v in enumerate(volunteers)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def add_past(community, projects, volunteers, staff, rng, dev: Volunteer | None) -> list[ShiftSignup]:
    """Past shifts, attended and confirmed, with their points (the core's award); returns the sign-ups."""
    today = local(now()).date()
    done = []
    for name, days, hour, hours, capacity, served in PAST:
        project = projects[name]
        shift = add_shift(project, at(today + timedelta(days=days), hour), hours, capacity, served, staff)
        chosen = rng.sample([v for v in volunteers if v is not dev], served - (dev is not None))
        chosen += [dev] if dev is not None else []
        signups = add_signups(
            shift,
            chosen,
            checked_in_at=shift.starts_at - timedelta(minutes=5),
            checked_out_at=shift.ends_at + timedelta(minutes=5),
            minutes=hours * 60,
            confirmed_at=shift.ends_at + timedelta(hours=1),
            confirmed_by_id=staff.id if staff else None,
        )
        for signup, volunteer in zip(signups, chosen, strict=True):
            volunteer.confirmed_minutes += hours * 60
            tally(volunteer.id, local(signup.starts_at).date(), minutes=hours * 60)
            award_for_signup(signup, project.category)
        done += signups
    return done


def load_community(community: Community, staff: StaffAccount | None, rng, dev_user: User | None) -> None:
    today = local(now()).date()
    db.session.add(
        PointRule(
            community_id=community.id,
            points_per_hour=POINTS_PER_HOUR,
            multipliers=MULTIPLIERS,
            daily_cap=DAILY_CAP,
            effective_from=today - timedelta(days=365),
            created_by_id=staff.id if staff else None,
        )
    )
    volunteers = add_volunteers(community, [dev_user] if dev_user else [], rng)
    dev = volunteers[-1] if dev_user else None
    add_teams(community, volunteers[:VOLUNTEERS])
    projects = add_projects(community, staff)
    done = add_past(community, projects, volunteers, staff, rng, dev)
    disputed = next(s for s in done if s.volunteer_id != (dev.id if dev else None))
    db.session.add(
        HoursDispute(
            signup_id=disputed.id,
            community_id=community.id,
            user_id=disputed.user_id,
            reason=DISPUTE_REASON,
            claimed_minutes=(disputed.minutes or 0) + 30,
            status=DISPUTE_OPEN,
            minutes_before=disputed.minutes or 0,
        )
    )
    others = [v for v in volunteers if v is not dev]
    free = add_shift(
        projects[FREE_PROJECT], at(today + timedelta(days=2), 16, 30), 1.5, FREE_CAPACITY, FREE_TAKEN, staff
    )
    add_signups(free, others[:FREE_TAKEN])
    if dev is None:
        return
    full = add_shift(
        projects[FULL_PROJECT], at(today + timedelta(days=1), 9), 2, FULL_CAPACITY, FULL_CAPACITY, staff
    )
    add_signups(full, [dev, *others[10 : 10 + FULL_CAPACITY - 1]])
    queued = add_shift(
        projects[QUEUE_PROJECT], at(today + timedelta(days=3), 11), 2, QUEUE_CAPACITY, QUEUE_CAPACITY, staff
    )
    add_signups(queued, others[:QUEUE_CAPACITY])
    add_signups(queued, others[20 : 20 + QUEUE_WAITING], WAITING)
    starts = now().replace(second=0, microsecond=0) - timedelta(hours=1)
    running = add_shift(projects[NOW_PROJECT], starts, 6, NOW_CAPACITY, NOW_TAKEN, staff)
    add_signups(running, [dev], checked_in_at=starts)
    add_signups(running, others[25 : 25 + NOW_TAKEN - 1], checked_in_at=starts + timedelta(minutes=3))


def load_demo(huoju: Community, jinhe: Community, staff: StaffAccount, jinhe_staff: StaffAccount) -> None:
    """Load 志愿云's demo data (``staff``, ``jinhe_staff``: who made the shifts and confirmed the hours)."""
    rng = random.Random(14)  # noqa: S311  (the same demo data every time)
    load_community(huoju, staff, rng, dev_volunteer_user(huoju))
    load_community(jinhe, jinhe_staff, rng, None)
    db.session.flush()
    load_rewards(huoju, jinhe, staff)
    load_recognition(huoju)


# -- 爱心超市 ----------------------------------------------------------------------------------------------

# (name, price, stock, per person, period, locker size or None, donor, description); offered in both
# communities. 雨伞 has run out; the walkthrough redeems 洗衣液 at the counter and 保温杯 by locker.
REWARDS = [
    ("洗衣液2kg", 30, 20, 2, "month", "M", "宝鸡市高新区商会", "蓝月亮深层洁净洗衣液，2千克装"),
    ("大米5公斤", 80, 12, 1, "month", "L", "宝鸡市粮油公司", "东北大米，5公斤装"),
    ("理发服务券", 20, 30, 2, "month", None, "火炬路爱心理发店", "凭券到店理发一次（男女不限）"),
    ("家电维修上门券", 60, 10, 1, "year", None, "国网宝鸡供电公司", "小家电维修或线路检查上门一次"),
    ("保温杯", 40, 15, 1, "month", "M", "宝鸡高新区管委会", "不锈钢保温杯，500毫升"),
    ("雨伞", 20, 0, 1, "year", "S", "火炬路社区党委", "折叠晴雨伞"),
    ("毛巾两条装", 15, 40, None, "month", "S", "金河尚居物业服务中心", "纯棉毛巾两条"),
]


def load_rewards(huoju: Community, jinhe: Community, staff: StaffAccount | None) -> None:
    """The 爱心超市 of 火炬路社区 and 金河尚居社区 (``REWARDS``), and two redemptions of 周志远 through the
    core: 理发服务券 handed over at the counter, 毛巾两条装 waiting there for him."""
    made = {}
    for name, price, stock, per_person, period, size, donor, description in REWARDS:
        reward = Reward(
            name=name,
            price=price,
            stock=stock,
            per_person=per_person,
            limit_period=period,
            size=size,
            donor=donor,
            description=description,
            created_by_id=staff.id if staff else None,
        )
        db.session.add(reward)
        db.session.flush()
        db.session.add_all(RewardCommunity(reward_id=reward.id, community_id=c.id) for c in (huoju, jinhe))
        made[name] = reward
    db.session.flush()
    openid = openid_for(current_app.config["WECHAT_APPID"], DEV_LOGIN)
    dev = db.session.scalar(sa.select(User).where(User.openid == openid))
    if dev is None or staff is None:
        return
    haircut = rewards.redeem(dev, made["理发服务券"].id, "counter")
    rewards.fulfil_redemption(staff, haircut)
    rewards.redeem(dev, made["毛巾两条装"].id, "counter")


# -- 优秀志愿者 -----------------------------------------------------------------------------------------

CITATIONS = ["坚持垃圾分类督导，带动整栋楼居民参与", "每周为独居老人送餐，风雨无阻"]


def load_recognition(huoju: Community) -> None:
    """火炬路社区's outstanding volunteers of this year: the two who served most published (with a
    citation each), the third nominated and waiting."""
    year = local(now()).year
    top = year_in_community(huoju.id, year, limit=3)
    for place, line in enumerate(top):
        db.session.add(
            Recognition(
                community_id=huoju.id,
                year=year,
                volunteer_id=line.volunteer_id,
                citation=CITATIONS[place] if place < len(CITATIONS) else "",
                published_at=now() if place < len(CITATIONS) else None,
            )
        )
