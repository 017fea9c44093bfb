"""困难救助 in the console as community workers use it: the queue by step with the clock, names masked and
the ID number never on it; the full record (404 outside the scope) shows the ID number and writes one
audit row per view; decisions change the status and say so, a stale page's decision shows the 409
message and changes nothing; the street alone grants; files only to the case's reviewers; exports
without personal columns unless allowed, always audited; 公示, statistics, categories and the dashboard.

The clock stands on Monday 2026-12-07 08:00 in Asia/Shanghai.
"""

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
)
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import (
    GRANTED,
    INCOMPLETE,
    PUBLICITY,
    REJECTED,
    REVIEW,
    STREET_REVIEW,
    SUBMITTED,
    AidApplication,
    AidCategory,
)
from tests.admin.aid.cases import (
    CATEGORIES,
    FULL_NAME,
    PHONE,
    QUEUE,
    STATISTICS,
    at_status,
    at_street,
    audit_rows,
    case_in,
    in_review,
    material_upload_id,
    status_of,
    steps_of,
)
from tests.admin.aid.cases import (
    PUBLICITY as PUBLICITY_PAGE,
)
from tests.admin.console import sign_in_as, submit, text
from tests.admin.list_pages import ids_on, row_of
from tests.helpers import count_queries
from tests.service.aid.fixtures import ID_NUMBER, png_bytes, resident_at

ROLES = [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]
WRONG_STEP = "该申请当前不在此办理环节，请刷新后重试"


def record_page(case) -> str:
    return f"{QUEUE}/{case.id}"


def post(client, case, action, data=None):
    return submit(client, f"{QUEUE}/{case.id}/{action}", data, page=record_page(case))


# -- the queue -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [QUEUE, PUBLICITY_PAGE, STATISTICS])
def test_every_reviewer_opens_the_pages(client, world, path, role):
    case_in(world)
    sign_in_as(client, world.staff[role])
    assert client.get(path).status_code == 200


def test_the_queue_masks_the_applicant_and_never_shows_the_id_number(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(QUEUE))
    row = row_of(page, "application", case.id)
    assert "李**" in row and "138****1234" in row and "6103**********1232" in row
    assert ID_NUMBER not in page and FULL_NAME not in page and PHONE not in page


def test_the_queue_shows_each_step_and_its_count(client, world):
    submitted, reviewed = case_in(world), in_review(world, key="temporary")
    sign_in_as(client, world.staff[GRID_WORKER])
    first = text(client.get(QUEUE))
    assert ids_on(first, "application") == [str(submitted.id)]  # 待受理 first
    assert '<span data-count="review">1</span>' in first
    assert ids_on(text(client.get(QUEUE, query_string={"step": REVIEW})), "application") == [str(reviewed.id)]


def test_the_street_sees_its_approvals_first(client, world):
    case_in(world)
    waiting = at_street(world, key="temporary")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert ids_on(text(client.get(QUEUE)), "application") == [str(waiting.id)]


def test_the_queue_searches_by_name_and_filters_by_category(client, world):
    medical = case_in(world)
    temporary = case_in(world, key="temporary", applicant_name="王建国", id_number="610302198505051233")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert ids_on(text(client.get(QUEUE, query_string={"q": "王建"})), "application") == [str(temporary.id)]
    assert ids_on(text(client.get(QUEUE, query_string={"q": "医疗"})), "application") == [str(medical.id)]
    by_category = text(client.get(QUEUE, query_string={"category_id": medical.category_id}))
    assert ids_on(by_category, "application") == [str(medical.id)]


def test_a_street_admin_filters_by_community(client, world):
    home, neighbour = at_street(world), at_street(world, world.neighbour)
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert sorted(ids_on(text(client.get(QUEUE)), "application")) == sorted([str(home.id), str(neighbour.id)])
    chosen = text(client.get(QUEUE, query_string={"community_id": world.neighbour.id}))
    assert ids_on(chosen, "application") == [str(neighbour.id)]


