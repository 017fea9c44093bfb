"""The console's notices list (search, filters, total, sort, pages) and the detail's unread pages."""

import re
from datetime import timedelta

import pytest

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, RESIDENT, STREET_ADMIN
from cloudplatform.service.notices.models import ALL, PARTY_MEMBERS
from cloudplatform.service.notices.operations import publish_broadcast
from tests.admin.console import sign_in_as, text
from tests.helpers import count_queries
from tests.service.notices.helpers import make_notice, person

LIST = "/admin/notices"


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-(?:notice|broadcast)="(\d+)"', page)


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def test_search_by_title_with_total(client, world, admin):
    water = make_notice(world.home, title="关于临时停水的通知")
    make_notice(world.home, title="垃圾分类告知书")
    page = text(client.get(LIST, query_string={"q": "停水"}))
    assert rows(page) == [str(water.id)]
    assert "共 1 条" in page
    assert "清除条件" in page


def test_status_filter_matches_the_shown_status(client, world, admin):
    out = make_notice(world.home)
    scheduled = make_notice(world.home, publish_at=now() + timedelta(days=1))
    expired = make_notice(world.home, expires_at=now() - timedelta(minutes=1))
    withdrawn = make_notice(world.home, withdrawn_at=now())
    for status, notice, name in (
        ("published", out, "已发布"),
        ("scheduled", scheduled, "待发布"),
        ("expired", expired, "已过期"),
        ("withdrawn", withdrawn, "已撤回"),
    ):
        page = text(client.get(LIST, query_string={"status": status}))
        assert rows(page) == [str(notice.id)], status
        assert f'<td data-field="status">{name}</td>' in page


def test_audience_filter(client, world, admin):
    make_notice(world.home)
    members = make_notice(world.home, audience=PARTY_MEMBERS)
    assert rows(text(client.get(LIST, query_string={"audience": PARTY_MEMBERS}))) == [str(members.id)]


def test_sort_by_publish_time_and_reads(client, world, admin):
    old = make_notice(world.home, publish_at=now() - timedelta(days=3), read_count=9)
    new = make_notice(world.home, publish_at=now() - timedelta(hours=1), read_count=1)
    mid = make_notice(world.home, publish_at=now() - timedelta(days=1), read_count=5)
    assert rows(text(client.get(LIST))) == [str(new.id), str(mid.id), str(old.id)]  # newest first
    assert rows(text(client.get(LIST, query_string={"sort": "publish"}))) == [
        str(old.id),
        str(mid.id),
        str(new.id),
    ]
    assert rows(text(client.get(LIST, query_string={"sort": "-reads"}))) == [
        str(old.id),
        str(mid.id),
        str(new.id),
    ]
    page = text(client.get(LIST, query_string={"sort": "reads"}))
    assert rows(page) == [str(new.id), str(mid.id), str(old.id)]
    assert 'aria-sort="ascending"' in page


def test_pages_of_fifty_with_previous_and_next(client, world, admin):
    for i in range(53):
        make_notice(world.home, publish_at=now() - timedelta(minutes=i + 1))
    first = text(client.get(LIST))
    assert len(rows(first)) == 50
    assert "共 53 条，第 1–50 条" in first
    assert re.search(r'rel="next" href="/admin/notices\?[^"]*page=2"', first)
    second = text(client.get(LIST, query_string={"page": 2}))
    assert len(rows(second)) == 3
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_kind_and_community_filters_for_a_street_admin(client, world):
    single = make_notice(world.neighbour, title="本社区通知")
    broadcast = publish_broadcast(
        world.staff[STREET_ADMIN], "street", world.home.street_id, "街道通知", "正文", ALL
    )
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert rows(text(client.get(LIST, query_string={"kind": "single"}))) == [str(single.id)]
    assert rows(text(client.get(LIST, query_string={"kind": "street"}))) == [str(broadcast.id)]
    assert rows(text(client.get(LIST, query_string={"kind": "city"}))) == []
    # one community: its own notices and its copy of the street's, each as a notice
    page = text(client.get(LIST, query_string={"community_id": world.neighbour.id}))
    assert len(rows(page)) == 2 and "data-broadcast=" not in page
    assert "共 2 条" in page
    assert 'data-picker="/admin/pick/communities"' in page


def test_a_broadcasts_reads_add_up_for_sorting(client, world):
    broadcast = publish_broadcast(world.staff[CITY_ADMIN], "city", None, "全市通知", "正文", ALL)
    db.session.flush()
    for notice in broadcast_copies(broadcast):
        notice.read_count = 3
    single = make_notice(world.home, read_count=7)
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(client.get(LIST, query_string={"sort": "-reads"}))
    assert rows(page) == [str(broadcast.id), str(single.id)]  # 3 communities × 3 reads = 9 > 7
    assert re.search(rf'<tr data-broadcast="{broadcast.id}">.*?data-field="read_count">9<', page, re.S)


def broadcast_copies(broadcast):
    from sqlalchemy import select

    from cloudplatform.service.notices.models import Notice

    return db.session.scalars(select(Notice).where(Notice.broadcast_id == broadcast.id)).all()


def list_statements(client) -> int:
    with count_queries(client.application) as statements:
        assert client.get(LIST).status_code == 200
    return len(statements)


def test_list_page_statements_do_not_grow_with_its_rows(client, world):
    make_notice(world.home)
    publish_broadcast(world.staff[STREET_ADMIN], "street", world.home.street_id, "街道通知", "正文", ALL)
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    few = list_statements(client)
    for _ in range(3):
        publish_broadcast(world.staff[STREET_ADMIN], "street", world.home.street_id, "又一条", "正文", ALL)
    db.session.commit()
    for _ in range(20):
        make_notice(world.neighbour)
    assert list_statements(client) == few
    assert few <= 8  # the session's staff member, total, page, broadcasts on it, community names


def test_unread_list_has_a_total_and_pages(client, world, admin, monkeypatch):
    monkeypatch.setattr("admin.notices.views.UNREAD_PAGE_SIZE", 2)
    notice = make_notice(world.home)
    for name in ("张秀兰", "李建国", "王芳"):
        person(name, world.home, RESIDENT, building_id=world.buildings[world.home.id])
    page = text(client.get(f"/admin/notices/{notice.id}"))
    assert '<span data-stat="unread_total">3</span>' in page
    assert len(re.findall(r"<tr data-unread=", page)) == 2
    assert "共 3 条，第 1–2 条" in page
    assert re.search(rf'rel="next" href="/admin/notices/{notice.id}\?[^"]*page=2"', page)
    second = text(client.get(f"/admin/notices/{notice.id}", query_string={"page": 2}))
    assert len(re.findall(r"<tr data-unread=", second)) == 1
    assert "王*" in page + second and "王芳" not in page + second


def test_building_choice_has_a_filter_box(client, world, admin):
    page = text(client.get("/admin/notices/new"))
    assert "data-check-filter" in page and "已选 0 栋" in page
