"""The audit log shows the entries of the member's communities (city admins: also those of none)."""

import csv
import io
from datetime import UTC, datetime

import pytest

from cloudplatform.audit.operations import record
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, GRID_WORKER, STREET_ADMIN
from tests.admin.console import sign_in_as, text
from tests.admin.list_pages import ids_on, pager_link, row_of
from tests.factories import UserFactory
from tests.helpers import count_queries


@pytest.fixture
def entries(world, db):
    record(None, "test.home", community_id=world.home.id)
    record(None, "test.neighbour", community_id=world.neighbour.id)
    record(None, "test.elsewhere", community_id=world.elsewhere.id)
    record(None, "test.no_community")
    db.session.commit()


def audit_actions(client) -> set[str]:
    page = text(client.get("/admin/audit"))
    return {a for a in ("test.home", "test.neighbour", "test.elsewhere", "test.no_community") if a in page}


def test_community_admin_sees_only_home(client, world, entries):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert audit_actions(client) == {"test.home"}


def test_street_admin_sees_the_street(client, world, entries):
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert audit_actions(client) == {"test.home", "test.neighbour"}


def test_city_admin_also_sees_entries_without_a_community(client, world, entries):
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert audit_actions(client) == {"test.home", "test.neighbour", "test.elsewhere", "test.no_community"}


def test_entries_name_their_community(client, world, entries):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert f"<td>{world.home.name}</td>" in text(client.get("/admin/audit"))


# -- names, links, search, filters, pages ----------------------------------------------------------


class Notice:  # record() names a target by its class: a stand-in of the model is enough here
    def __init__(self, id):
        self.id = id


class Upload(Notice):
    pass


class User(Notice):
    pass


class StaffAccount(Notice):
    pass


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def entries_on(page: str) -> list[int]:
    return [int(i) for i in ids_on(page, "entry")]


def test_actions_show_by_their_chinese_names(client, world, db, admin):
    entry = record(world.staff[COMMUNITY_ADMIN], "staff.sign_in", community_id=world.home.id)
    db.session.commit()
    cells = row_of(text(client.get("/admin/audit")), "entry", entry.id)
    assert '<td data-action="staff.sign_in">登录后台</td>' in cells
    assert "<td>u-community_admin</td>" in cells


def test_a_target_links_to_its_page(client, world, db, admin):
    entry = record(None, "notice.publish", target=Notice(7), community_id=world.home.id)
    db.session.commit()
    cells = row_of(text(client.get("/admin/audit")), "entry", entry.id)
    assert '<a href="/admin/notices/7">通知公告 #7</a>' in cells
    assert "发布通知公告" in cells


def test_a_staff_account_target_opens_the_staff_list_at_that_account(client, world, db, admin):
    worker = world.staff[GRID_WORKER]
    entry = record(admin, "staff.deactivate", target=StaffAccount(worker.id), community_id=world.home.id)
    db.session.commit()
    cells = row_of(text(client.get("/admin/audit")), "entry", entry.id)
    link = f"/admin/staff?account={worker.id}"
    assert f'<a href="{link}">工作人员账号 #{worker.id}</a>' in cells
    assert ids_on(text(client.get(link)), "account") == [worker.username]


def test_a_target_without_a_page_is_named_in_plain_text(client, world, db, admin):
    entry = record(None, "upload.create", target=Upload(5), community_id=world.home.id)
    db.session.commit()
    cells = row_of(text(client.get("/admin/audit")), "entry", entry.id)
    assert "<td>附件 #5</td>" in cells


def test_users_show_masked_not_by_id_or_nickname(client, world, db, admin):
    user = UserFactory(nickname="李建国")
    entry = record(user, "user.bind_phone", target=User(user.id), community_id=world.home.id)
    db.session.commit()
    cells = row_of(text(client.get("/admin/audit")), "entry", entry.id)
    assert "<td>李**</td>" in cells  # the actor
    assert "<td>微信用户 李**</td>" in cells  # the target
    assert "李建国" not in cells


