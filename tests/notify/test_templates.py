"""Every message the platform sends, built by the code that sends it, is one WeChat takes.

The stand-in knows the templates the app declares (cloudplatform.notify.templates) and refuses a
value breaking its keyword's type rule with 47003, as WeChat does; each case below builds a real
message with long, realistic names and has the outbox deliver it through the stand-in.
"""

from datetime import date, datetime

import pytest
import requests
import time_machine
from sqlalchemy import select

from cloudplatform import create_app
from cloudplatform.clock import LOCAL_TZ
from cloudplatform.config import ConfigError
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, RESIDENT, Membership
from cloudplatform.identity.operations import decide_residency
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.notify.models import Notification
from cloudplatform.notify.operations import notify, record_consents
from cloudplatform.notify.templates import PAGES, TEMPLATES, fit
from cloudplatform.service.bookings.models import Booking
from cloudplatform.service.bookings.operations import (
    add_closure,
    book_slot,
    create_bookable,
    decide_booking,
    set_opening_hours,
)
from cloudplatform.service.bookings.queries import slots_of_day
from cloudplatform.service.bookings.tasks import send_reminders
from cloudplatform.service.notices.models import ALL
from cloudplatform.service.notices.operations import publish_notice
from cloudplatform.wechat.standin.keywords import KINDS
from tests.admin.console import residency_request
from tests.world import wechat_user

DELIVER = next(job for job in JOBS if job.id == "deliver_outbox")
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)  # tomorrow is a weekday with opening hours
TUESDAY = date(2026, 12, 8)
COMMUNITY = "宝鸡市高新技术产业开发区火炬路街道火炬路社区居民委员会"  # 28 characters
SERVICE = "高龄老人津贴申领及老年优待证办理（含材料预审与现场核验）"
TITLE = "关于2026年冬季供暖期间小区二次供水设备检修及临时停水安排的通知"
REASON = "申请所填楼栋与房号与社区登记的实有人口信息不一致，请核对后重新提交"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def home(world):
    world.home.name = COMMUNITY
    _db.session.commit()
    return world.home


@pytest.fixture
def resident(home):
    user = wechat_user("resident")
    _db.session.add(Membership(user_id=user.id, community_id=home.id, role=RESIDENT))
    _db.session.commit()
    return user


def bookable(world, **fields):
    staff = world.staff[COMMUNITY_STAFF]
    service = create_bookable(
        staff,
        world.home.id,
        name=SERVICE,
        slot_minutes=60,
        capacity=2,
        min_notice_hours=2,
        max_advance_days=14,
        max_active_per_user=2,
        cancel_cutoff_hours=2,
        **fields,
    )
    set_opening_hours(staff, service, [(weekday, 9 * 60, 12 * 60) for weekday in range(5)])
    return service


def book_tuesday(world, user, **fields):
    service = bookable(world, **fields)
    booked = book_slot(user, slots_of_day(service, TUESDAY)[0].id)
    return service, _db.session.get(Booking, booked.id)


def residency_approved(world, resident):
    decide_residency(world.staff[GRID_WORKER], residency_request(world, world.home), approve=True, reason="")


def residency_rejected(world, resident):
    request = residency_request(world, world.home)
    decide_residency(world.staff[GRID_WORKER], request, approve=False, reason=REASON)


def notice_pushed(world, resident):
    publish_notice(world.staff[COMMUNITY_STAFF], world.home.id, TITLE, "请相互转告。", ALL, push=True)


def booking_reminded(world, resident):
    book_tuesday(world, resident)
    send_reminders()


def booking_approved(world, resident):
    _, booking = book_tuesday(world, resident, requires_approval=True)
    decide_booking(world.staff[COMMUNITY_STAFF], booking, approve=True)


def booking_rejected(world, resident):
    _, booking = book_tuesday(world, resident, requires_approval=True)
    decide_booking(world.staff[COMMUNITY_STAFF], booking, approve=False)


def booking_closed(world, resident):
    service, _ = book_tuesday(world, resident)
    add_closure(world.staff[COMMUNITY_STAFF], service, TUESDAY, "社区服务中心办公楼电力线路改造施工")