def test_another_communitys_cases_are_not_listed(client, world):
    case_in(world, world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert ids_on(text(client.get(QUEUE)), "application") == []


def test_the_clock_shows_working_days_left_and_overdue_in_red(client, world, clock):
    due = case_in(world)
    late = case_in(world, key="temporary", applicant_name="王建国", id_number="610302198505051233")
    db.session.execute(
        sa.update(AidApplication).where(AidApplication.id == late.id).values(due_on=date(2026, 12, 1))
    )
    db.session.commit()
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(QUEUE))
    assert "2026-12-28 · 剩 15 个工作日" in row_of(page, "application", due.id)  # 15 working days on
    assert 'data-clock="overdue">2026-12-01 · 已超期 4 个工作日' in row_of(page, "application", late.id)


# -- the full record ---------------------------------------------------------------------------------------


def test_the_record_shows_the_id_number_and_writes_one_audit_row_per_view(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(record_page(case)))
    assert f'<dd data-field="id_number">{ID_NUMBER}</dd>' in page
    assert FULL_NAME in page and PHONE in page
    assert len(audit_rows("aid_application.view")) == 1
    client.get(record_page(case))
    views = audit_rows("aid_application.view")
    assert len(views) == 2
    assert {(v.target_id, v.details["purpose"]) for v in views} == {(str(case.id), "审核")}


def test_the_record_lists_the_checklist_with_what_is_missing(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(record_page(case)))
    assert 'data-state="have"' in row_of(page, "material", "身份证")
    for item in ("户口簿", "诊断证明", "医疗费用票据", "收入证明"):
        assert 'data-state="missing"' in row_of(page, "material", item)


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_ADMIN])
def test_another_communitys_case_is_404_and_not_audited(client, world, role):
    case = case_in(world, world.neighbour)
    sign_in_as(client, world.staff[role])
    assert client.get(record_page(case)).status_code == 404
    assert audit_rows("aid_application.view") == []


def test_the_street_opens_its_communities_cases_but_not_another_streets(client, world):
    neighbour, elsewhere = case_in(world, world.neighbour), case_in(world, world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert client.get(record_page(neighbour)).status_code == 200
    assert client.get(record_page(elsewhere)).status_code == 404


def test_the_record_offers_only_the_decisions_of_its_status(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(record_page(case)))
    assert re.findall(r'data-form="([a-z_]+)"', page) == ["accept", "request_materials", "reject"]


def test_the_street_is_offered_the_grant(client, world):
    case = at_street(world)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(record_page(case)))
    assert re.findall(r'data-form="([a-z_]+)"', page) == ["grant", "emergency", "reject"]


# -- decisions --------------------------------------------------------------------------------------------


