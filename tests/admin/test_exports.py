"""Exports of the lists staff take away: opened as a spreadsheet would, masked, guarded, scoped, audited."""

import csv
import io
import re
from urllib.parse import quote

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.audit.operations import record
from cloudplatform.identity.models import (
    APPROVED,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    RESIDENT,
)
from cloudplatform.service.bookings.operations import book_slot
from tests.admin.console import residency_request, sign_in_as, text
from tests.factories import BuildingFactory, GridFactory
from tests.service.bookings.fixtures import MONDAY, START, make_service, resident_of, slot_at
from tests.service.notices.helpers import URL, make_notice, person
from tests.world import log_in

TUESDAY = MONDAY.replace(day=MONDAY.day + 1)


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


@pytest.fixture
def readers(client, world):
    """A notice for everyone in home: 李建国 (building one), 王芳 and a formula (two) have not read it."""
    first = world.buildings[world.home.id]
    second = BuildingFactory(grid_id=GridFactory(community_id=world.home.id).id, name="火炬路2号楼").id
    notice = make_notice(world.home, title="流感疫苗接种通知")
    person("李建国", world.home, RESIDENT, building_id=first, room="3单元502")
    person("王芳", world.home, RESIDENT, building_id=second, room="2单元301")
    person("=HYPERLINK(1)", world.home, RESIDENT, building_id=second, room="-1")
    person("reader", world.home, RESIDENT, building_id=first, room="1单元102")
    client.get(f"{URL}/{notice.id}", headers=log_in(client, "reader"))
    return notice, first, second


# -- the unread list of a notice ------------------------------------------------------------------


def test_unread_excel_lists_who_has_not_read_masked(client, readers, admin):
    notice, _, _ = readers
    rows = read_xlsx(client.get(f"/admin/notices/{notice.id}/unread.xlsx"))
    assert rows[0] == ["昵称", "楼栋", "房号"]
    assert {(name, room) for name, _, room in rows[1:]} == {
        ("李**", "3单元502"),
        ("王*", "2单元301"),
        ("'=************", "'-1"),  # what a spreadsheet would run as a formula starts with a quote
    }
    assert "李建国" not in str(rows)
    assert "1单元102" not in str(rows)  # the reader


def test_unread_csv_guards_formulas_and_keeps_chinese(client, readers, admin):
    notice, _, second = readers
    response = client.get(f"/admin/notices/{notice.id}/unread.csv", query_string={"building_id": second})
    assert response.mimetype == "text/csv"
    rows = read_csv(response)
    assert rows[0] == ["昵称", "楼栋", "房号"]
    assert sorted(rows[1:]) == [["'=************", "火炬路2号楼", "'-1"], ["王*", "火炬路2号楼", "2单元301"]]


def test_unread_export_has_a_chinese_file_name(client, readers, admin):
    notice, _, _ = readers
    disposition = client.get(f"/admin/notices/{notice.id}/unread.xlsx").headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('未读名单-流感疫苗接种通知.xlsx')}" in disposition


def test_unread_export_is_audited(client, db, readers, admin):
    notice, _, _ = readers
    client.get(f"/admin/notices/{notice.id}/unread.csv")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.notice_unread")).one()
    assert (entry.actor_name, entry.target_id, entry.details["format"]) == (
        admin.username,
        str(notice.id),
        "csv",
    )


def test_another_communitys_unread_list_is_404(client, db, world, admin):
    other = make_notice(world.neighbour)
    assert client.get(f"/admin/notices/{other.id}/unread.xlsx").status_code == 404
    assert client.get(f"/admin/notices/{other.id}/unread/print").status_code == 404
    assert "export.notice_unread" not in actions(db)


def test_grid_worker_may_not_export_unread_lists(client, world, readers):
    notice, _, _ = readers
    sign_in_as(client, world.staff[GRID_WORKER])
    assert client.get(f"/admin/notices/{notice.id}/unread.csv").status_code == 403


