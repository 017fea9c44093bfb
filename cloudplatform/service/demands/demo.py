"""群众点单's demo data: a dozen organisations in the demo city (community social organisations 备案 with
the seed's service areas, volunteer teams, and 国网宝鸡供电公司's party branch from 党建云), two of them
with a worker console account (``weilao``: 火炬路社区为老服务中心, ``linli``: 金河尚居社区邻里互助会, each
linked to a dev WeChat login ``dev:<username>``); in 火炬路社区 and 金河尚居社区 demands at every step of
the 五单 flow, made through the operations and then dated back: waiting to be dispatched (one declined
before, one held by the content check), dispatched, accepted (with a 督单 comment), reported done (one
sent back first), verified, rated, one overdue, one reopened, one dismissed, one merged; the demo resident
(dev:resident, 张秀兰) has a demand verified and waiting for her rating and one being worked on.
Suggestions and mailbox messages wait, are replied to, and one suggestion is published.
"""

import io
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from PIL import Image

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import ORG_STAFF, RESIDENT, Community, Membership, StaffAccount, User
from cloudplatform.service.demands import operations as ops
from cloudplatform.service.demands import tasks
from cloudplatform.service.demands.models import (
    PARTY_UNIT,
    SOCIAL,
    SUBMITTED,
    VOLUNTEER_TEAM,
    Demand,
    DemandStep,
    Organisation,
    OrganisationCommunity,
    OrganisationStaff,
)
from cloudplatform.service.messages import operations as messages
from cloudplatform.service.messages.models import MAILBOX, SUGGESTION, Message
from cloudplatform.wechat.standin import DEFAULT_REVIEW_WORDS, openid_for

HUOJU, JINHE = "火炬路社区", "金河尚居社区"
PARTY_UNIT_NAME = "国网宝鸡供电公司"  # 党建云's unit of 火炬路社区 whose party branch takes demands

# name, kind, home community, other communities served, service areas, contact
ORGANISATIONS = [
    ("火炬路社区为老服务中心", SOCIAL, HUOJU, (), ["elderly", "disability"], "孙丽"),
    ("火炬路社区助残服务站", SOCIAL, HUOJU, (), ["disability"], "王芳"),
    ("高新区巾帼家政服务社", SOCIAL, HUOJU, (JINHE,), ["housekeeping"], "刘桂英"),
    ("火炬路社区青少年成长驿站", SOCIAL, HUOJU, (), ["youth"], "李欣怡"),
    ("火炬路社区夕阳红文体队", SOCIAL, HUOJU, (), ["culture"], "郭秀梅"),
    ("火炬路社区红马甲志愿服务队", VOLUNTEER_TEAM, HUOJU, (), ["volunteer", "elderly"], "高建华"),
    ("国网宝鸡供电公司高新供电服务中心党支部", PARTY_UNIT, HUOJU, (), ["volunteer", "other"], "王海涛"),
    ("高新街道阳光助残志愿服务队", VOLUNTEER_TEAM, HUOJU, (JINHE,), ["disability", "volunteer"], "唐明"),
    ("金河尚居社区邻里互助会", SOCIAL, JINHE, (), ["elderly", "housekeeping", "volunteer"], "陈静"),
    ("金河尚居社区四点半课堂", SOCIAL, JINHE, (), ["youth"], "何晨"),
    ("金河尚居社区文体协会", SOCIAL, JINHE, (), ["culture"], "罗平"),
    ("金河尚居社区平安志愿服务队", VOLUNTEER_TEAM, JINHE, (), ["volunteer"], "田刚"),
]
# username (also the dev login), display name, nickname, organisation
WORKERS = [
    ("weilao", "孙丽（为老服务中心）", "孙丽", "火炬路社区为老服务中心"),
    ("linli", "陈静（邻里互助会）", "陈静", "金河尚居社区邻里互助会"),
]


@dataclass
class Need:
    """One demo demand: what the resident asked, the steps after it, how long ago, and to whom."""

    category: str
    title: str
    description: str
    steps: tuple[str, ...] = ()
    days_ago: float = 0
    organisation: str = ""
    deadline_in: int | None = None  # days from today (negative: overdue)
    into: int | None = None  # merged into this need (its index)
    location: str = ""
    demo_resident: bool = False  # 张秀兰's


