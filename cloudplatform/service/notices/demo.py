"""Demo notices of 火炬路社区 and 金河尚居社区, written as the communities write them, with read receipts."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    PARTY_MEMBER,
    RESIDENT,
    Building,
    Community,
    Grid,
    Membership,
    StaffAccount,
    User,
)
from cloudplatform.service.notices.models import (
    ALL,
    BUILDINGS,
    GRIDS,
    PARTY_MEMBERS,
    STREET,
    VOLUNTEERS,
    Notice,
    NoticeBroadcast,
)
from cloudplatform.service.notices.operations import publish_broadcast, publish_notice, read_notice

OFFICE = "火炬路社区居民委员会"


def day(at: datetime) -> str:
    """A date as a notice writes it: 11月8日（星期六）."""
    at = local(at)
    return f"{at.month}月{at.day}日（星期{'一二三四五六日'[at.weekday()]}）"


def load_demo(community: Community, staff: StaffAccount) -> list[Notice]:
    """About eight notices of the community (one pinned, one expired, some for part of it) and receipts."""
    t = now()
    grid = db.session.scalar(sa.select(Grid).where(Grid.community_id == community.id).order_by(Grid.id))
    assert grid is not None
    lift_buildings = db.session.scalars(
        sa.select(Building).where(Building.community_id == community.id).order_by(Building.id).limit(2)
    ).all()
    lifts = "、".join(b.name for b in lift_buildings)
    call = f"请拨打社区电话 {community.phone}" if community.phone else "请联系社区居委会"

    def publish(title, body, audience=ALL, *, days_ago, **options):
        return publish_notice(
            staff, community.id, title, body, audience, publish_at=t - timedelta(days=days_ago), **options
        )

    water = publish(
        "关于火炬路片区临时停水的通知",
        f"各位居民：\n因市政供水管网改造施工，宝鸡市自来水公司定于{day(t + timedelta(days=2))}8:00至18:00"
        "对火炬路片区暂停供水，涉及本社区全部楼栋。\n请各位居民提前做好储水准备；停水期间请关好家中水龙头，"
        f"以免恢复供水时跑水。如遇特殊困难，{call}。\n给您带来的不便，敬请谅解。\n{OFFICE}",
        days_ago=0.2,
        pinned=True,
        expires_at=t + timedelta(days=3),
        attachments=[{"name": "停水区域示意图.jpg", "url": "https://example.com/huoju/tingshui-map.jpg"}],
    )
    vaccine = publish(
        "秋冬季流感疫苗接种通知",
        "各位居民：\n社区卫生服务站即日起开展秋冬季流感疫苗接种。60周岁以上老年人、在校中小学生可免费接种，"
        "其他居民自愿自费接种。\n接种时间：周一至周五 8:30-11:30，14:30-17:00\n接种地点：火炬路社区卫生服务站"
        "（社区党群服务中心一楼）\n请携带身份证和医保卡，接种后在现场留观30分钟。行动不便的老人可联系网格员预约上门服务。"
        f"\n{OFFICE}",
        days_ago=3,
        expires_at=t + timedelta(days=60),
    )
    sorting = publish(
        "垃圾分类定时定点投放告知书",
        "各位居民：\n为巩固全国文明城市创建成果，自下月1日起本社区实行生活垃圾分类定时定点投放。\n"
        "投放时间：每天 7:00-9:00，18:00-21:00\n厨余垃圾请沥干水分、破袋后投入绿色桶；可回收物投入蓝色桶；"
        "有害垃圾（废电池、过期药品、废灯管）投入红色桶；其他垃圾投入灰色桶。\n"
        "每周六上午，志愿者在社区广场开展垃圾分类宣传和积分兑换，欢迎大家参加。\n"
        f"{OFFICE}",
        days_ago=6,
        attachments=[
            {"name": "宝鸡市生活垃圾分类投放指南.pdf", "url": "https://example.com/huoju/lajifenlei.pdf"}
        ],
    )
    party_day = publish(
        "关于开展本月主题党日活动的通知",
        f"各位在职党员：\n社区党委定于{day(t + timedelta(days=5))}上午9:00"
        "在社区党群服务中心二楼会议室开展主题党日活动，内容包括：集中学习、重温入党誓词、认领社区服务岗位。\n"
        "请准时参加，并在小程序“党建云”中扫码签到；"
        "因故不能参加的，请提前向所在网格党支部请假。\n中共火炬路社区委员会",
        PARTY_MEMBERS,
        days_ago=2,
        expires_at=t + timedelta(days=6),
    )
    volunteers = publish(
        "“文明交通劝导”志愿者招募",
        "为营造安全有序的出行环境，社区现招募文明交通劝导志愿者20名。\n服务地点：火炬路与高新大道交叉口\n"
        "服务时间：工作日 7:30-8:30（每人每周至少一次）\n"
        "参加服务计入志愿服务时长并获得积分，积分可在“爱心超市”兑换生活用品。\n"
        "报名请在小程序“志愿云”中选择对应岗位。\n火炬路社区新时代文明实践站",
        VOLUNTEERS,
        days_ago=4,
        expires_at=t + timedelta(days=20),
    )
    lift = publish(
        f"{lifts}电梯维修保养通知",
        f"{lifts}的居民：\n因电梯年度检修保养，{day(t + timedelta(days=1))}9:00至17:00 以上楼栋电梯暂停使用，"
        "请合理安排出行。行动不便的老人如需帮助，请联系楼栋长或网格员。\n给您带来的不便，敬请谅解。\n"
        f"{OFFICE}",
        BUILDINGS,
        days_ago=1,
        building_ids=[b.id for b in lift_buildings],
        expires_at=t + timedelta(days=2),
    )
    gas = publish(
        f"{grid.name}入户燃气安全检查通知",
        f"{grid.name}的居民：\n宝鸡市燃气公司工作人员将于{day(t + timedelta(days=3))}起"
        "对本网格各楼栋开展入户燃气安全检查。"
        "检查人员统一佩戴工作证，检查不收取任何费用，请谨防假冒。家中白天无人的，可与网格员预约检查时间。\n"
        f"{OFFICE}",
        GRIDS,
        days_ago=1.5,
        grid_ids=[grid.id],
        expires_at=t + timedelta(days=15),
    )
    # History: a notice whose time is over; publish_notice refuses an expiry in the past, so it is a row.
    holiday = Notice(
        community_id=community.id,
        title="国庆假期社区值班安排",
        body="各位居民：\n国庆假期期间社区居委会实行值班制度，每天 9:00-17:00 有人值班，"
        f"有事{call}。\n假期出行请关好门窗、水电燃气，注意防火防盗。\n祝大家节日快乐！\n{OFFICE}",
        audience=ALL,
        pinned=False,
        publish_at=t - timedelta(days=45),
        expires_at=t - timedelta(days=37),
        attachments=[],
        push=False,
        created_by_id=staff.id,
        read_count=0,
    )
    db.session.add(holiday)
    db.session.flush()

    readers = {
        water: members(community, RESIDENT, 60),
        vaccine: members(community, RESIDENT, 25),
        sorting: members(community, RESIDENT, 12),
        party_day: members(community, PARTY_MEMBER, 8),
        holiday: members(community, RESIDENT, 40),
    }
    for notice, users in readers.items():
        for user in users:
            read_notice(user, notice)
    return [water, vaccine, sorting, party_day, volunteers, lift, gas, holiday]


def members(community: Community, role: str, limit: int) -> list[User]:
    """The first users holding ``role`` in the community (the generated residents, not the demo logins)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.role == role,
                User.openid.like(f"demo-{community.id}-%"),
            )
            .order_by(User.id)
            .limit(limit)
        )
    )


