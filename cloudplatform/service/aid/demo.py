"""困难救助's demo data: the five default categories, the holiday calendar (the ``chinese_calendar``
package's years, a few 2026 holidays without it), and in each detailed community a case at every step,
made through the operations and then dated back: submitted today, waiting for materials, in review with
and without the home visit (one due soon, one overdue), in 公示 with objections answered and not (shown
to residents), 公示 over and waiting to go to the street, at the street, granted (one with 先行救助),
rejected and withdrawn. The demo resident (dev:resident, 张秀兰) waits for materials for 医疗救助 and was
granted 助学 last term. The deadline job has run once (flags and the reviewers' messages).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import RESIDENT, Community, Membership, StaffAccount, User
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid import tasks
from cloudplatform.service.aid.categories import install_default_categories
from cloudplatform.service.aid.models import (
    AidApplication,
    AidCategory,
    AidObjection,
    AidStep,
)
from cloudplatform.service.workdays import add_working_days, is_workday, known_days
from cloudplatform.service.workdays.operations import CalendarYearUnknown, import_year, set_day
from cloudplatform.wechat.standin import openid_for

# without the package: 2026's 国庆 and 春节 as the State Council announced them (holidays on weekdays,
# worked weekend days)
FALLBACK_2026 = {
    **{date(2026, 2, d): (False, "春节") for d in (16, 17, 18, 19, 20, 23)},
    date(2026, 2, 14): (True, "春节调休"),
    date(2026, 2, 28): (True, "春节调休"),
    **{date(2026, 10, d): (False, "国庆节") for d in (1, 2, 5, 6, 7)},
    date(2026, 9, 20): (True, "国庆节调休"),
    date(2026, 10, 10): (True, "国庆节调休"),
}
REGION = "610302"  # 渭滨区: the demo's ID numbers' region


@dataclass
class Case:
    """One demo case: its category, the steps after the submission, and how long ago it was submitted."""

    category: str
    steps: tuple[str, ...]
    days_ago: int
    situation: str
    reason: str
    amount: int | None = None  # fen
    household: list[dict] = field(default_factory=list)
    publicity_days_ago: int | None = None  # when its 公示 began
    objections: tuple[tuple[str, str], ...] = ()  # (objection, answer; "" = not answered yet)
    left: int | None = None  # working days to its deadline (negative: overdue), where it matters


CASES = (
    Case("temporary", (), 0, "家中突发火灾，衣物被褥全部烧毁", "申请临时救助，购置基本生活用品", 300000),
    Case(
        "medical",
        ("request_materials",),
        6,
        "丈夫患尿毒症，每周透析三次，家庭收入仅靠本人打零工",
        "透析费用自付部分无力承担",
        1500000,
        [{"name": "刘建军", "relation": "配偶", "age": 52, "health": "尿毒症"}],
    ),
    Case(
        "disability",
        ("accept", "visit"),
        19,
        "本人肢体二级残疾，独居，无固定收入",
        "申请购置轮椅与康复训练补贴",
        300000,
        left=2,
    ),
    Case("medical", ("accept",), 35, "儿子白血病化疗中，已花费二十余万元", "申请医疗救助", 2000000, left=-4),
    Case(
        "temporary",
        ("accept", "emergency", "visit", "publicize"),
        9,
        "母亲突发脑梗住院，本人下岗在家照顾",
        "住院期间生活困难，申请临时救助",
        500000,
        publicity_days_ago=2,
        left=9,
        objections=(("听说申请人家里刚买了车", "经入户核查，车辆为亲属借用，申请人名下无车辆"),),
    ),
    Case(
        "other",
        ("accept", "visit", "publicize"),
        8,
        "房屋漏雨严重，老两口无力维修",
        "申请房屋修缮帮扶",
        200000,
        publicity_days_ago=1,
        left=10,
        objections=(("申请人子女在西安工作，收入不低", ""),),
    ),
    Case(
        "medical",
        ("accept", "visit", "publicize"),
        16,
        "本人乳腺癌术后放疗，医保报销后仍自付四万余元",
        "申请医疗救助",
        1000000,
        publicity_days_ago=9,
        left=6,
        objections=(("申请人有门面房出租", "经核查，门面房已于去年出售，出售款用于治疗"),),
    ),
    Case(
        "education",
        ("accept", "visit", "publicize", "forward"),
        20,
        "父亲去世，母亲务农，孩子考入西北大学",
        "申请助学金，解决学费和住宿费",
        500000,
        publicity_days_ago=11,
        left=5,
    ),
    Case(
        "temporary",
        ("accept", "visit", "publicize", "forward", "grant"),
        45,
        "家中顶梁柱车祸去世，留下两个未成年孩子",
        "申请临时救助，维持基本生活",
        800000,
        publicity_days_ago=30,
    ),
    Case(
        "disability",
        ("accept", "visit", "reject"),
        24,
        "本人听力残疾，在超市上班",
        "申请助听器补贴",
        200000,
    ),
    Case("other", ("withdraw",), 12, "失业半年", "申请生活补助", 100000),
)
# the demo resident's case of last term
PAST = Case(
    "education",
    ("accept", "visit", "publicize", "forward", "grant"),
    120,
    "孩子在宝鸡文理学院读书，本人失业",
    "申请助学金",
    400000,
    publicity_days_ago=100,
)
# 金河尚居社区 shows fewer: one of each step that makes a queue
JINHE_CASES = (0, 2, 3, 4, 6, 7, 8, 9)
GRANTED_ITEMS = {"temporary": "米面油一份"}
REJECTION = "经入户核查，家庭人均收入高于本市低保标准的两倍，不符合救助条件"
VISIT_NOTES = "入户核查：家庭情况与申请材料一致，家中无高档消费品，邻居反映情况属实"


def load_demo(huoju: Community, jinhe: Community, accounts: dict[str, StaffAccount]) -> int:
    """Load the categories, the calendar and the cases; returns how many cases were made."""
    install_default_categories()
    load_calendar(accounts["admin"])
    categories = {c.key: c for c in db.session.scalars(sa.select(AidCategory))}
    made = 0
    for community, staff, picks in (
        (huoju, Staff(accounts["wangwei"], accounts["huoju_admin"], accounts["gaoxin"]), range(len(CASES))),
        (jinhe, Staff(accounts["jinhe_admin"], accounts["jinhe_admin"], accounts["gaoxin"]), JINHE_CASES),
    ):
        applicants, objectors = residents(community, len(CASES), 4)
        if community.id == huoju.id:
            applicants[1] = demo_resident()  # 张秀兰: waiting for materials
        for n in picks:
            case = CASES[n]
            make_case(community, categories[case.category], case, applicants[n], objectors, staff, n)
            made += 1
    resident_staff = Staff(accounts["wangwei"], accounts["huoju_admin"], accounts["gaoxin"])
    make_case(huoju, categories["education"], PAST, demo_resident(), [], resident_staff, len(CASES))
    made += 1
    db.session.flush()
    tasks.check_deadlines()
    return made


def load_calendar(admin: StaffAccount) -> None:
    """This year's and next year's holidays from the package where it knows them (2026 at least)."""
    year = local(now()).year
    imported = False
    for each in sorted({2026, year, year + 1}):
        try:
            import_year(each)
            imported = True
        except (CalendarYearUnknown, ImportError):
            continue
    if not imported:
        for day, (workday, name) in FALLBACK_2026.items():
            set_day(admin, day, workday, name)


@dataclass
class Staff:
    reviewer: StaffAccount  # the community's: acceptance, visit, 公示, objections, forwarding
    admin: StaffAccount  # 先行救助
    street: StaffAccount  # approval


def residents(community: Community, applicants: int, objectors: int) -> tuple[list[User], list[User]]:
    """Generated residents of different households: the applicants, then the neighbours who object."""
    rows = db.session.execute(
        sa.select(User, Membership.building_id, Membership.room)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == community.id,
            Membership.role == RESIDENT,
            Membership.building_id.is_not(None),
            User.openid.like(f"demo-{community.id}-%"),
        )
        .order_by(User.id.desc())
        .limit(4 * (applicants + objectors))
    ).all()
    households, people = set(), []
    for user, building_id, room in rows:
        if (building_id, room) not in households:
            households.add((building_id, room))
            people.append(user)
    return people[:applicants], people[applicants : applicants + objectors]


def demo_resident() -> User:
    return db.session.scalars(
        sa.select(User).where(User.openid == openid_for(current_app.config["WECHAT_APPID"], "resident"))
    ).one()


def id_number(community: Community, n: int) -> str:
    """A valid, made-up ID number for the ``n``-th demo applicant of the community."""
    born = date(1960 + (community.id * 7 + n) % 40, 1 + n % 12, 1 + n % 28)
    body = f"{REGION}{born:%Y%m%d}{(community.id * 13 + n) % 1000:03d}"
    return body + aid.ID_CHECK[sum(int(d) * w for d, w in zip(body, aid.ID_WEIGHTS, strict=True)) % 11]


def make_case(
    community: Community,
    category: AidCategory,
    case: Case,
    applicant: User,
    objectors: list[User],
    staff: Staff,
    n: int,
) -> AidApplication:
    """Apply as ``applicant``, take the case's steps, then date it back."""
    application = aid.apply(
        applicant,
        community_id=community.id,
        category_id=category.id,
        applicant_name=applicant.nickname,
        id_number=id_number(community, n),
        phone=f"139{community.id % 100:02d}{n:06d}"[:11],
        monthly_income=150000,
        situation=case.situation,
        reason=case.reason,
        household=case.household,
        amount_requested=case.amount,
        emergency_requested=category.emergency_allowed and "emergency" in case.steps,
    )
    reviewer = staff.reviewer
    proposed = case.amount and min(case.amount, category.max_amount or case.amount)
    steps = {
        "request_materials": lambda: aid.request_materials(
            reviewer, application, [m for m in category.materials if m not in ("身份证", "户口簿")]
        ),
        "accept": lambda: aid.accept(reviewer, application),
        "visit": lambda: aid.record_visit(reviewer, application, VISIT_NOTES),
        "emergency": lambda: aid.grant_emergency(staff.admin, application, min(proposed or 100000, 200000)),
        "publicize": lambda: publicize(application, reviewer, proposed, case, objectors),
        "forward": lambda: forward(application, category, case, reviewer),
        "grant": lambda: aid.grant(staff.street, application, proposed, GRANTED_ITEMS.get(category.key, "")),
        "reject": lambda: aid.reject(reviewer, application, REJECTION),
        "withdraw": lambda: aid.withdraw(applicant, application, "已找到工作，暂不需要救助"),
    }
    for step in case.steps:
        steps[step]()
    db.session.flush()
    date_back(application, category, case)
    return application