DONE_STEPS = ("dispatch", "accept", "report_done")
VERIFIED_STEPS = (*DONE_STEPS, "verify")
HUOJU_NEEDS = [
    Need(
        "elderly",
        "独居老人希望有人定期上门探望",
        "我母亲82岁独居，子女都在外地工作，希望社区能安排志愿者每周上门看看，陪老人说说话。",
        location="5号楼2单元",
    ),
    Need(
        "housekeeping",
        "卧床老人需要钟点工",
        "家里老人卧床，白天没人照顾，想找个靠谱的钟点工阿姨，有合适的请加微信联系我。",
        days_ago=1,
    ),
    Need(
        "culture",
        "希望社区开设老年书法班",
        "小区里喜欢书法的老人不少，希望社区能请老师每周开一次书法班，活动室就可以。",
        ("dispatch", "decline"),
        3,
        "火炬路社区为老服务中心",
    ),
    Need(
        "disability",
        "残疾人家庭需要安装卫生间扶手",
        "我爱人下肢残疾，卫生间没有扶手，上厕所很不方便，希望帮忙安装无障碍扶手。",
        ("dispatch",),
        2,
        "高新街道阳光助残志愿服务队",
        deadline_in=12,
        location="12号楼1单元",
    ),
    Need(
        "elderly",
        "行动不便的老人需要送餐",
        "父亲腿脚不好下不了楼，中午饭经常凑合，希望社区助餐点能每天送一份午饭上门。",
        ("dispatch", "accept", "supervise"),
        6,
        "火炬路社区为老服务中心",
        deadline_in=8,
        location="3号楼4单元",
    ),
    Need(
        "elderly",
        "陪同老人到医院复诊",
        "我下周二要去中心医院复查眼睛，孩子上班走不开，希望有志愿者陪同挂号、取药。",
        VERIFIED_STEPS,
        9,
        "火炬路社区为老服务中心",
        demo_resident=True,
    ),
    Need(
        "elderly",
        "助浴服务",
        "老伴中风后洗澡困难，想申请上门助浴服务，每周一次。",
        ("dispatch", "accept"),
        4,
        "火炬路社区为老服务中心",
        deadline_in=10,
        demo_resident=True,
    ),
    Need(
        "disability",
        "听力残疾老人的助听器调试",
        "我父亲的助听器声音时大时小，希望有人帮忙上门调试。",
        (*DONE_STEPS, "send_back", "report_done"),
        10,
        "火炬路社区为老服务中心",
        deadline_in=4,
    ),
    Need(
        "elderly",
        "为老人申领老年证上门代办",
        "我奶奶行动不便，无法到社区办理老年证，希望工作人员上门代办。",
        VERIFIED_STEPS,
        12,
        "火炬路社区为老服务中心",
    ),
    Need(
        "elderly",
        "教老人使用智能手机",
        "想学用微信视频和孙子聊天，还想学手机挂号，希望有人手把手教。",
        (*VERIFIED_STEPS, "rate"),
        30,
        "火炬路社区为老服务中心",
    ),
    Need(
        "disability",
        "轮椅维修",
        "家里的轮椅刹车坏了，车轮也漏气，希望帮忙维修。",
        ("dispatch", "accept"),
        20,
        "火炬路社区为老服务中心",
        deadline_in=-3,
        location="8号楼1单元",
    ),
    Need(
        "elderly",
        "老人家中烟感报警器安装",
        "独居老人家中做饭常忘关火，希望安装烟感报警器。",
        (*VERIFIED_STEPS, "reopen"),
        15,
        "火炬路社区为老服务中心",
    ),
    Need(
        "other",
        "要求物业退还多收的物业费",
        "物业这三年多收了我家物业费，要求社区出面让物业退钱。",
        ("dismiss",),
        5,
    ),
    Need(
        "elderly",
        "老人午饭没人做，想要送餐",
        "我和老伴都八十多了，做饭越来越吃力，听说社区能送餐，我们也想申请。",
        ("merge",),
        5,
        into=4,
        location="3号楼4单元",
    ),
    Need(
        "other",
        "楼道电线老化存在安全隐患",
        "6号楼楼道里的电线外皮开裂，还有人私拉电线给电动车充电，担心起火。",
        ("dispatch",),
        1,
        "国网宝鸡供电公司高新供电服务中心党支部",
        deadline_in=5,
        location="6号楼",
    ),
    Need(
        "youth",
        "寒假孩子托管",
        "寒假双职工家庭孩子没人看，希望社区能组织寒假托管班。",
        ("dispatch",),
        3,
        "火炬路社区青少年成长驿站",
        deadline_in=20,
    ),
]
JINHE_NEEDS = [
    Need("youth", "希望开设四点半课堂", "孩子放学后家里没人，希望社区开设四点半课堂辅导作业。"),
    Need(
        "housekeeping", "找家政做大扫除", "年底想请人做一次全屋大扫除，价格合适的可以加微信联系。", days_ago=1
    ),
    Need(
        "culture",
        "广场舞场地协调",
        "晚上跳广场舞的人多，场地不够，希望协调一下时间和音量。",
        ("dispatch",),
        2,
        "金河尚居社区文体协会",
        deadline_in=7,
    ),
    Need(
        "elderly",
        "老人定期测量血压",
        "家里老人高血压，希望每周有人上门测量血压并记录。",
        ("dispatch", "accept", "supervise"),
        7,
        "金河尚居社区邻里互助会",
        deadline_in=6,
    ),
    Need(
        "housekeeping",
        "空巢老人家中油烟机清洗",
        "老两口够不着油烟机，油污很重，希望帮忙清洗。",
        DONE_STEPS,
        9,
        "金河尚居社区邻里互助会",
        deadline_in=3,
    ),
    Need(
        "elderly",
        "帮老人代缴水电费",
        "老人不会用手机缴费，每月都要跑营业厅，希望有人帮忙代缴。",
        VERIFIED_STEPS,
        11,
        "金河尚居社区邻里互助会",
    ),
    Need(
        "volunteer",
        "小区垃圾分类指导",
        "很多住户不会分类，希望志愿者在投放点指导一段时间。",
        (*VERIFIED_STEPS, "rate"),
        28,
        "金河尚居社区邻里互助会",
    ),
    Need(
        "elderly",
        "老人外出走失风险，申请防走失手环",
        "我母亲有轻度认知障碍，出门容易迷路，希望能申领防走失手环。",
        ("dispatch", "accept"),
        18,
        "金河尚居社区邻里互助会",
        deadline_in=-2,
    ),
    Need(
        "housekeeping",
        "楼道堆放杂物清理",
        "楼道里堆了很多旧家具，清理过一次又堆上了，希望彻底解决。",
        (*VERIFIED_STEPS, "reopen"),
        14,
        "金河尚居社区邻里互助会",
    ),
    Need("other", "要求开通小区直达公交", "希望社区让公交公司开一条直达小区的公交线路。", ("dismiss",), 4),
    Need(
        "elderly",
        "想给老人测血压",
        "老人血压不稳，想请人每周上门量血压。",
        ("merge",),
        4,
        into=3,
    ),
]
DECLINE = "本中心暂无书法老师，建议社区联系夕阳红文体队或老年大学"
SEND_BACK = "回访发现助听器仍有杂音，请联系厂家售后彻底检修"
DISMISS = "物业费纠纷属于民事合同纠纷，请通过业主委员会协商或依法诉讼解决，社区可以协助调解"
SUPERVISE = "请于本周内落实，并将送餐记录报社区监委会备查"
REPORTS = {"report_done": "已按约定时间上门完成服务，服务记录和照片见附件"}
RATING = (5, "志愿者非常耐心，问题解决了，感谢社区！")
REOPEN = "问题没有彻底解决，过几天又出现了"

