"""预约 in the console: services and their hours and closures, the day at the counter, suspensions.

The clock stands still on Monday 2026-12-07 08:00 in Asia/Shanghai (as in tests/service/bookings);
the service is open weekdays 9:00-12:00 in 60-minute slots of 2 places.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.service.bookings.models import (
    CANCELLED,
    CHECKED_IN,
    CONFIRMED,
    PENDING_APPROVAL,
    Bookable,
    Booking,
    BookingSuspension,
    Slot,
)
from cloudplatform.service.bookings.operations import book_slot, create_bookable
from tests.admin.console import sign_in_as, submit, text
from tests.helpers import count_queries
from tests.service.bookings.fixtures import MONDAY, START, make_service, resident_of, slot_at

TUESDAY = MONDAY + timedelta(days=1)
NEW = "/admin/bookables/new"
DAY = "/admin/bookings/day"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def counter(client, world):
    """The home community's staff member, signed in to the console."""
    return sign_in_as(client, world.staff[COMMUNITY_STAFF])


@pytest.fixture
def service(world):
    return make_service(world)


def book(db, service, name, hour=9, day=TUESDAY, community=None):
    """A resident called ``name`` books the service's slot at ``hour`` on ``day``."""
    user = resident_of(community or service.community, name)
    booking = book_slot(user, slot_at(service, day, hour).id)
    db.session.commit()
    return db.session.get(Booking, booking.id)


def status_of(db, booking):
    return db.session.scalar(select(Booking.status).where(Booking.id == booking.id))


def day_view(service, day=TUESDAY):
    return f"{DAY}?bookable_id={service.id}&date={day.isoformat()}"


def booking_html(page: str, booking) -> str:
    return page.split(f'data-booking="{booking.id}"')[1].split("</div>")[0]


def rules(**fields):
    return {
        "name": "老年证办理",
        "description": "带身份证原件",
        "location": "社区服务中心一楼",
        "slot_minutes": "30",
        "capacity": "3",
        "min_notice_hours": "1",
        "max_advance_days": "7",
        "max_active_per_user": "1",
        "cancel_cutoff_hours": "4",
        "active": "y",
    } | fields


def at(hour, minute=0, day=TUESDAY):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


# -- 预约事项 ---------------------------------------------------------------------------------------


def test_creating_a_service_through_the_form(client, world, counter, db):
    page = text(submit(client, NEW, rules(community_id=world.home.id), page=NEW))
    assert "已创建预约事项“老年证办理”" in page
    bookable = db.session.scalar(select(Bookable))
    assert (bookable.community_id, bookable.name, bookable.slot_minutes, bookable.capacity) == (
        world.home.id,
        "老年证办理",
        30,
        3,
    )
    assert (bookable.max_active_per_user, bookable.requires_approval, bookable.active) == (1, False, True)


def test_creating_a_service_for_another_community_is_refused(client, world, counter, db):
    response = submit(client, NEW, rules(community_id=world.elsewhere.id), page=NEW)
    assert response.status_code == 404
    assert "社区不存在" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Bookable)) == 0


def test_new_service_form_offers_only_communities_in_scope(client, world, counter):
    select_html = re.search(r'<select[^>]*name="community_id".*?</select>', text(client.get(NEW)), re.S)[0]
    assert [v for v in re.findall(r'value="([^"]*)"', select_html) if v] == [str(world.home.id)]


def test_a_rule_out_of_range_is_refused_in_chinese(client, world, counter, db):
    response = submit(client, NEW, rules(community_id=world.home.id, slot_minutes="0"), page=NEW)
    assert response.status_code == 422
    assert "应为 5 至 480 之间的整数" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Bookable)) == 0


