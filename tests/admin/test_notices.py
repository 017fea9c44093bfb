"""通知公告 in the console: list in scope, publish through the form, read statistics, withdraw."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cloudplatform.identity.models import COMMUNITY_ADMIN, GRID_WORKER, RESIDENT, STREET_ADMIN
from cloudplatform.service.notices.models import BUILDINGS, Notice, NoticeTarget
from tests.admin.console import sign_in, sign_in_as, submit, text
from tests.factories import BuildingFactory, GridFactory, StaffAccountFactory
from tests.service.notices.helpers import URL, make_notice, person
from tests.world import log_in

NEW = "/admin/notices/new"
FORM = {
    "title": "关于临时停水的通知",
    "body": "因管网改造，周六 8:00-18:00 停水，请提前储水。",
    "audience": "all",
    "publish_at": "",
    "expires_at": "",
    "attachments": "",
}


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def detail_url(notice) -> str:
    return f"/admin/notices/{notice.id}"


def notice_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Notice))


def stat(page: str, name: str) -> str:
    return re.search(rf'data-stat="{name}">([^<]*)<', page).group(1)


def options(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}"[^>]*value="([^"]+)"', page)


def test_list_shows_the_communitys_notices(client, world, admin):
    notice = make_notice(world.home, title="垃圾分类定时定点投放告知书")
    page = text(client.get("/admin/notices"))
    assert f'data-notice="{notice.id}"' in page
    assert "垃圾分类定时定点投放告知书" in page


def test_list_leaves_out_another_communitys_notices(client, world, admin):
    other = make_notice(world.neighbour)
    assert f'data-notice="{other.id}"' not in text(client.get("/admin/notices"))


def test_street_admin_lists_the_neighbours_notices_too(client, world):
    neighbour, elsewhere = make_notice(world.neighbour), make_notice(world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/notices"))
    assert f'data-notice="{neighbour.id}"' in page
    assert f'data-notice="{elsewhere.id}"' not in page


def test_publishing_through_the_form_creates_the_notice(client, db, world, admin):
    building = world.buildings[world.home.id]
    form = FORM | {"audience": BUILDINGS, "building_ids": [str(building)], "pinned": "y"}
    page = text(submit(client, NEW, form, page=NEW))
    assert "已发布通知“关于临时停水的通知”" in page
    notice = db.session.scalar(select(Notice))
    assert (notice.community_id, notice.audience, notice.pinned, notice.push) == (
        world.home.id,
        BUILDINGS,
        True,
        False,
    )
    assert db.session.scalars(select(NoticeTarget.building_id)).all() == [building]
    assert f'data-notice="{notice.id}"' in page


def test_form_times_are_beijing_time(client, db, world, admin):
    submit(client, NEW, FORM | {"publish_at": "2030-05-01T08:00", "expires_at": "2030-05-08T20:30"}, page=NEW)
    notice = db.session.scalar(select(Notice))
    assert notice.publish_at == datetime(2030, 5, 1, 0, 0, tzinfo=UTC)
    assert notice.expires_at == datetime(2030, 5, 8, 12, 30, tzinfo=UTC)


def test_form_attachment_lines_become_attachments(client, db, world, admin):
    lines = "停水区域示意图 | https://example.com/map.jpg\r\n\r\n说明.pdf|https://example.com/a.pdf"
    submit(client, NEW, FORM | {"attachments": lines}, page=NEW)
    assert db.session.scalar(select(Notice)).attachments == [
        {"name": "停水区域示意图", "url": "https://example.com/map.jpg"},
        {"name": "说明.pdf", "url": "https://example.com/a.pdf"},
    ]


def test_refused_publish_shows_the_reason_and_creates_nothing(client, db, world, admin):
    form = FORM | {"publish_at": "2030-05-08T08:00", "expires_at": "2030-05-01T08:00"}
    page = text(submit(client, NEW, form, page=NEW))
    assert "到期时间应晚于发布时间" in page
    assert 'value="关于临时停水的通知"' in page  # the form keeps what was typed
    assert notice_count(db) == 0


def test_attachment_line_without_a_bar_is_refused(client, db, world, admin):
    page = text(submit(client, NEW, FORM | {"attachments": "https://example.com/a.pdf"}, page=NEW))
    assert "附件第 1 行应为“名称|网址”" in page
    assert notice_count(db) == 0


def test_blank_title_is_refused(client, db, world, admin):
    page = text(submit(client, NEW, FORM | {"title": "   "}, page=NEW))
    assert "请输入标题" in page
    assert notice_count(db) == 0


def test_buildings_ticked_before_choosing_everyone_are_left_out(client, db, world, admin):
    form = FORM | {"audience": "all", "building_ids": [str(world.buildings[world.home.id])]}
    assert "已发布通知" in text(submit(client, NEW, form, page=NEW))
    assert db.session.scalar(select(func.count()).select_from(NoticeTarget)) == 0


def test_form_offers_only_the_communitys_grids_and_buildings(client, world, admin):
    page = text(client.get(NEW))
    assert options(page, "building_ids") == [str(world.buildings[world.home.id])]
    assert str(world.buildings[world.neighbour.id]) not in options(page, "building_ids")
    assert len(options(page, "grid_ids")) == 1


def test_building_of_another_community_is_refused(client, db, world, admin):
    form = FORM | {"audience": BUILDINGS, "building_ids": [str(world.buildings[world.neighbour.id])]}
    page = text(submit(client, NEW, form, page=NEW))
    assert "该社区没有所选楼栋" in page
    assert notice_count(db) == 0


def test_street_admin_picks_a_community_first(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(NEW))
    assert 'data-picker="/admin/pick/communities"' in page
    assert '<option value="' not in page  # no list of every community
    picked = client.get("/admin/pick/communities", query_string={"q": ""}).get_json()["items"]
    assert {item["id"] for item in picked} == {world.home.id, world.neighbour.id}
    form = text(client.get(NEW, query_string={"community_id": world.neighbour.id}))
    assert options(form, "building_ids") == [str(world.buildings[world.neighbour.id])]


def test_street_admin_cannot_pick_a_community_of_another_street(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert client.get(NEW, query_string={"community_id": world.elsewhere.id}).status_code == 404


@pytest.fixture
def readers(client, world):
    """A notice for everyone in home: 张秀兰 (building one) has read it; 李建国 (one), 王芳 (two) not."""
    first = world.buildings[world.home.id]
    second = BuildingFactory(grid_id=GridFactory(community_id=world.home.id).id, name="火炬路2号楼").id
    notice = make_notice(world.home, title="流感疫苗接种通知")
    person("张秀兰", world.home, RESIDENT, building_id=first, room="1单元101")
    person("李建国", world.home, RESIDENT, building_id=first, room="3单元502")
    person("王芳", world.home, RESIDENT, building_id=second, room="2单元301")
    person("reader", world.home, RESIDENT, building_id=first, room="1单元102")
    client.get(f"{URL}/{notice.id}", headers=log_in(client, "reader"))
    return notice, first, second


def test_detail_shows_read_count_and_audience(client, readers, admin):
    notice, _, _ = readers
    page = text(client.get(detail_url(notice)))
    assert (stat(page, "read_count"), stat(page, "audience"), stat(page, "unread")) == ("1", "4", "3")


def test_detail_lists_who_has_not_read_with_masked_names(client, readers, admin):
    notice, _, _ = readers
    page = text(client.get(detail_url(notice)))
    assert "李**" in page
    assert "3单元502" in page
    assert "李建国" not in page
    assert "1单元102" not in page  # the reader


def test_not_read_list_filters_by_building(client, readers, admin):
    notice, _, second = readers
    page = text(client.get(detail_url(notice), query_string={"building_id": second}))
    unread = re.findall(r'<tr data-unread="\d+"><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert unread == [("王*", "火炬路2号楼", "2单元301")]


def test_detail_shows_reads_per_building(client, readers, admin):
    notice, first, second = readers
    page = text(client.get(detail_url(notice)))
    rows = dict(re.findall(r'<tr data-building="(\d+)">\s*<td>[^<]*</td>(.*?)</tr>', page, re.S))
    cells = {b: re.findall(r"<td>(\d+)</td>", html) for b, html in rows.items()}
    assert cells == {str(first): ["3", "1", "2"], str(second): ["1", "0", "1"]}


def test_withdraw_button_takes_the_notice_down(client, db, world, readers, admin):
    notice, _, _ = readers
    page = text(submit(client, f"{detail_url(notice)}/withdraw", page=detail_url(notice)))
    assert "已撤回通知“流感疫苗接种通知”" in page
    assert '<dd data-field="status">已撤回' in page
    resident = log_in(client, "reader")
    assert client.get(f"{URL}/{notice.id}", headers=resident).status_code == 404


def test_another_communitys_notice_is_404(client, world, admin):
    other = make_notice(world.elsewhere)
    assert client.get(detail_url(other)).status_code == 404


def test_withdrawing_another_communitys_notice_is_404_and_changes_nothing(client, db, world, admin):
    other = make_notice(world.neighbour)
    response = submit(client, f"{detail_url(other)}/withdraw")
    assert response.status_code == 404
    assert db.session.scalar(select(Notice.withdrawn_at).where(Notice.id == other.id)) is None


def test_staff_of_another_community_cannot_open_the_notice(client, world):
    notice = make_notice(world.home)
    outsider = StaffAccountFactory(
        username="far-admin", role=COMMUNITY_ADMIN, community_id=world.elsewhere.id
    )
    sign_in_as(client, outsider)
    assert client.get(detail_url(notice)).status_code == 404
    assert f'data-notice="{notice.id}"' not in text(client.get("/admin/notices"))


@pytest.mark.parametrize("path", ["/admin/notices", NEW, "/admin/notices/{id}"])
def test_grid_worker_is_refused_every_notice_page(client, world, path):
    notice = make_notice(world.home)
    sign_in_as(client, world.staff[GRID_WORKER])
    assert client.get(path.format(id=notice.id)).status_code == 403


@pytest.mark.parametrize("path", ["/admin/notices", NEW, "/admin/notices/{id}"])
def test_signed_out_visitor_is_sent_to_sign_in(client, world, path):
    notice = make_notice(world.home)
    response = client.get(path.format(id=notice.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/sign-in")


def test_wrong_password_reaches_no_notice_page(client, world):
    sign_in(client, world.staff[COMMUNITY_ADMIN].username, "not-the-password")
    assert client.get("/admin/notices").status_code == 302