# (kind, content, publish consent, reply ("" = waiting), published, days ago)
MESSAGES = [
    (SUGGESTION, "建议在小区东门增设电动自行车充电桩，减少楼道充电的安全隐患。", True, "", False, 1),
    (MAILBOX, "3号楼电梯最近经常停运，请社区协调物业尽快维修。", False, "", False, 0),
    (
        SUGGESTION,
        "建议社区每月组织一次老年人健康义诊，很多老人不方便去医院。",
        True,
        "感谢您的建议！社区已与宝鸡市中心医院高新院区对接，自下月起每月第一个周六上午在社区活动室开展义诊。",
        True,
        12,
    ),
    (
        MAILBOX,
        "请问办理老年证需要带什么材料？",
        False,
        "您好，办理老年证需携带本人身份证、户口簿和一寸照片两张，工作日到社区服务大厅办理即可。",
        False,
        6,
    ),
    (
        SUGGESTION,
        "建议在小区花园增加几张休息长椅，方便老人散步时歇脚。",
        False,
        "感谢您的建议，社区已和物业商定，月底前在花园增设 6 张长椅。",
        False,
        9,
    ),
]


def load_demo(
    communities: dict[str, Community], accounts: dict[str, StaffAccount], party_unit_id: int | None
) -> dict[str, Organisation]:
    """Load the organisations, their workers, the demands and the messages; returns the organisations by
    name. ``communities``: the two detailed ones by name; ``accounts``: the console accounts by username;
    ``party_unit_id``: 党建云's unit whose party branch is one of the organisations."""
    organisations = load_organisations(communities, party_unit_id)
    workers = load_workers(organisations, accounts["huoju_staff"].password_hash)
    zhang = demo_resident()
    for name, needs, staff in (
        (HUOJU, HUOJU_NEEDS, Staff(accounts["huoju_staff"], accounts["huoju_admin"], accounts["gaoxin"])),
        (JINHE, JINHE_NEEDS, Staff(accounts["jinhe_admin"], accounts["jinhe_admin"], accounts["gaoxin"])),
    ):
        community = communities[name]
        people = residents(community, len(needs) + len(MESSAGES))
        made: list[Demand] = []
        for n, need in enumerate(needs):
            author = zhang if need.demo_resident else people[n]
            made.append(make_demand(community, need, author, organisations, workers, staff, made))
        for n, message in enumerate(MESSAGES):
            make_message(community, message, people[len(needs) + n], staff.community)
    db.session.flush()
    tasks.mark_overdue()
    return organisations