def test_printable_list_groups_by_building(client, db, readers, admin):
    notice, _, _ = readers
    page = text(client.get(f"/admin/notices/{notice.id}/unread/print"))
    buildings = re.findall(r'data-print-building="([^"]+)"', page)
    assert len(buildings) == 2
    assert "火炬路2号楼（2 人）" in page
    assert "@media print" in page
    assert "李**" in page and "李建国" not in page
    assert "共 3 人未读" in page
    assert "export.notice_unread" in actions(db)


def test_detail_page_links_the_exports(client, readers, admin):
    notice, _, _ = readers
    page = text(client.get(f"/admin/notices/{notice.id}"))
    assert f"/admin/notices/{notice.id}/unread.xlsx" in page
    assert f"/admin/notices/{notice.id}/unread/print" in page


def test_detail_page_charts_the_read_rate_of_each_building(client, readers, admin):
    notice, _, _ = readers
    page = text(client.get(f"/admin/notices/{notice.id}"))
    chart = page.split('data-chart="read-rate"')[1].split("</svg>")[0]
    assert chart.count('<g class="bar">') == 2
    assert "<title>各楼栋阅读率</title>" in chart
    assert "50%" in chart  # building one: one of two has read


# -- a day's bookings -----------------------------------------------------------------------------


@pytest.fixture
def day_bookings(client, world, db):
    with time_machine.travel(START, tick=False):
        service = make_service(world)
        for hour, name in ((9, "王小明"), (10, "@SUM(A1)")):
            book_slot(resident_of(world.home, name), slot_at(service, TUESDAY, hour).id)
        db.session.commit()
        sign_in_as(client, world.staff[COMMUNITY_STAFF])
        yield service


def test_day_export_lists_the_days_bookings_masked(client, day_bookings):
    rows = read_xlsx(client.get(f"/admin/bookings/day/{day_bookings.id}/{TUESDAY.isoformat()}.xlsx"))
    assert rows[0] == ["时段", "预约人", "状态"]
    assert rows[1:] == [["09:00–10:00", "王**", "已预约"], ["10:00–11:00", "'@*******", "已预约"]]


def test_day_export_as_csv_is_audited(client, db, day_bookings):
    rows = read_csv(client.get(f"/admin/bookings/day/{day_bookings.id}/{TUESDAY.isoformat()}.csv"))
    assert len(rows) == 3
    assert "export.day_bookings" in actions(db)


def test_another_communitys_day_is_404(client, world, db, day_bookings):
    other = make_service(world, world.neighbour)
    assert client.get(f"/admin/bookings/day/{other.id}/{TUESDAY.isoformat()}.csv").status_code == 404
    assert "export.day_bookings" not in actions(db)


def test_day_view_links_the_export(client, day_bookings):
    page = text(client.get(f"/admin/bookings/day?bookable_id={day_bookings.id}&date={TUESDAY.isoformat()}"))
    assert f"/admin/bookings/day/{day_bookings.id}/{TUESDAY.isoformat()}.xlsx" in page


# -- residency decisions and the audit log --------------------------------------------------------


def test_residency_export_of_one_status_masks_names(client, world, db, admin):
    residency_request(world, world.home, real_name="张秀兰", status=APPROVED)
    residency_request(world, world.home, real_name="刘洋")  # pending: another tab
    residency_request(world, world.neighbour, real_name="陈静", status=APPROVED)
    rows = read_xlsx(client.get("/admin/residency/export.xlsx", query_string={"status": APPROVED}))
    assert rows[0] == ["编号", "申请时间", "姓名", "社区", "楼栋", "状态"]
    assert [(r[2], r[5]) for r in rows[1:]] == [("张**", "已通过")]
    assert "export.residency_requests" in actions(db)


def test_audit_export_is_scoped_and_records_itself(client, world, db, admin):
    record(None, "test.home", community_id=world.home.id)
    record(None, "test.neighbour", community_id=world.neighbour.id)
    db.session.commit()
    rows = read_csv(client.get("/admin/audit/export.csv"))
    assert rows[0] == ["时间", "操作人", "操作", "对象", "社区", "请求"]
    exported = [r[2] for r in rows[1:]]
    assert "test.home" in exported
    assert "test.neighbour" not in exported
    assert actions(db)[-1] == "export.audit_log"


def test_unknown_export_format_is_404(client, admin):
    assert client.get("/admin/audit/export.pdf").status_code == 404