def publicize(application, reviewer, proposed, case: Case, objectors: list[User]) -> None:
    """Open the case's 公示; neighbours object, and staff answer those the case lists answers for."""
    aid.publicize(reviewer, application, proposed_amount=proposed)
    for (content, answer), objector in zip(case.objections, objectors, strict=False):
        objection = aid.object_to(objector, application, content)
        if answer:
            aid.answer_objection(reviewer, application, objection.id, answer)


def forward(application: AidApplication, category: AidCategory, case: Case, reviewer: StaffAccount) -> None:
    """The 公示 period as it was (over), then on to the street."""
    starts = local(now()).date() - timedelta(days=case.publicity_days_ago or category.publicity_days + 1)
    application.publicity_starts_on = starts
    application.publicity_ends_on = starts + timedelta(days=category.publicity_days - 1)
    db.session.flush()
    aid.forward(reviewer, application)


def date_back(application: AidApplication, category: AidCategory, case: Case) -> None:
    """Move the case's submission ``days_ago`` back, its steps spread after it, its clock and 公示 with it."""
    today = local(now()).date()
    current = now()
    submitted = current - timedelta(days=case.days_ago, hours=3)
    decided = application.decided_at is not None
    last = current - timedelta(days=case.days_ago / 4) if decided else current - timedelta(hours=1)
    values: dict = {"submitted_at": submitted, "created_at": submitted}
    if application.clock_resumed_on is not None:
        start = working_day_on_or_before(today - timedelta(days=case.days_ago))
        values["clock_resumed_on"] = start
        values["due_on"] = (
            add_working_days(start, category.deadline_working_days - application.working_days_used)
            if case.left is None
            else add_working_days(today, case.left)
            if case.left >= 0
            else working_days_before(today, -case.left)
        )
    elif application.status == "incomplete":
        values["working_days_used"] = min(case.days_ago, 3)
    if case.publicity_days_ago is not None and application.publicity_starts_on is not None:
        starts = today - timedelta(days=case.publicity_days_ago)
        values["publicity_starts_on"] = starts
        values["publicity_ends_on"] = starts + timedelta(days=category.publicity_days - 1)
    if decided:
        values["decided_at"] = last
    if application.emergency_granted_at is not None:
        values["emergency_granted_at"] = submitted + (last - submitted) / 4
    db.session.execute(sa.update(AidApplication).where(AidApplication.id == application.id).values(**values))
    steps = db.session.scalars(
        sa.select(AidStep).where(AidStep.application_id == application.id).order_by(AidStep.id)
    ).all()
    for k, step in enumerate(steps, start=1):
        step.created_at = submitted + (last - submitted) * k / (len(steps) + 1)
    for objection in db.session.scalars(
        sa.select(AidObjection).where(AidObjection.application_id == application.id)
    ):
        objection.created_at = current - timedelta(days=max((case.publicity_days_ago or 1) - 1, 0), hours=5)
        if objection.answered_at is not None:
            objection.answered_at = objection.created_at + timedelta(hours=20)
    db.session.flush()


def working_days_before(day: date, days: int) -> date:
    """The date ``days`` working days before ``day``."""
    known = known_days()
    while days > 0:
        day -= timedelta(days=1)
        days -= is_workday(day, known)
    return day


def working_day_on_or_before(day: date) -> date:
    known = known_days()
    while not is_workday(day, known):
        day -= timedelta(days=1)
    return day