def test_editing_rules_updates_the_service_and_its_future_slots(client, service, counter, db):
    edit = f"/admin/bookables/{service.id}/edit"
    data = rules(name="证明开具", slot_minutes="60", capacity="5", requires_approval="y")
    page = text(submit(client, edit, data, page=edit))
    assert "已保存预约事项“证明开具”" in page
    db.session.refresh(service)
    assert (service.capacity, service.requires_approval, service.max_advance_days) == (5, True, 7)
    assert slot_at(service, TUESDAY, 9).capacity == 5


def test_service_list_shows_the_services_in_scope(client, world, service, counter):
    other = make_service(world, world.elsewhere, name="活动室预约")
    page = text(client.get("/admin/bookables"))
    assert f'data-bookable="{service.id}"' in page
    assert f'data-bookable="{other.id}"' not in page


def test_hours_editor_makes_the_slots(client, world, counter, db):
    bookable = create_bookable(
        world.staff[COMMUNITY_STAFF], world.home.id, name="活动室预约", slot_minutes=60
    )
    db.session.commit()
    edit = f"/admin/bookables/{bookable.id}/edit"
    page = text(
        submit(client, f"/admin/bookables/{bookable.id}/edit?part=hours", {"hours": "周二 14:00-16:00"}, edit)
    )
    assert "已保存开放时间" in page
    starts = db.session.scalars(
        select(Slot.starts_at).where(
            Slot.bookable_id == bookable.id, Slot.starts_at < at(0, day=TUESDAY + timedelta(1))
        )
    ).all()
    assert sorted(s.astimezone(LOCAL_TZ) for s in starts) == [at(14), at(15)]
    assert "周二 14:00-16:00" in text(client.get(edit))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("周八 09:00-12:00", "第 1 行应写作“周一 09:00-12:00”"),
        ("周一 9:00-12:00", "第 1 行应写作“周一 09:00-12:00”"),
        ("周一 09:00-12:00\n周二 12:00-09:00", "第 2 行：周二 12:00-09:00 的结束时间应晚于开始时间"),
        ("周三 09:00-25:00", "第 1 行：周三 09:00-25:00 的时间应在 00:00 至 24:00 之间"),
        ("周四 09:00-11:00 10:00-12:00", "第 1 行：周四 10:00-12:00 与同一天的其他时段重叠"),
        ("周五 09:00-09:30", "第 1 行：周五 09:00-09:30 不足一个预约时段（60 分钟）"),
    ],
)
def test_bad_hours_are_refused_with_a_message(client, service, counter, db, hours, message):
    edit = f"/admin/bookables/{service.id}/edit"
    response = submit(client, f"/admin/bookables/{service.id}/edit?part=hours", {"hours": hours}, page=edit)
    assert response.status_code == 422
    assert message in text(response)
    assert len(db.session.get(Bookable, service.id).hours) == 5  # still weekdays 9-12


def test_closure_cancels_the_days_bookings_and_shows_the_count(client, service, counter, db):
    bookings = [book(db, service, "王小明"), book(db, service, "李华", hour=10)]
    edit = f"/admin/bookables/{service.id}/edit"
    data = {"day": TUESDAY.isoformat(), "reason": "消防检查"}
    page = text(submit(client, f"/admin/bookables/{service.id}/edit?part=closures", data, page=edit))
    assert f"已设置 {TUESDAY} 暂停服务（消防检查），取消了 2 个预约" in page
    assert [status_of(db, b) for b in bookings] == [CANCELLED, CANCELLED]
    closure_row = page.split(f'data-closure="{TUESDAY}"')[1].split("</tr>")[0]
    assert "消防检查" in closure_row
    assert "<td>2</td>" in closure_row


def test_closure_of_a_past_day_is_refused(client, service, counter, db):
    edit = f"/admin/bookables/{service.id}/edit"
    data = {"day": (MONDAY - timedelta(days=1)).isoformat(), "reason": "补登"}
    response = submit(client, f"/admin/bookables/{service.id}/edit?part=closures", data, page=edit)
    assert response.status_code == 422
    assert "不能为已经过去的日期设置暂停服务" in text(response)


