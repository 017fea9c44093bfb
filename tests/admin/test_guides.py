"""办事指南 in the console: list and search in scope, create and edit through forms, publish and withdraw."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from admin.guides.views import PAGE_SIZE
from admin.pickers import SELECT_LIMIT
from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.service.guides.models import Guide
from tests.admin.console import sign_in_as, submit, text
from tests.factories import CommunityFactory
from tests.helpers import count_queries
from tests.service.guides.factories import make_bookable, make_guide
from tests.world import log_in, wechat_user

FORM = {
    "category": "老龄服务",
    "title": "老年证办理",
    "purpose": "为年满60周岁的老年人办理优待证。",
    "eligibility": "年满60周岁、户籍在本社区。",
    "materials": "户口簿原件及复印件\r\n\r\n  身份证原件及复印件  \r\n一寸免冠照片2张",
    "location": "社区党群服务中心一楼服务大厅",
    "hours": "周一至周五 8:30-12:00",
    "contact_name": "李老师",
    "contact_phone": "0917-3311234",
    "bookable_id": "",
    "published": "y",
}


@pytest.fixture
def staff(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_STAFF])


def guide_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Guide))


def fresh(db, guide) -> Guide:
    db.session.expire_all()
    return db.session.get(Guide, guide.id)


def edit_url(guide) -> str:
    return f"/admin/guides/{guide.id}/edit"


def test_list_shows_the_communitys_guides_published_or_not(client, world, staff):
    shown, hidden = make_guide(world.home), make_guide(world.home, published=False)
    page = text(client.get("/admin/guides"))
    assert f'data-guide="{shown.id}"' in page
    assert f'data-guide="{hidden.id}"' in page


def test_list_leaves_out_another_communitys_guides(client, world, staff):
    other = make_guide(world.neighbour)
    assert f'data-guide="{other.id}"' not in text(client.get("/admin/guides"))


def test_street_admin_lists_the_neighbours_guides_too(client, world):
    neighbour, elsewhere = make_guide(world.neighbour), make_guide(world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/guides"))
    assert f'data-guide="{neighbour.id}"' in page
    assert f'data-guide="{elsewhere.id}"' not in page


def test_search_box_finds_guides_by_their_materials(client, world, staff):
    found = make_guide(world.home, title="低保申请", materials=["户口簿"])
    missed = make_guide(world.home, title="居住证明开具", materials=["身份证"])
    page = text(client.get("/admin/guides", query_string={"q": "户口"}))
    assert f'data-guide="{found.id}"' in page
    assert f'data-guide="{missed.id}"' not in page


def test_category_filter_keeps_one_category(client, world, staff):
    kept = make_guide(world.home, category="社会保障")
    dropped = make_guide(world.home, category="老龄服务")
    page = text(client.get("/admin/guides", query_string={"category": "社会保障"}))
    assert f'data-guide="{kept.id}"' in page
    assert f'data-guide="{dropped.id}"' not in page


def test_create_saves_the_guide_with_materials_one_per_line(client, db, world, staff):
    page = text(submit(client, "/admin/guides/new", FORM, page="/admin/guides/new"))
    assert "已保存办事指南“老年证办理”并发布" in page
    guide = db.session.scalar(select(Guide))
    assert (guide.community_id, guide.title, guide.published) == (world.home.id, "老年证办理", True)
    assert guide.materials == ["户口簿原件及复印件", "身份证原件及复印件", "一寸免冠照片2张"]


def test_created_guide_is_found_by_the_public_search(client, world, staff):
    submit(client, "/admin/guides/new", FORM, page="/admin/guides/new")
    items = client.get("/api/v1/services/guides", query_string={"q": "复印件"}).json["items"]
    assert [i["title"] for i in items] == ["老年证办理"]


def test_create_is_audited(client, db, world, staff):
    submit(client, "/admin/guides/new", FORM, page="/admin/guides/new")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "guide.create"))
    assert (entry.actor_id, entry.community_id) == (world.staff[COMMUNITY_STAFF].id, world.home.id)


def test_create_can_leave_the_guide_unpublished(client, db, world, staff):
    submit(client, "/admin/guides/new", {**FORM, "published": ""}, page="/admin/guides/new")
    assert db.session.scalar(select(Guide.published)) is False


def test_create_without_a_title_is_refused(client, db, world, staff):
    response = submit(client, "/admin/guides/new", {**FORM, "title": "  "}, page="/admin/guides/new")
    assert response.status_code == 422
    assert "请填写事项名称" in text(response)
    assert guide_count(db) == 0


def test_create_without_the_csrf_token_is_refused(client, db, world, staff):
    response = client.post("/admin/guides/new", data=FORM)
    assert response.status_code == 400
    assert guide_count(db) == 0


def test_create_links_a_bookable_of_the_community(client, db, world, staff):
    bookable = make_bookable(world.home, "老年证办理")
    submit(client, "/admin/guides/new", {**FORM, "bookable_id": str(bookable.id)}, page="/admin/guides/new")
    assert db.session.scalar(select(Guide.bookable_id)) == bookable.id


def test_form_offers_only_the_communitys_bookables(client, world, staff):
    ours, theirs = make_bookable(world.home, "活动室预约"), make_bookable(world.neighbour, "证明开具")
    page = text(client.get("/admin/guides/new"))
    assert f'<option value="{ours.id}">活动室预约</option>' in page
    assert f'value="{theirs.id}"' not in page


def test_create_with_another_communitys_bookable_is_refused(client, db, world, staff):
    theirs = make_bookable(world.neighbour)
    response = submit(
        client, "/admin/guides/new", {**FORM, "bookable_id": str(theirs.id)}, page="/admin/guides/new"
    )
    assert response.status_code == 422
    assert "关联的预约事项不属于该社区" in text(response)
    assert guide_count(db) == 0


def test_edit_with_another_communitys_bookable_is_refused(client, db, world, staff):
    guide, theirs = make_guide(world.home, title="老年证办理"), make_bookable(world.neighbour)
    response = submit(
        client,
        edit_url(guide),
        {**FORM, "title": "改名", "bookable_id": str(theirs.id)},
        page=edit_url(guide),
    )
    assert response.status_code == 422
    assert (fresh(db, guide).title, fresh(db, guide).bookable_id) == ("老年证办理", None)


def test_create_for_another_community_is_404(client, db, world, staff):
    response = submit(
        client, f"/admin/guides/new?community_id={world.neighbour.id}", FORM, page="/admin/guides/new"
    )
    assert response.status_code == 404
    assert guide_count(db) == 0


def test_street_admin_picks_the_community_first(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/guides/new"))
    assert f'<option value="{world.home.id}">' in page
    assert f'<option value="{world.neighbour.id}">' in page
    assert f'<option value="{world.elsewhere.id}">' not in page


def test_street_admin_writes_for_the_neighbour(client, db, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    url = f"/admin/guides/new?community_id={world.neighbour.id}"
    submit(client, url, FORM, page=url)
    assert db.session.scalar(select(Guide.community_id)) == world.neighbour.id


def test_edit_form_shows_the_guide_with_materials_one_per_line(client, world, staff):
    guide = make_guide(world.home, materials=["户口簿", "身份证"])
    assert "户口簿\n身份证</textarea>" in text(client.get(edit_url(guide)))


def test_edit_saves_the_changes_and_the_search_follows(client, db, world, staff):
    guide = make_guide(world.home, title="老年证办理", materials=["户口簿"])
    submit(
        client,
        edit_url(guide),
        {**FORM, "title": "老年人优待证办理", "materials": "居住证"},
        page=edit_url(guide),
    )
    assert fresh(db, guide).title == "老年人优待证办理"
    public = client.get("/api/v1/services/guides", query_string={"q": "户口簿"}).json["items"]
    assert public == []
    assert (
        client.get("/api/v1/services/guides", query_string={"q": "居住证"}).json["items"][0]["id"] == guide.id
    )


def test_edit_is_audited_with_the_changed_fields(client, db, world, staff):
    guide = make_guide(
        world.home, **{k: v for k, v in FORM.items() if k not in ("bookable_id", "published", "materials")}
    )
    submit(client, edit_url(guide), {**FORM, "hours": "周一至周六 9:00-17:00"}, page=edit_url(guide))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "guide.update"))
    assert entry.details == {"fields": ["hours", "materials"]}


def test_unpublish_hides_the_guide_from_residents(client, db, world, staff):
    guide = make_guide(world.home)
    page = text(submit(client, f"/admin/guides/{guide.id}/unpublish", page="/admin/guides"))
    assert "已撤下办事指南" in page
    assert fresh(db, guide).published is False
    assert client.get(f"/api/v1/services/guides/{guide.id}").status_code == 404


def test_publish_shows_the_guide_again(client, db, world, staff):
    guide = make_guide(world.home, published=False)
    submit(client, f"/admin/guides/{guide.id}/publish", page="/admin/guides")
    assert fresh(db, guide).published is True
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == str(guide.id))) == (
        "guide.publish"
    )


@pytest.mark.parametrize(
    "method, path",
    [("get", "/edit"), ("post", "/edit"), ("post", "/publish"), ("post", "/unpublish")],
)
def test_another_communitys_guide_is_404(client, db, world, staff, method, path):
    other = make_guide(world.neighbour, title="别人的指南", published=False)
    token_page = "/admin/guides"
    if method == "get":
        response = client.get(f"/admin/guides/{other.id}{path}")
    else:
        response = submit(
            client, f"/admin/guides/{other.id}{path}", {**FORM, "title": "改名"}, page=token_page
        )
    assert response.status_code == 404
    assert (fresh(db, other).title, fresh(db, other).published) == ("别人的指南", False)


@pytest.mark.parametrize("path", ["/admin/guides", "/admin/guides/new"])
def test_grid_worker_is_refused(client, world, path):
    sign_in_as(client, world.staff[GRID_WORKER])
    assert client.get(path).status_code == 403


def test_grid_worker_cannot_unpublish(client, db, world):
    guide = make_guide(world.home)
    sign_in_as(client, world.staff[GRID_WORKER])
    response = submit(client, f"/admin/guides/{guide.id}/unpublish")
    assert response.status_code == 403
    assert fresh(db, guide).published is True


def test_resident_is_sent_to_sign_in(client, world):
    wechat_user("plain-resident")
    headers = log_in(client, "plain-resident")
    response = client.get("/admin/guides", headers=headers)
    assert response.status_code == 302
    assert "/admin/sign-in" in response.headers["Location"]


def test_edit_with_fields_left_out_of_the_post_empties_them(client, db, world, staff):
    guide = make_guide(world.home, purpose="办理老年人优待证。", bookable_id=make_bookable(world.home).id)
    response = submit(
        client, edit_url(guide), {"category": "老龄服务", "title": "老年证办理"}, page=edit_url(guide)
    )
    assert response.status_code == 200
    assert (fresh(db, guide).purpose, fresh(db, guide).bookable_id) == ("", None)


@pytest.mark.parametrize("community_id", ["987654", "99999999999999999999", "0"])
def test_create_for_an_unknown_community_is_404(client, world, community_id):
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert client.get(f"/admin/guides/new?community_id={community_id}").status_code == 404


# -- the list: totals, search, filters, sort, pages -------------------------------------------------


def guide_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-guide="(\d+)"', page)]


def many_guides(db, community, n, **fields) -> None:
    """``n`` guides of ``community`` in one commit (titles 批量事项000 ...)."""
    db.session.add_all(
        Guide(community_id=community.id, category="综合服务", title=f"批量事项{i:03d}", **fields)
        for i in range(n)
    )
    db.session.commit()


def test_list_shows_the_total(client, world, staff):
    for _ in range(3):
        make_guide(world.home)
    make_guide(world.neighbour)
    assert "共 3 条，第 1–3 条" in text(client.get("/admin/guides"))


def test_search_narrows_the_list_and_its_total(client, world, staff):
    found = make_guide(world.home, title="老年证办理")
    make_guide(world.home, title="居住证明开具")
    page = text(client.get("/admin/guides", query_string={"q": "老年"}))
    assert guide_ids(page) == [found.id]
    assert "共 1 条" in page


@pytest.mark.parametrize("q", ["%", "_", "\\"])
def test_search_takes_like_wildcards_literally(client, world, staff, q):
    literal = make_guide(world.home, title=f"百分比{q}说明")
    make_guide(world.home, title="老年证办理")
    assert guide_ids(text(client.get("/admin/guides", query_string={"q": q}))) == [literal.id]


def test_status_filter_keeps_unpublished_guides(client, world, staff):
    make_guide(world.home, title="已发布的")
    draft = make_guide(world.home, title="草稿", published=False)
    page = text(client.get("/admin/guides", query_string={"status": "unpublished"}))
    assert guide_ids(page) == [draft.id]
    assert '<option value="unpublished" selected>未发布</option>' in page


def test_list_is_newest_update_first_and_sorts_by_title(client, world, staff):
    older = make_guide(world.home, title="乙", updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    newer = make_guide(world.home, title="甲", updated_at=datetime(2026, 6, 1, tzinfo=UTC))
    third = make_guide(world.home, title="丙", updated_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert guide_ids(text(client.get("/admin/guides"))) == [newer.id, third.id, older.id]
    by_title = sorted([older, newer, third], key=lambda g: g.title)
    assert guide_ids(text(client.get("/admin/guides?sort=title"))) == [g.id for g in by_title]
    assert guide_ids(text(client.get("/admin/guides?sort=-title"))) == [g.id for g in reversed(by_title)]
    assert guide_ids(text(client.get("/admin/guides?sort=updated"))) == [older.id, third.id, newer.id]


def test_pages_of_fifty_with_previous_and_next(client, db, world, staff):
    assert PAGE_SIZE == 50
    many_guides(db, world.home, 51)
    first = text(client.get("/admin/guides?sort=title"))
    assert len(guide_ids(first)) == 50
    assert "共 51 条，第 1–50 条" in first
    assert 'rel="next" href="/admin/guides?sort=title&amp;page=2"' in first
    assert 'rel="prev"' not in first
    second = text(client.get("/admin/guides?sort=title&page=2"))
    assert "共 51 条，第 51–51 条" in second
    assert "批量事项050" in second and "批量事项049" not in second
    assert 'rel="prev" href="/admin/guides?sort=title"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=99999999999999999999",
        "status=bogus",
        "category=%01",
        "community_id=99999999999999999999",
        "community_id=abc",
        "sort=password",
        "q=%00%1b",
    ],
)
def test_bad_query_strings_are_ignored(client, world, staff, query):
    guide = make_guide(world.home)
    response = client.get(f"/admin/guides?{query}")
    assert response.status_code == 200
    assert guide_ids(text(response)) == [guide.id]


def test_list_runs_the_same_statements_however_many_guides(client, app, db, world, staff):
    make_guide(world.home)
    with count_queries(app) as one:
        client.get("/admin/guides")
    many_guides(db, world.home, 30)
    with count_queries(app) as many:
        page = text(client.get("/admin/guides"))
    assert len(guide_ids(page)) == 31
    # the account, the categories, the total, the page, the communities' names
    assert len(many) == len(one) == 5


def test_street_admin_filters_by_community(client, world):
    home, neighbour = make_guide(world.home), make_guide(world.neighbour)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/guides"))
    assert set(guide_ids(page)) == {home.id, neighbour.id}
    assert f'<option value="{world.neighbour.id}">' in page  # a select: two communities
    assert "data-picker" not in page.split('role="search"')[1].split("</form>")[0]
    filtered = text(client.get("/admin/guides", query_string={"community_id": world.neighbour.id}))
    assert guide_ids(filtered) == [neighbour.id]


def test_another_streets_community_filter_is_ignored(client, world):
    home = make_guide(world.home)
    make_guide(world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/guides", query_string={"community_id": world.elsewhere.id}))
    assert guide_ids(page) == [home.id]


def crowd_the_street(world, n=SELECT_LIMIT) -> None:
    """Enough communities in the home street that a select would offer more than SELECT_LIMIT."""
    for _ in range(n):
        CommunityFactory(street_id=world.home.street_id)


def test_street_admin_of_many_communities_filters_with_the_picker(client, world):
    crowd_the_street(world)
    home, neighbour = make_guide(world.home), make_guide(world.neighbour)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/guides"))
    search = page.split('role="search"')[1].split("</form>")[0]
    assert 'data-picker="/admin/pick/communities"' in search
    assert 'name="community_id"' in search and '<select name="community_id"' not in search
    filtered = text(client.get("/admin/guides", query_string={"community_id": world.neighbour.id}))
    assert guide_ids(filtered) == [neighbour.id]
    assert f'value="{world.neighbour.name}"' in filtered  # the picker shows the chosen community
    ignored = text(client.get("/admin/guides", query_string={"community_id": world.elsewhere.id}))
    assert set(guide_ids(ignored)) == {home.id, neighbour.id}
    assert world.elsewhere.name not in ignored


def test_city_admin_of_many_communities_picks_the_new_guides_community(client, db, world):
    crowd_the_street(world)
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(client.get("/admin/guides/new"))
    assert 'data-picker="/admin/pick/communities"' in page
    assert "<option" not in page.split("<main>")[1]
    url = f"/admin/guides/new?community_id={world.elsewhere.id}"
    submit(client, url, FORM, page=url)
    assert db.session.scalar(select(Guide.community_id)) == world.elsewhere.id