def star_reached(world, resident):
    from cloudplatform.volunteer.ranking.operations import credit_minutes
    from tests.volunteer.fixtures import volunteer

    who = volunteer(world.home, "laozhou")
    credit_minutes(who.id, 100 * 60, TUESDAY)  # one star


@pytest.mark.parametrize(
    "send",
    [
        residency_approved,
        residency_rejected,
        notice_pushed,
        booking_reminded,
        booking_approved,
        booking_rejected,
        booking_closed,
        star_reached,
    ],
)
def test_every_message_the_platform_builds_is_taken_by_wechat(app, world, home, resident, standin, send):
    send(world, resident)
    _db.session.commit()
    queued = _db.session.scalars(select(Notification)).all()
    assert queued, "the case queued no message"
    for message in queued:
        record_consents(message.user, [message.template_key])
    _db.session.commit()

    counts = run_job(app, DELIVER)

    statuses = {m.id: (m.status, m.last_error) for m in _db.session.scalars(select(Notification))}
    assert counts["sent"] == len(queued), statuses
    delivered = requests.get(standin + "_standin/messages", timeout=5).json()["items"]
    assert len(delivered) == len(queued)


def test_a_long_name_is_cut_to_fit_with_an_ellipsis(app, world, home, resident, standin):
    residency_approved(world, resident)

    value = _db.session.scalar(select(Notification)).data["thing1"]["value"]

    assert value == COMMUNITY[:19] + "…"
    assert len(value) == 20


def test_a_rejection_reason_is_cut_to_fit(app, world, home, resident):
    residency_rejected(world, resident)

    assert _db.session.scalar(select(Notification)).data["thing3"]["value"] == REASON[:19] + "…"


def test_times_are_written_in_beijing_time(app, world, home, resident):
    notice_pushed(world, resident)

    assert _db.session.scalar(select(Notification)).data["time3"]["value"] == "2026-12-07 08:00"


def test_a_reminder_names_the_slot_in_beijing_time(app, world, home, resident):
    booking_reminded(world, resident)

    assert _db.session.scalar(select(Notification)).data["date2"]["value"] == "2026-12-08 09:00"


def test_a_closure_names_the_day_alone_and_keeps_its_point_within_20_characters(app, world, home, resident):
    booking_closed(world, resident)

    data = _db.session.scalar(select(Notification)).data
    assert data["date2"]["value"] == "2026-12-08"
    assert data["thing3"]["value"] == "因社区服务中心办公…暂停服务，预约已取消"


def test_fit_leaves_a_short_text_alone_and_puts_it_on_one_line():
    assert fit("火炬路社区") == "火炬路社区"
    assert fit("第一行\n 第二行") == "第一行 第二行"
    assert fit("一" * 20) == "一" * 20
    assert fit("一" * 21) == "一" * 19 + "…"


def test_a_date_without_a_time_in_a_time_keyword_is_refused_when_queued(app, resident):
    values = {"thing1": "通知", "thing2": "火炬路社区", "time3": TUESDAY}

    with pytest.raises(TypeError, match="date keyword"):
        notify(resident, "notice_published", values, page="pages/notices/detail?id=1")


@pytest.mark.parametrize(
    "values",
    [
        {"thing1": "火炬路社区", "phrase2": "已通过"},
        {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎", "thing4": "多余"},
    ],
    ids=["missing", "unknown"],
)
def test_a_keyword_missing_or_not_in_the_template_is_refused_when_queued(app, resident, values):
    with pytest.raises(ValueError, match="keywords"):
        notify(resident, "residency_result", values, page="pages/me/residency")


def test_a_page_the_mini_program_lacks_is_refused_when_queued(app, resident):
    values = {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎"}

    with pytest.raises(ValueError, match="page"):
        notify(resident, "residency_result", values, page="pages/nowhere/index")


def test_every_declared_keyword_is_of_a_type_wechat_knows():
    kinds = {keyword.kind for template in TEMPLATES.values() for keyword in template.keywords}

    assert kinds <= KINDS


def test_pages_are_named_as_wechat_names_them():
    assert all(not page.startswith("/") and "?" not in page for page in PAGES)


def test_the_app_refuses_to_start_without_an_id_for_every_declared_template(tmp_path):
    with pytest.raises(ConfigError, match="notice_published"):
        create_app(
            {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "WECHAT_TEMPLATES": {"residency_result": "t"}}
        )