def test_grid_worker_may_not_manage_services(client, world, service):
    sign_in_as(client, world.staff[GRID_WORKER])
    assert client.get("/admin/bookables").status_code == 403
    assert client.get(f"/admin/bookables/{service.id}/edit").status_code == 403


def test_another_communitys_service_cannot_be_edited(client, world, counter):
    other = make_service(world, world.elsewhere)
    assert client.get(f"/admin/bookables/{other.id}/edit").status_code == 404


# -- 预约日程 ---------------------------------------------------------------------------------------


def test_day_view_lists_bookings_with_masked_names(client, service, counter, db):
    booking = book(db, service, "王小明")
    page = text(client.get(day_view(service)))
    assert "王**" in page
    assert "王小明" not in page
    assert "已预约" in booking_html(page, booking)
    slot_row = page.split(f'data-slot="{booking.slot_id}"')[1]
    assert "09:00–10:00" in slot_row
    assert "1 / 2" in slot_row


def test_day_view_opens_on_today_with_the_first_service(client, world, service, db, clock):
    booking = book(db, service, "王小明")
    clock.move_to(at(8, day=TUESDAY))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(DAY))
    assert f"{TUESDAY}（今天）" in page
    assert f'data-booking="{booking.id}"' in page


def test_check_in_from_the_day_view(client, world, service, db, clock):
    booking = book(db, service, "王小明")
    clock.move_to(at(8, 45))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(submit(client, f"/admin/bookings/{booking.id}/check-in", page=day_view(service)))
    assert f"已核销：王** 12月08日 09:00 {service.name}" in page
    assert status_of(db, booking) == CHECKED_IN
    assert "已核销" in booking_html(page, booking)


def test_check_in_at_the_wrong_time_is_refused_and_changes_nothing(client, service, counter, db):
    booking = book(db, service, "王小明")  # Tuesday 09:00; the clock says Monday 08:00
    page = text(submit(client, f"/admin/bookings/{booking.id}/check-in", page=day_view(service)))
    assert "不在核销时间内" in page
    assert status_of(db, booking) == CONFIRMED


def test_qr_token_box_checks_in(client, world, service, db, clock):
    booking = book(db, service, "王小明")
    clock.move_to(at(9, 20))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    data = {"qr_token": f" {booking.qr_token} ", "bookable_id": service.id, "date": TUESDAY.isoformat()}
    page = text(submit(client, "/admin/bookings/check-in", data, page=day_view(service)))
    assert "已核销：王**" in page
    assert status_of(db, booking) == CHECKED_IN


def test_unknown_qr_token_is_refused(client, service, counter):
    data = {"qr_token": "x" * 32, "bookable_id": service.id, "date": TUESDAY.isoformat()}
    page = text(submit(client, "/admin/bookings/check-in", data, page=day_view(service)))
    assert "预约不存在" in page


def test_another_communitys_qr_token_is_refused(client, world, db, clock):
    booking = book(db, make_service(world, world.elsewhere), "王小明")
    clock.move_to(at(9))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(submit(client, "/admin/bookings/check-in", {"qr_token": booking.qr_token}, page=DAY))
    assert "预约不存在" in page
    assert status_of(db, booking) == CONFIRMED


def test_another_communitys_service_day_view_is_404(client, world, counter):
    other = make_service(world, world.elsewhere)
    assert client.get(day_view(other)).status_code == 404


def test_another_communitys_booking_cannot_be_checked_in(client, world, db, clock):
    booking = book(db, make_service(world, world.elsewhere), "王小明")
    clock.move_to(at(9))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = submit(client, f"/admin/bookings/{booking.id}/check-in", page=DAY)
    assert response.status_code == 404
    assert status_of(db, booking) == CONFIRMED


