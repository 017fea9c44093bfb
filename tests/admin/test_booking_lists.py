"""The 预约 console's lists as a worker sees them: 预约事项 and 预约暂停 with totals, search, filters, sort
and numbered pages; residents by masked name and building, never by id; the community picker for admins of
many communities; and the day view's status and name filters with the day's total.

The clock stands still on Monday 2026-12-07 08:00 in Asia/Shanghai, as in tests/admin/test_bookings.py.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from admin.bookings.views import PAGE_SIZE
from admin.pickers import SELECT_LIMIT
from cloudplatform.clock import now
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_STAFF,
    RESIDENT,
    STREET_ADMIN,
    Building,
    Membership,
)
from cloudplatform.privacy import mask_name
from cloudplatform.service.bookings.models import Bookable, Booking, BookingSuspension
from cloudplatform.service.bookings.operations import book_slot, check_in
from tests.admin.console import sign_in_as, submit, text
from tests.factories import CommunityFactory, ResidencyRequestFactory
from tests.helpers import count_queries
from tests.service.bookings.fixtures import MONDAY, START, make_service, slot_at
from tests.world import wechat_user

TUESDAY = MONDAY + timedelta(days=1)
ZHANG = mask_name("张秀兰")  # as the console shows her
SERVICES, SUSPENSIONS, DAY = "/admin/bookables", "/admin/booking-suspensions", "/admin/bookings/day"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def counter(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_STAFF])


def ids(page: str, kind: str) -> list[int]:
    return [int(i) for i in re.findall(rf'data-{kind}="(\d+)"', page)]


def search_form(page: str) -> str:
    return page.split('role="search"')[1].split("</form>")[0]


def verified_resident(db, world, community, real_name: str, nickname: str):
    """A resident of ``community`` living in its building, verified under ``real_name``."""
    user = wechat_user(nickname)
    building_id = world.buildings[community.id]
    ResidencyRequestFactory(
        user_id=user.id,
        community_id=community.id,
        building_id=building_id,
        real_name=real_name,
        status=APPROVED,
    )
    db.session.add(
        Membership(user_id=user.id, community_id=community.id, role=RESIDENT, building_id=building_id)
    )
    db.session.commit()
    return user


def building_name(db, world, community) -> str:
    return db.session.get(Building, world.buildings[community.id]).name


def crowd_the_street(world, n=SELECT_LIMIT) -> None:
    """Enough communities in the home street that a select would offer more than SELECT_LIMIT."""
    for _ in range(n):
        CommunityFactory(street_id=world.home.street_id)


# -- 预约事项 ---------------------------------------------------------------------------------------


def add_services(db, community, names, **fields) -> list[Bookable]:
    services = [Bookable(community_id=community.id, name=name, **fields) for name in names]
    db.session.add_all(services)
    db.session.commit()
    return services


def test_services_list_totals_and_sorts_by_name(client, db, world, counter):
    b, a, c = add_services(db, world.home, ["b 活动室", "a 证明开具", "c 老年证"])
    add_services(db, world.elsewhere, ["a 别处"])
    page = text(client.get(SERVICES))
    assert ids(page, "bookable") == [a.id, b.id, c.id]
    assert "共 3 条，第 1–3 条" in page
    assert ids(text(client.get(SERVICES, query_string={"sort": "-name"})), "bookable") == [c.id, b.id, a.id]


def test_services_search_by_name_narrows_the_total(client, db, world, counter):
    found, _ = add_services(db, world.home, ["活动室预约", "证明开具"])
    page = text(client.get(SERVICES, query_string={"q": "活动"}))
    assert ids(page, "bookable") == [found.id]
    assert "共 1 条" in page


def test_services_search_takes_underscore_literally(client, db, world, counter):
    literal, _ = add_services(db, world.home, ["A_B 场地", "AxB 场地"])
    assert ids(text(client.get(SERVICES, query_string={"q": "A_B"})), "bookable") == [literal.id]


def test_services_filters_by_approval_and_state(client, db, world, counter):
    (approved,) = add_services(db, world.home, ["需审核的"], requires_approval=True)
    (stopped,) = add_services(db, world.home, ["停用的"], active=False)
    (plain,) = add_services(db, world.home, ["普通的"])
    assert ids(text(client.get(SERVICES, query_string={"approval": "yes"})), "bookable") == [approved.id]
    assert set(ids(text(client.get(SERVICES, query_string={"approval": "no"})), "bookable")) == {
        stopped.id,
        plain.id,
    }
    page = text(client.get(SERVICES, query_string={"state": "inactive"}))
    assert ids(page, "bookable") == [stopped.id]
    assert '<option value="inactive" selected>停用</option>' in page


def test_services_pages_of_fifty(client, db, world, counter):
    assert PAGE_SIZE == 50
    add_services(db, world.home, [f"事项{i:03d}" for i in range(51)])
    first = text(client.get(SERVICES))
    assert len(ids(first, "bookable")) == 50
    assert "共 51 条，第 1–50 条" in first
    assert 'rel="next" href="/admin/bookables?sort=name&amp;page=2"' in first
    second = text(client.get(SERVICES, query_string={"page": 2}))
    assert "事项050" in second and "事项049" not in second
    assert 'rel="prev" href="/admin/bookables?sort=name"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    "query",
    ["page=x", "approval=maybe", "state=%00", "community_id=-1", "community_id=1e9", "sort=id", "q=%07"],
)
def test_services_bad_query_strings_are_ignored(client, db, world, counter, query):
    (service,) = add_services(db, world.home, ["证明开具"])
    response = client.get(f"{SERVICES}?{query}")
    assert response.status_code == 200
    assert ids(text(response), "bookable") == [service.id]


def test_services_list_runs_the_same_statements_however_many(client, app, db, world, counter):
    add_services(db, world.home, ["证明开具"])
    with count_queries(app) as one:
        client.get(SERVICES)
    add_services(db, world.home, [f"事项{i}" for i in range(20)])
    with count_queries(app) as many:
        assert len(ids(text(client.get(SERVICES)), "bookable")) == 21
    assert len(many) == len(one) == 3  # the account, the total, the page (services with their community)


def test_street_admin_filters_services_by_community(client, db, world):
    (home,) = add_services(db, world.home, ["证明开具"])
    (neighbour,) = add_services(db, world.neighbour, ["证明开具"])
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert f'<option value="{world.neighbour.id}">' in search_form(text(client.get(SERVICES)))
    page = text(client.get(SERVICES, query_string={"community_id": world.neighbour.id}))
    assert ids(page, "bookable") == [neighbour.id]
    ignored = text(client.get(SERVICES, query_string={"community_id": world.elsewhere.id}))
    assert set(ids(ignored, "bookable")) == {home.id, neighbour.id}


def test_street_admin_of_many_communities_filters_services_with_the_picker(client, db, world):
    crowd_the_street(world)
    (neighbour,) = add_services(db, world.neighbour, ["证明开具"])
    add_services(db, world.home, ["证明开具"])
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert 'data-picker="/admin/pick/communities"' in search_form(text(client.get(SERVICES)))
    page = text(client.get(SERVICES, query_string={"community_id": world.neighbour.id}))
    assert ids(page, "bookable") == [neighbour.id]
    assert f'value="{world.neighbour.name}"' in search_form(page)


def test_new_service_form_of_a_few_communities_is_a_select(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/bookables/new"))
    assert re.search(r'<select[^>]*name="community_id"', page)
    assert "data-picker" not in page


def test_city_admin_of_many_communities_picks_the_new_services_community(client, db, world):
    crowd_the_street(world)
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(client.get("/admin/bookables/new"))
    assert 'data-picker="/admin/pick/communities"' in page
    assert not re.search(r'<select[^>]*name="community_id"', page)
    form = {
        "community_id": str(world.neighbour.id),
        "name": "老年证办理",
        "slot_minutes": "30",
        "capacity": "1",
        "min_notice_hours": "1",
        "max_advance_days": "7",
        "max_active_per_user": "1",
        "cancel_cutoff_hours": "1",
        "active": "y",
    }
    refused = submit(client, "/admin/bookables/new", {**form, "name": ""}, page="/admin/bookables/new")
    assert refused.status_code == 422
    assert f'value="{world.neighbour.name}"' in text(refused)  # the picker keeps the choice
    submit(client, "/admin/bookables/new", form, page="/admin/bookables/new")
    assert db.session.scalar(select(Bookable.community_id)) == world.neighbour.id


# -- 预约暂停 ---------------------------------------------------------------------------------------


def suspend(db, user, community, days=30, lifted=False, started=None) -> BookingSuspension:
    suspension = BookingSuspension(
        user_id=user.id,
        community_id=community.id,
        no_shows=3,
        ends_at=now() + timedelta(days=days),
        lifted_at=now() if lifted else None,
        created_at=started or now(),
    )
    db.session.add(suspension)
    db.session.commit()
    return suspension


def row(page: str, suspension) -> str:
    return page.split(f'data-suspension="{suspension.id}"')[1].split("</tr>")[0]


def test_suspensions_show_residents_by_masked_name_and_building(client, db, world, counter):
    user = verified_resident(db, world, world.home, "张秀兰", "兰兰")
    suspension = suspend(db, user, world.home)
    page = text(client.get(SUSPENSIONS))
    resident = row(page, suspension).split('data-field="resident">')[1].split("</td>")[0]
    assert resident == f"{ZHANG}（{building_name(db, world, world.home)}）"
    assert "张秀兰" not in page
    assert f"用户 {user.id}" not in page and f"用户{user.id}" not in page
    assert "共 1 条" in page


def test_suspensions_search_by_verified_name_or_nickname(client, db, world, counter):
    zhang = suspend(db, verified_resident(db, world, world.home, "张秀兰", "兰兰"), world.home)
    wang = suspend(db, wechat_user("王小明"), world.home)
    assert ids(text(client.get(SUSPENSIONS, query_string={"q": "秀兰"})), "suspension") == [zhang.id]
    assert ids(text(client.get(SUSPENSIONS, query_string={"q": "小明"})), "suspension") == [wang.id]
    page = text(client.get(SUSPENSIONS, query_string={"q": "%"}))
    assert ids(page, "suspension") == []
    assert "共 0 条" in page


def test_suspensions_in_force_by_default_lifted_and_expired_on_request(client, db, world, counter):
    user = wechat_user("王小明")
    active = suspend(db, user, world.home)
    lifted = suspend(db, user, world.home, lifted=True)
    expired = suspend(db, user, world.home, days=-1)
    assert ids(text(client.get(SUSPENSIONS)), "suspension") == [active.id]
    page = text(client.get(SUSPENSIONS, query_string={"state": "lifted"}))
    assert ids(page, "suspension") == [lifted.id]
    assert "已解除" in row(page, lifted)
    assert "解除</button>" not in row(page, lifted)
    assert ids(text(client.get(SUSPENSIONS, query_string={"state": "expired"})), "suspension") == [expired.id]
    every = text(client.get(SUSPENSIONS, query_string={"state": "all"}))
    assert set(ids(every, "suspension")) == {active.id, lifted.id, expired.id}
    assert "共 3 条" in every
    assert ids(text(client.get(SUSPENSIONS, query_string={"state": "bogus"})), "suspension") == [active.id]


def test_suspensions_sort_by_start_and_end(client, db, world, counter):
    user = wechat_user("王小明")
    early_long = suspend(db, user, world.home, days=60, started=now() - timedelta(days=5))
    late_short = suspend(db, user, world.home, days=10, started=now() - timedelta(days=1))
    assert ids(text(client.get(SUSPENSIONS)), "suspension") == [late_short.id, early_long.id]
    by_start = text(client.get(SUSPENSIONS, query_string={"sort": "start"}))
    assert ids(by_start, "suspension") == [early_long.id, late_short.id]
    by_end = text(client.get(SUSPENSIONS, query_string={"sort": "end"}))
    assert ids(by_end, "suspension") == [late_short.id, early_long.id]
    assert ids(text(client.get(SUSPENSIONS, query_string={"sort": "-end"})), "suspension") == [
        early_long.id,
        late_short.id,
    ]


def test_suspensions_pages_of_fifty(client, db, world, counter):
    user = wechat_user("王小明")
    db.session.add_all(
        BookingSuspension(
            user_id=user.id, community_id=world.home.id, no_shows=3, ends_at=now() + timedelta(days=i + 1)
        )
        for i in range(51)
    )
    db.session.commit()
    first = text(client.get(SUSPENSIONS, query_string={"sort": "end"}))
    assert len(ids(first, "suspension")) == 50
    assert "共 51 条，第 1–50 条" in first
    assert 'rel="next" href="/admin/booking-suspensions?sort=end&amp;page=2"' in first
    second = text(client.get(SUSPENSIONS, query_string={"sort": "end", "page": 2}))
    assert len(ids(second, "suspension")) == 1
    assert 'rel="prev" href="/admin/booking-suspensions?sort=end"' in second


def test_suspensions_list_runs_the_same_statements_however_many(client, app, db, world, counter):
    suspend(db, wechat_user("王小明"), world.home)
    with count_queries(app) as one:
        client.get(SUSPENSIONS)
    for i in range(10):
        suspend(db, verified_resident(db, world, world.home, f"李{i}华", f"居民{i}"), world.home)
    with count_queries(app) as many:
        assert len(ids(text(client.get(SUSPENSIONS)), "suspension")) == 11
    # the account, the total, the page, the residents' labels, the communities' names
    assert len(many) == len(one) == 5


def test_lifting_names_the_resident_by_label(client, db, world, counter):
    suspension = suspend(db, verified_resident(db, world, world.home, "张秀兰", "兰兰"), world.home)
    page = text(submit(client, f"{SUSPENSIONS}/{suspension.id}/lift", page=SUSPENSIONS))
    assert f"已解除 {ZHANG}（{building_name(db, world, world.home)}） 的预约暂停" in page


# -- 预约日程 ---------------------------------------------------------------------------------------


def booked(db, service, user, hour=9):
    booking = book_slot(user, slot_at(service, TUESDAY, hour).id)
    db.session.commit()
    return db.session.get(Booking, booking.id)


def day_url(service, **params) -> str:
    query = "".join(f"&{k}={v}" for k, v in params.items())
    return f"{DAY}?bookable_id={service.id}&date={TUESDAY.isoformat()}{query}"


@pytest.fixture
def day(db, world, clock):
    """证明开具 on Tuesday: 张秀兰 (verified, building) at 9 checked in, 王小明 at 9 and 李华 at 10 booked."""
    service = make_service(world)
    zhang = booked(db, service, verified_resident(db, world, world.home, "张秀兰", "兰兰"))
    wang = booked(db, service, verified_resident(db, world, world.home, "王小明", "小明"))
    li = booked(db, service, verified_resident(db, world, world.home, "李华", "华华"), hour=10)
    clock.move_to(START + timedelta(days=1, hours=1))  # Tuesday 09:00
    check_in(world.staff[COMMUNITY_STAFF], zhang)
    db.session.commit()
    return service, zhang, wang, li


def test_day_view_shows_residents_by_label_and_the_days_total(client, db, world, day):
    service, zhang, *_ = day
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(day_url(service)))
    resident = page.split(f'data-booking="{zhang.id}"')[1].split("</span>")[0]
    assert resident.endswith(f"{ZHANG}（{building_name(db, world, world.home)}）")
    assert "张秀兰" not in page
    assert "当天共 3 个预约（已预约 2 · 已核销 1）" in page


def test_day_view_filters_by_status(client, world, day):
    service, _, wang, li = day
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(day_url(service, status="confirmed")))
    assert ids(page, "booking") == [wang.id, li.id]
    assert "当天共 3 个预约（已预约 2 · 已核销 1），符合条件的 2 个" in page
    assert '<option value="confirmed" selected>已预约</option>' in page


def test_day_view_finds_a_resident_by_name(client, world, day):
    service, _, wang, li = day
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(day_url(service, q="李华")))
    assert ids(page, "booking") == [li.id]
    assert f'data-slot="{li.slot_id}"' in page
    assert f'data-slot="{wang.slot_id}"' not in page  # slots without a match are left out
    assert "符合条件的 1 个" in page


@pytest.mark.parametrize("query", ["status=bogus", "status=%00", "q=%01"])
def test_day_view_ignores_bad_filters(client, world, day, query):
    service, *bookings = day
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = client.get(day_url(service) + "&" + query)
    assert response.status_code == 200
    assert ids(text(response), "booking") == [b.id for b in bookings]


def test_day_export_names_residents_as_the_day_view_does(client, db, world, day):
    service, *_ = day
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    csv = text(client.get(f"/admin/bookings/day/{service.id}/{TUESDAY.isoformat()}.csv"))
    assert f"{ZHANG}（{building_name(db, world, world.home)}）" in csv
    assert "张秀兰" not in csv