def test_filter_by_action(client, world, db, admin):
    viewed = record(admin, "residency.view", community_id=world.home.id)
    record(None, "notice.publish", target=Notice(1), community_id=world.home.id)
    db.session.commit()
    page = text(client.get("/admin/audit?action=residency.view"))
    assert entries_on(page) == [viewed.id]
    assert '<option value="residency.view" selected>查看居民认证申请</option>' in page
    assert "共 1 条" in page


def test_search_by_actor_name(client, world, db, admin):
    workers = record(world.staff[GRID_WORKER], "residency.view", community_id=world.home.id)
    odd = record(None, "test.system", community_id=world.home.id)
    db.session.commit()
    assert entries_on(text(client.get("/admin/audit?q=grid"))) == [workers.id]
    assert entries_on(text(client.get("/admin/audit", query_string={"q": "系统"}))) == [odd.id]
    assert entries_on(text(client.get("/admin/audit", query_string={"q": "%"}))) == []
    assert entries_on(text(client.get("/admin/audit", query_string={"q": "u_"}))) == []  # "_" is literal


def test_date_range_is_in_beijing_days(client, world, db, admin):
    def at(moment: datetime):
        entry = record(None, "test.dated", community_id=world.home.id)
        entry.created_at = moment
        return entry

    before = at(datetime(2026, 3, 9, 15, 59, tzinfo=UTC))  # 3-9 23:59 in Beijing
    first = at(datetime(2026, 3, 9, 16, 0, tzinfo=UTC))  # 3-10 00:00 in Beijing
    last = at(datetime(2026, 3, 11, 15, 59, tzinfo=UTC))  # 3-11 23:59
    after = at(datetime(2026, 3, 11, 16, 0, tzinfo=UTC))  # 3-12 00:00
    db.session.commit()
    page = text(client.get("/admin/audit?from=2026-03-10&to=2026-03-11"))
    assert entries_on(page) == [last.id, first.id]
    assert 'name="from" value="2026-03-10"' in page
    assert entries_on(text(client.get("/admin/audit?to=2026-03-09"))) == [before.id]
    assert after.id in entries_on(text(client.get("/admin/audit?from=2026-03-12")))


def test_sorts_by_time_both_ways_and_pages_by_number(client, world, db, admin):
    made = [record(None, "test.many", community_id=world.home.id) for _ in range(51)]
    db.session.commit()
    made_ids = [e.id for e in made]
    first = text(client.get("/admin/audit", query_string={"q": "系统"}))  # not the admin's sign-in
    assert "共 51 条，第 1–50 条" in first
    assert entries_on(first) == made_ids[::-1][:50]
    second = text(client.get(pager_link(first, "next")))
    assert entries_on(second) == [made_ids[0]]
    oldest = text(client.get("/admin/audit", query_string={"q": "系统", "sort": "time"}))
    assert entries_on(oldest)[:3] == made_ids[:3]


@pytest.mark.parametrize(
    "query",
    [
        "action=no.such",
        "from=yesterday",
        "to=2026-02-30",
        "from=0001-01-01",
        "to=9999-12-31",
        "page=%E4%B8%80",
        "sort=-id",
    ],
)
def test_bad_query_strings_are_ignored(client, world, db, admin, query):
    entry = record(None, "test.kept", community_id=world.home.id)
    db.session.commit()
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert entry.id in entries_on(text(response))


def test_reads_a_constant_number_of_statements(client, world, db, admin, app):
    record(admin, "staff.sign_in", community_id=world.home.id)
    db.session.commit()
    with count_queries(app) as few:
        client.get("/admin/audit")
    for n in range(4):
        user = UserFactory()
        record(user, "user.bind_phone", target=User(user.id), community_id=world.home.id)
        record(None, "notice.publish", target=Notice(n + 1), community_id=world.neighbour.id if n else None)
    db.session.commit()
    with count_queries(app) as many:
        client.get("/admin/audit")
    assert len(many) == len(few) + 1  # the users' names: one statement for all of them


def test_export_names_actions_and_targets_as_the_page_does(client, world, db, admin):
    record(None, "notice.publish", target=Notice(7), community_id=world.home.id)
    db.session.commit()
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit/export.csv").get_data().decode("utf-8-sig"))))
    assert ["系统", "发布通知公告", "通知公告 #7", world.home.name] in [r[1:5] for r in rows]