def test_grid_worker_sees_the_day_view_and_checks_in(client, world, service, db, clock):
    booking = book(db, service, "王小明")
    clock.move_to(at(9))
    sign_in_as(client, world.staff[GRID_WORKER])
    assert f'data-booking="{booking.id}"' in text(client.get(day_view(service)))
    submit(client, f"/admin/bookings/{booking.id}/check-in", page=day_view(service))
    assert status_of(db, booking) == CHECKED_IN


def test_pending_booking_is_approved_from_the_day_view(client, world, counter, db):
    service = make_service(world, requires_approval=True)
    booking = book(db, service, "王小明")
    assert booking.status == PENDING_APPROVAL
    page = text(submit(client, f"/admin/bookings/{booking.id}/approve", page=day_view(service)))
    assert "已通过：王**" in page
    assert status_of(db, booking) == CONFIRMED


def test_pending_booking_is_rejected_from_the_day_view(client, world, counter, db):
    service = make_service(world, requires_approval=True)
    booking = book(db, service, "王小明")
    submit(client, f"/admin/bookings/{booking.id}/reject", page=day_view(service))
    assert status_of(db, booking) == "rejected"
    assert slot_at(service, TUESDAY, 9).booked == 0


def test_grid_worker_gets_no_approval_buttons(client, world, db):
    service = make_service(world, requires_approval=True)
    booking = book(db, service, "王小明")
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(day_view(service)))
    assert "待审核" in booking_html(page, booking)
    assert f"/admin/bookings/{booking.id}/approve" not in page
    response = submit(client, f"/admin/bookings/{booking.id}/approve", page=day_view(service))
    assert response.status_code == 403
    assert status_of(db, booking) == PENDING_APPROVAL


def test_day_view_runs_the_same_few_statements_however_many_bookings(
    client, app, world, service, counter, db
):
    url = day_view(service)
    book(db, service, "王小明")
    with count_queries(app) as one:
        client.get(url)
    for number, hour in enumerate([9, 10, 10, 11, 11]):
        book(db, service, f"居民{number}", hour=hour)
    with count_queries(app) as six:
        page = text(client.get(url))
    assert page.count("data-booking=") == 6
    # the signed-in account, the services, the slots, the bookings, their residents' labels
    assert len(six) == len(one) == 5


# -- 预约暂停 ---------------------------------------------------------------------------------------


def suspend(db, community, name):
    user = resident_of(community, name)
    suspension = BookingSuspension(
        user_id=user.id, community_id=community.id, no_shows=3, ends_at=START + timedelta(days=30)
    )
    db.session.add(suspension)
    db.session.commit()
    return suspension


def test_suspensions_page_lists_active_suspensions_in_scope(client, world, counter, db):
    mine = suspend(db, world.home, "王小明")
    other = suspend(db, world.elsewhere, "李华")
    page = text(client.get("/admin/booking-suspensions"))
    row = page.split(f'data-suspension="{mine.id}"')[1].split("</tr>")[0]
    assert "王**" in row
    assert world.home.name in row
    assert "2027-01-06 08:00:00" in row
    assert f'data-suspension="{other.id}"' not in page


def test_lifting_a_suspension(client, world, counter, db):
    suspension = suspend(db, world.home, "王小明")
    page = text(
        submit(client, f"/admin/booking-suspensions/{suspension.id}/lift", page="/admin/booking-suspensions")
    )
    assert "已解除 王** 的预约暂停" in page
    assert f'data-suspension="{suspension.id}"' not in page
    db.session.refresh(suspension)
    assert suspension.lifted_at is not None
    assert suspension.lifted_by_id == world.staff[COMMUNITY_STAFF].id


def test_another_communitys_suspension_cannot_be_lifted(client, world, counter, db):
    suspension = suspend(db, world.elsewhere, "李华")
    response = submit(
        client, f"/admin/booking-suspensions/{suspension.id}/lift", page="/admin/booking-suspensions"
    )
    assert response.status_code == 404
    db.session.refresh(suspension)
    assert suspension.lifted_at is None