@dataclass
class Staff:
    community: StaffAccount  # dispatch, dismiss, merge, replies
    supervisor: StaffAccount  # 督单 (a community admin)
    street: StaffAccount  # verify, send back


def load_organisations(
    communities: dict[str, Community], party_unit_id: int | None
) -> dict[str, Organisation]:
    organisations = {}
    for i, (name, kind, home, _also, areas, contact) in enumerate(ORGANISATIONS):
        organisation = Organisation(
            community_id=communities[home].id,
            name=name,
            kind=kind,
            registration_no=f"宝高民社备{2018 + i % 5}-{i + 11:03d}" if kind == SOCIAL else "",
            contact_name=contact,
            contact_phone=f"139{9172000 + i * 37:08d}",
            service_areas=areas,
            party_unit_id=party_unit_id if kind == PARTY_UNIT else None,
        )
        db.session.add(organisation)
        organisations[name] = organisation
    db.session.flush()
    db.session.add_all(
        OrganisationCommunity(organisation_id=organisations[name].id, community_id=communities[c].id)
        for name, _kind, home, also, _areas, _contact in ORGANISATIONS
        for c in (home, *also)
    )
    return organisations


def load_workers(organisations: dict[str, Organisation], password_hash: str) -> dict[int, StaffAccount]:
    """The organisations' console accounts, each linked to its dev WeChat login; by organisation id.
    Every demo account has the same password: its hash is reused (argon2 takes a third of a second)."""
    appid = current_app.config["WECHAT_APPID"]
    workers = {}
    for username, display_name, nickname, organisation in WORKERS:
        user = User(openid=openid_for(appid, username), nickname=nickname)
        db.session.add(user)
        db.session.flush()
        account = StaffAccount(
            username=username,
            password_hash=password_hash,
            display_name=display_name,
            role=ORG_STAFF,
            user_id=user.id,
        )
        db.session.add(account)
        db.session.flush()
        db.session.add(OrganisationStaff(organisation_id=organisations[organisation].id, staff_id=account.id))
        workers[organisations[organisation].id] = account
    return workers


def demo_resident() -> User:
    return db.session.scalars(
        sa.select(User).where(User.openid == openid_for(current_app.config["WECHAT_APPID"], "resident"))
    ).one()