def test_accepting_moves_the_case_to_review_and_says_so(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(post(client, case, "accept", {"seen": SUBMITTED}))
    assert "已受理 李** 的救助申请" in page
    assert status_of(case.id) == REVIEW
    assert steps_of(case.id) == ["accept"]


def test_materials_are_requested_all_at_once(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    data = {"seen": SUBMITTED, "missing": ["户口簿", "诊断证明"], "other": "社区证明、病历"}
    page = text(post(client, case, "request-materials", data))
    assert "已通知 李** 补正材料" in page
    assert status_of(case.id) == INCOMPLETE
    assert db.session.get(AidApplication, case.id).missing == ["户口簿", "诊断证明", "社区证明", "病历"]


def test_a_stale_page_gets_the_wrong_step_message_and_changes_nothing(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    post(client, case, "accept", {"seen": SUBMITTED})
    page = text(post(client, case, "request-materials", {"seen": SUBMITTED, "missing": ["户口簿"]}))
    assert WRONG_STEP in page
    assert status_of(case.id) == REVIEW
    assert steps_of(case.id) == ["accept"]
    again = text(post(client, case, "accept", {"seen": SUBMITTED}))
    assert WRONG_STEP in again
    assert steps_of(case.id) == ["accept"]


def test_a_rejection_needs_a_reason(client, world):
    case = case_in(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    assert "请填写驳回理由" in text(post(client, case, "reject", {"seen": SUBMITTED, "reason": ""}))
    assert status_of(case.id) == SUBMITTED
    page = text(post(client, case, "reject", {"seen": SUBMITTED, "reason": "家庭收入超过标准"}))
    assert "已驳回 李** 的救助申请" in page
    assert status_of(case.id) == REJECTED


def test_the_visit_keeps_notes_and_photos_then_publicity_takes_the_amount_in_yuan(client, world):
    case = in_review(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    token_page = text(client.get(record_page(case)))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    response = client.post(
        f"{QUEUE}/{case.id}/visit",
        data={
            "csrf_token": token,
            "notes": "入户核实：家中无其他收入",
            "photos": [(io.BytesIO(png_bytes()), "入户.png")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已记录入户核查情况" in text(response)
    post(client, case, "publicize", {"seen": REVIEW, "proposed_amount": "2000.50"})
    db.session.commit()
    stored = db.session.get(AidApplication, case.id)
    assert (stored.status, stored.proposed_amount, stored.visit_notes) == (
        PUBLICITY,
        200050,
        "入户核实：家中无其他收入",
    )
    assert [f.kind for f in stored.files] == ["material", "visit_photo"]


def test_a_visit_photo_that_is_not_an_image_is_refused(client, world):
    case = in_review(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get(record_page(case)))).group(1)
    response = client.post(
        f"{QUEUE}/{case.id}/visit",
        data={"csrf_token": token, "notes": "入户", "photos": [(io.BytesIO(b"MZ\x90\x00" * 64), "照片.png")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "不是 JPEG 或 PNG 图片" in text(response)
    db.session.commit()
    assert db.session.get(AidApplication, case.id).visit_notes == ""


def test_a_grid_worker_may_not_grant(client, world):
    case = at_street(world)
    sign_in_as(client, world.staff[GRID_WORKER])
    assert post(client, case, "grant", {"seen": STREET_REVIEW, "amount": "100"}).status_code == 403
    assert status_of(case.id) == STREET_REVIEW


def test_the_street_grants_the_amount_in_yuan(client, world):
    case = at_street(world)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(post(client, case, "grant", {"seen": STREET_REVIEW, "amount": "1500", "items": "米面油"}))
    assert "已批准 李** 的救助申请" in page
    db.session.commit()
    stored = db.session.get(AidApplication, case.id)
    assert (stored.status, stored.granted_amount, stored.granted_items) == (GRANTED, 150000, "米面油")


def test_a_grant_above_the_ceiling_is_refused(client, world):
    case = at_street(world, key="disability")  # 5000 元 at most
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(post(client, case, "grant", {"seen": STREET_REVIEW, "amount": "5000.01"}))
    assert "金额不能超过 5000.00 元" in page
    assert status_of(case.id) == STREET_REVIEW


def test_a_community_admin_grants_emergency_aid_where_the_category_allows(client, world):
    case = case_in(world, key="temporary")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(post(client, case, "emergency", {"seen": SUBMITTED, "amount": "800"}))
    assert "已为 李** 先行救助" in page
    db.session.commit()
    assert db.session.get(AidApplication, case.id).emergency_amount == 80000


def test_a_grid_worker_may_not_grant_emergency_aid(client, world):
    case = case_in(world, key="temporary")
    sign_in_as(client, world.staff[GRID_WORKER])
    assert post(client, case, "emergency", {"seen": SUBMITTED, "amount": "800"}).status_code == 403


def test_an_objection_is_answered_from_the_record(client, world):
    case = in_review(world)
    grid = world.staff[GRID_WORKER]
    aid.record_visit(grid, case, "入户核实")
    aid.publicize(grid, case, proposed_amount=100000)
    neighbour = resident_at(world, "赵大爷", room="2-202")
    objection = aid.object_to(neighbour, case, "申请人家中有门面房出租")
    db.session.commit()
    sign_in_as(client, grid)
    listed = text(client.get(PUBLICITY_PAGE))
    assert "data-unanswered>1</span>" in row_of(listed, "application", case.id)
    page = text(
        submit(
            client,
            f"{QUEUE}/{case.id}/objections/{objection.id}/answer",
            {"answer": "经核查门面房已出售"},
            page=record_page(case),
        )
    )
    assert "已答复公示异议" in page and "经核查门面房已出售" in page
    assert "data-unanswered>" not in text(client.get(PUBLICITY_PAGE))


# -- files ----------------------------------------------------------------------------------------------


def test_a_material_image_is_shown_inline_to_the_reviewer_only(client, world):
    case = case_in(world)
    upload_id = material_upload_id(case)
    sign_in_as(client, world.staff[GRID_WORKER])
    response = client.get(f"{QUEUE}/{case.id}/files/{upload_id}")
    assert response.status_code == 200
    assert response.content_type == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.startswith(b"\x89PNG")


def test_a_file_of_another_case_or_community_is_404(client, world):
    mine, theirs = case_in(world), case_in(world, world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert client.get(f"{QUEUE}/{mine.id}/files/{material_upload_id(theirs)}").status_code == 404
    assert client.get(f"{QUEUE}/{theirs.id}/files/{material_upload_id(theirs)}").status_code == 404


# -- exports --------------------------------------------------------------------------------------------


def exported(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_an_export_without_the_right_has_no_personal_columns(client, world):
    case_in(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = client.get(f"{QUEUE}/export.csv", query_string={"step": SUBMITTED})
    assert response.status_code == 200
    rows = exported(response)
    assert rows[0] == [
        "编号",
        "提交时间",
        "社区",
        "类别",
        "状态",
        "申请金额（元）",
        "批准金额（元）",
        "截止日期",
        "办结时间",
    ]
    assert len(rows) == 2
    body = response.data.decode("utf-8-sig")
    assert ID_NUMBER not in body and FULL_NAME not in body and PHONE not in body
    assert "6103" not in body  # not even masked
    [entry] = audit_rows("aid_application.export")
    assert entry.details["sensitive"] is False and entry.details["step"] == SUBMITTED


def test_an_export_with_the_right_has_the_full_name_phone_and_id_number(client, world):
    case_in(world)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    rows = exported(client.get(f"{QUEUE}/export.csv", query_string={"step": SUBMITTED, "q": "李"}))
    assert rows[0][:4] == ["编号", "申请人", "联系电话", "身份证号码"]
    assert rows[1][1:4] == [FULL_NAME, PHONE, ID_NUMBER]
    [entry] = audit_rows("aid_application.export")
    assert (entry.details["sensitive"], entry.details["q"], entry.details["rows"]) == (True, "李", 1)


def test_an_excel_export_keeps_the_filters(client, world):
    case_in(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = client.get(f"{QUEUE}/export.xlsx", query_string={"step": REVIEW})
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert audit_rows("aid_application.export")[0].details["rows"] == 0


# -- statistics ---------------------------------------------------------------------------------------


def test_statistics_count_by_category_and_outcome_with_the_median_days(client, world, clock):
    granted, rejected = at_street(world), case_in(world, key="temporary")
    case_in(world, world.elsewhere)  # another street's: not counted
    clock.shift(86400 * 4)
    aid.grant(world.staff[STREET_ADMIN], granted, 100000)
    clock.shift(86400 * 2)
    aid.reject(world.staff[GRID_WORKER], rejected, "不符合条件")
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(STATISTICS))
    assert '<div class="value" data-figure="total">2</div>' in page
    assert '<div class="value" data-figure="median">5.0</div>' in page  # days 4 and 6
    medical = re.search(r'data-table="categories".*?<tr data-row="医疗救助">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", medical) == ["医疗救助", "1", "0", "1", "0", "0", "4.0"]
    assert f'<tr data-row="{world.home.name}">' in page
    assert 'data-chart="categories"' in page


def test_the_city_sees_statistics_by_street(client, world):
    case_in(world)
    case_in(world, world.elsewhere)
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(client.get(STATISTICS))
    assert "按街道" in page
    assert len(re.findall(r'data-table="units".*?</table>', page, re.S)[0].split("<tr data-row=")) == 3


# -- categories -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_ADMIN, STREET_ADMIN])
def test_only_the_city_configures_categories(client, world, role):
    sign_in_as(client, world.staff[role])
    assert client.get(CATEGORIES).status_code == 403
    assert client.get(f"{CATEGORIES}/new").status_code == 403


CATEGORY = {
    "name": "就业救助",
    "description": "失业人员",
    "materials": "身份证\n失业证明\n身份证",
    "needs_visit": "y",
    "publicity_days": "5",
    "deadline_working_days": "10",
    "max_amount": "3000",
    "active": "y",
    "sort": "9",
}


def test_the_city_creates_and_edits_a_category(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(submit(client, f"{CATEGORIES}/new", CATEGORY, page=f"{CATEGORIES}/new"))
    assert "已新建救助类别“就业救助”" in page
    db.session.commit()
    made = db.session.scalar(sa.select(AidCategory).where(AidCategory.name == "就业救助"))
    assert (made.materials, made.max_amount, made.publicity_days, made.emergency_allowed) == (
        ["身份证", "失业证明"],
        300000,
        5,
        False,
    )
    edit = f"{CATEGORIES}/{made.id}/edit"
    assert "身份证\n失业证明" in text(client.get(edit))
    submit(client, edit, CATEGORY | {"max_amount": "", "emergency_allowed": "y"}, page=edit)
    db.session.commit()
    db.session.refresh(made)
    assert (made.max_amount, made.emergency_allowed) == (None, True)
    assert [e.action for e in audit_rows("aid_category.create") + audit_rows("aid_category.update")] == [
        "aid_category.create",
        "aid_category.update",
    ]
    assert audit_rows("aid_category.update")[0].details["changed"] == ["emergency_allowed", "max_amount"]


def test_a_bad_category_shows_its_errors_and_changes_nothing(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    response = submit(
        client, f"{CATEGORIES}/new", CATEGORY | {"name": "", "max_amount": "十元"}, page=f"{CATEGORIES}/new"
    )
    assert response.status_code == 422
    assert "请填写名称" in text(response) and "请填写金额（元），最多两位小数" in text(response)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AidCategory)) == 0


# -- the dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_counts_the_cases_waiting_and_those_overdue(client, world):
    case_in(world)
    late = in_review(world, key="temporary")
    db.session.execute(
        sa.update(AidApplication).where(AidApplication.id == late.id).values(due_on=date(2026, 12, 1))
    )
    db.session.commit()
    at_street(world, key="disability")  # the street's step, not the community's
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get("/admin/"))
    assert '<div class="value" data-count="待办救助申请">2</div>' in page
    assert "其中已超期 1 件" in page
    client.post("/admin/sign-out")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert '<div class="value" data-count="待办救助申请">1</div>' in text(client.get("/admin/"))


# -- the holiday calendar -------------------------------------------------------------------------------

CALENDAR = "/admin/aid/calendar"


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_ADMIN, STREET_ADMIN])
def test_only_the_city_keeps_the_calendar(client, world, role):
    sign_in_as(client, world.staff[role])
    assert client.get(CALENDAR).status_code == 403
    assert submit(client, CALENDAR, {"day": "2026-12-08", "workday": "0"}).status_code == 403
    assert audit_rows("calendar.update") == []


def test_the_city_sets_a_holiday_that_the_next_case_counts_and_clears_it(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(
        submit(client, CALENDAR, {"day": "2026-12-08", "workday": "0", "name": "测试假日"}, page=CALENDAR)
    )
    assert "已将 2026-12-08 设为放假" in page
    assert '<td data-field="workday">放假</td>' in row_of(page, "day", "2026-12-08")
    case = case_in(world)
    assert case.due_on == date(2026, 12, 29)  # one working day later than without the holiday
    cleared = text(submit(client, f"{CALENDAR}/clear", {"day": "2026-12-08"}, page=CALENDAR))
    assert "2026-12-08 已恢复为按星期计算" in cleared
    assert 'data-day="2026-12-08"' not in cleared
    assert len(audit_rows("calendar.update")) == 2


def test_a_calendar_entry_without_a_date_is_refused(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    response = submit(client, CALENDAR, {"day": "", "workday": "0"}, page=CALENDAR)
    assert response.status_code == 422
    assert "请选择日期" in text(response)


# -- statements -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"), [(QUEUE, STREET_REVIEW), (PUBLICITY_PAGE, PUBLICITY), (STATISTICS, STREET_REVIEW)]
)
def test_the_lists_run_the_same_statements_however_many_cases(app, client, world, path, status):
    at_status(world, status, world.neighbour, key="temporary")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert 'data-application="' in text(client.get(path)) or path == STATISTICS
    with count_queries(app) as few:
        client.get(path)
    for key in ("medical", "disability", "education"):
        at_status(world, status, key=key)
    with count_queries(app) as more:
        client.get(path)
    assert len(few) == len(more)