def load_estate_demo(community: Community, staff: StaffAccount) -> list[Notice]:
    """A few notices of a second community (金河尚居社区): one pinned, one for a building, with receipts."""
    t = now()
    office = f"{community.name}居民委员会"
    building = db.session.scalar(
        sa.select(Building).where(Building.community_id == community.id).order_by(Building.id)
    )
    assert building is not None
    heating = publish_notice(
        staff,
        community.id,
        "冬季供暖试运行通知",
        f"各位居民：\n小区供暖定于{day(t + timedelta(days=1))}起试运行，请各户检查家中暖气阀门，"
        f"家中无人的请关闭阀门，以免跑水。发现漏水请及时联系物业服务中心。\n{office}",
        ALL,
        publish_at=t - timedelta(days=1),
        expires_at=t + timedelta(days=10),
        pinned=True,
    )
    parking = publish_notice(
        staff,
        community.id,
        "小区停车位规划征求意见",
        "各位业主：\n为缓解小区停车难，社区拟在东侧空地增设停车位60个，现公开征求意见。"
        f"请于本月底前在小程序“服务云”留言，或到社区居委会填写意见表。\n{office}",
        ALL,
        publish_at=t - timedelta(days=5),
        expires_at=t + timedelta(days=25),
    )
    pipe = publish_notice(
        staff,
        community.id,
        f"{building.name}二次供水设施清洗通知",
        f"{building.name}的居民：\n{day(t + timedelta(days=2))}9:00至15:00 清洗二次供水水箱，期间暂停供水，"
        f"请提前储水。\n{office}",
        BUILDINGS,
        publish_at=t - timedelta(days=0.5),
        expires_at=t + timedelta(days=3),
        building_ids=[building.id],
    )
    for notice, count in ((heating, 30), (parking, 12)):
        for user in members(community, RESIDENT, count):
            read_notice(user, notice)
    return [heating, parking, pipe]


def load_street_demo(street_admin: StaffAccount) -> NoticeBroadcast:
    """A notice of the street admin's street to all its communities (a copy each, read in some)."""
    assert street_admin.street is not None
    t = now()
    broadcast = publish_broadcast(
        street_admin,
        STREET,
        street_admin.street_id,
        "冬季消防安全提示",
        "各社区居民：\n冬季天干物燥，用火用电增多。请不要在楼道、电梯内停放电动自行车或为其充电，"
        "不要私拉乱接电线；使用燃气取暖请保持通风，外出和睡前关好燃气阀门。\n"
        f"发现火情请立即拨打119。\n{street_admin.street.name}办事处",
        ALL,
        publish_at=t - timedelta(days=2),
        expires_at=t + timedelta(days=60),
    )
    copies = db.session.scalars(sa.select(Notice).where(Notice.broadcast_id == broadcast.id)).all()
    for notice in copies:
        community = db.session.get(Community, notice.community_id)
        assert community is not None
        for user in members(community, RESIDENT, 20):
            read_notice(user, notice)
    return broadcast