def residents(community: Community, count: int) -> list[User]:
    """Generated residents of the community (the latest to join)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.role == RESIDENT,
                User.openid.like(f"demo-{community.id}-%"),
            )
            .order_by(User.id.desc())
            .offset(40)  # not the ones 困难救助's demo applies for
            .limit(count)
        )
    )


@cache
def evidence_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (214, 236, 222)).save(buffer, "PNG")
    return buffer.getvalue()


def make_demand(
    community: Community,
    need: Need,
    author: User,
    organisations: dict[str, Organisation],
    workers: dict[int, StaffAccount],
    staff: Staff,
    made: list[Demand],
) -> Demand:
    """Order as ``author``, take the need's steps, then date it back."""
    demand = submitted(community, need, author)
    organisation = organisations.get(need.organisation)
    today = local(now()).date()

    def worker() -> StaffAccount:
        assert organisation is not None
        return workers[organisation.id]

    steps = {
        "dispatch": lambda: ops.dispatch(
            staff.community,
            demand,
            organisation_id=organisation.id if organisation else 0,
            deadline=today + timedelta(days=max(need.deadline_in or 14, 1)),
            funding_source="社区党组织服务群众专项经费",
            responsible_member="李建国",
            project=need.title,
        ),
        "decline": lambda: ops.decline(worker(), demand, DECLINE),
        "accept": lambda: ops.accept(worker(), demand),
        "supervise": lambda: ops.supervise(staff.supervisor, demand, SUPERVISE),
        "report_done": lambda: ops.report_done(
            worker(), demand, REPORTS["report_done"], [("服务照片.png", evidence_photo())]
        ),
        "send_back": lambda: ops.send_back(staff.street, demand, SEND_BACK),
        "verify": lambda: ops.verify(staff.street, demand, "经电话回访，居民反映问题已解决"),
        "rate": lambda: ops.rate(author, demand, *RATING),
        "reopen": lambda: ops.reopen(author, demand, REOPEN),
        "dismiss": lambda: ops.dismiss(staff.community, demand, DISMISS),
        "merge": lambda: ops.merge(staff.community, demand, made[need.into or 0]),
    }
    for step in need.steps:
        steps[step]()
    db.session.flush()
    date_back(demand, need)
    return demand


def submitted(community: Community, need: Need, author: User) -> Demand:
    """The demand as ``submit_demand`` keeps it, without asking WeChat's content check (the demo loads
    before any server runs): text with one of the stand-in's review words is held, as the check would."""
    demand = Demand(
        community_id=community.id,
        user_id=author.id,
        category=need.category,
        title=need.title,
        description=need.description,
        location=need.location,
        held=held(need.description),
    )
    db.session.add(demand)
    db.session.flush()
    db.session.add(DemandStep(demand_id=demand.id, to_status=SUBMITTED, action="submit", user_id=author.id))
    return demand


def held(text: str) -> bool:
    return any(word in text for word in DEFAULT_REVIEW_WORDS)


def date_back(demand: Demand, need: Need) -> None:
    """Move the submission ``days_ago`` back, its steps spread after it, its dates and deadline with it."""
    current = now()
    submitted = current - timedelta(days=need.days_ago, hours=2)
    last = current - timedelta(days=need.days_ago / 5, hours=1)
    steps = db.session.scalars(
        sa.select(DemandStep).where(DemandStep.demand_id == demand.id).order_by(DemandStep.id)
    ).all()
    at = {}
    for k, step in enumerate(steps):
        step.created_at = submitted + (last - submitted) * k / max(len(steps) - 1, 1)
        at[step.action] = step.created_at
    values: dict = {"submitted_at": submitted, "created_at": submitted}
    for column, action in (
        ("dispatched_at", "dispatch"),
        ("done_at", "report_done"),
        ("verified_at", "verify"),
        ("rated_at", "rate"),
        ("reopened_at", "reopen"),
    ):
        if getattr(demand, column) is not None:
            values[column] = at[action]
    if demand.deadline is not None:
        values["deadline"] = (
            local(now()).date() + timedelta(days=need.deadline_in)
            if need.deadline_in is not None
            else local(at["dispatch"]).date() + timedelta(days=14)
        )
    db.session.execute(sa.update(Demand).where(Demand.id == demand.id).values(**values))
    db.session.refresh(demand)


def make_message(community: Community, message: tuple, author: User, staff: StaffAccount) -> Message:
    kind, content, consent, reply, published, days_ago = message
    written = Message(  # as write_message keeps it, without WeChat's content check (see ``submitted``)
        community_id=community.id,
        user_id=author.id,
        kind=kind,
        content=content,
        held=held(content),
        publish_consent=consent,
    )
    db.session.add(written)
    db.session.flush()
    if reply:
        messages.reply_to(staff, written, reply)
    if published:
        messages.publish(staff, written)
    created = now() - timedelta(days=days_ago, hours=3)
    written.created_at = created
    if reply:
        written.replied_at = created + timedelta(days=1, hours=2)
    if published:
        written.published_at = created + timedelta(days=1, hours=3)
    return written
