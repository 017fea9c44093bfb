"""The public 办事指南 API: search (title matches first), filters, detail, categories, paging."""

import pytest

from tests.helpers import count_queries
from tests.service.guides.factories import make_bookable, make_guide

URL = "/api/v1/services/guides"


@pytest.fixture
def elderly_card(world):
    return make_guide(
        world.home,
        category="老龄服务",
        title="老年证办理",
        purpose="为年满60周岁的本市户籍老年人办理陕西省老年人优待证。",
        eligibility="年满60周岁、户籍在本社区的居民。",
        materials=["本人户口簿原件及复印件", "本人身份证原件及复印件", "近期一寸免冠彩色照片2张"],
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_search_finds_a_guide_by_three_characters_of_its_title(client, elderly_card):
    assert ids(client.get(URL, query_string={"q": "老年证"})) == [elderly_card.id]


def test_search_finds_a_guide_by_two_characters(client, elderly_card):
    assert ids(client.get(URL, query_string={"q": "老年"})) == [elderly_card.id]


def test_search_finds_a_guide_by_a_word_of_its_materials(client, elderly_card):
    assert ids(client.get(URL, query_string={"q": "户口簿"})) == [elderly_card.id]


def test_search_ignores_case_and_surrounding_spaces(client, world):
    guide = make_guide(world.home, title="居民医保参保登记", materials=["社保卡（含ATM功能）"])
    assert ids(client.get(URL, query_string={"q": "  atm "})) == [guide.id]


def test_search_leaves_out_guides_without_the_words(client, world, elderly_card):
    other = make_guide(world.home, title="低保申请", purpose="最低生活保障")
    assert ids(client.get(URL, query_string={"q": "低保"})) == [other.id]


def test_title_matches_come_before_body_matches(client, world):
    title_match = make_guide(world.home, title="高龄津贴申领")
    body_older = make_guide(world.home, title="居住证明开具", purpose="申领高龄津贴时需要的居住证明")
    body_newer = make_guide(world.home, title="临时救助申请", eligibility="已申领高龄津贴的老人也可申请")
    assert ids(client.get(URL, query_string={"q": "高龄津贴"})) == [
        title_match.id,
        body_newer.id,
        body_older.id,
    ]


def test_percent_in_the_query_is_literal(client, world):
    with_percent = make_guide(world.home, title="医保报销", purpose="门诊费用报销比例为50%")
    make_guide(world.home, title="低保申请", purpose="按月发放")
    assert ids(client.get(URL, query_string={"q": "%"})) == [with_percent.id]


def test_underscore_in_the_query_is_literal(client, world):
    with_underscore = make_guide(world.home, title="线上申请", purpose="登录 gov_service 平台")
    make_guide(world.home, title="线下申请", purpose="登录 govxservice 平台")
    assert ids(client.get(URL, query_string={"q": "gov_s"})) == [with_underscore.id]


def test_backslash_in_the_query_is_literal(client, world):
    with_backslash = make_guide(world.home, title="材料说明", purpose="路径 a\\b 下载表格")
    make_guide(world.home, title="另一个材料说明", purpose="路径 ab 下载表格")
    assert ids(client.get(URL, query_string={"q": "a\\b"})) == [with_backslash.id]


def test_unpublished_guides_are_not_listed(client, world, elderly_card):
    make_guide(world.home, title="老年证补办", published=False)
    assert ids(client.get(URL, query_string={"q": "老年证"})) == [elderly_card.id]


def test_community_filter_keeps_one_communitys_guides(client, world, elderly_card):
    make_guide(world.elsewhere, title="老年证办理")
    assert ids(client.get(URL, query_string={"q": "老年证", "community_id": world.home.id})) == [
        elderly_card.id
    ]


def test_without_filters_every_communitys_published_guides_are_listed_newest_first(client, world):
    first, second = make_guide(world.home), make_guide(world.elsewhere)
    assert ids(client.get(URL)) == [second.id, first.id]


def test_category_filter_keeps_one_category(client, world, elderly_card):
    make_guide(world.home, category="社会保障", title="低保申请", purpose="老年人也可申请")
    assert ids(client.get(URL, query_string={"q": "老年", "category": "老龄服务"})) == [elderly_card.id]


def test_list_item_shows_an_excerpt_and_whether_it_can_be_booked(client, world, elderly_card):
    bookable = make_bookable(world.home, "老年证办理")
    long_purpose = "为" * 100
    booked = make_guide(world.home, category="老龄服务", purpose=long_purpose, bookable_id=bookable.id)
    items = client.get(URL, query_string={"community_id": world.home.id}).json["items"]
    assert items == [
        {
            "id": booked.id,
            "title": booked.title,
            "category": "老龄服务",
            "community_id": world.home.id,
            "purpose_excerpt": "为" * 59 + "…",
            "has_booking": True,
        },
        {
            "id": elderly_card.id,
            "title": "老年证办理",
            "category": "老龄服务",
            "community_id": world.home.id,
            "purpose_excerpt": "为年满60周岁的本市户籍老年人办理陕西省老年人优待证。",
            "has_booking": False,
        },
    ]


def test_pages_cover_every_result_once_in_rank_order(client, world):
    titled = [make_guide(world.home, title=f"证明开具{i}").id for i in range(4)]
    bodied = [make_guide(world.home, title=f"其他事项{i}", materials=["证明开具申请表"]).id for i in range(5)]
    make_guide(world.home, title="无关事项")
    seen, cursor = [], None
    while True:
        query = {"q": "证明开具", "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, query_string=query)
        seen += ids(response)
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert seen == titled[::-1] + bodied[::-1]


def test_pages_without_a_query_cover_every_guide_once(client, world):
    made = [make_guide(world.home).id for _ in range(5)]
    first = client.get(URL, query_string={"limit": 3}).json
    second = client.get(URL, query_string={"limit": 3, "cursor": first["next_cursor"]}).json
    assert [i["id"] for i in first["items"] + second["items"]] == made[::-1]
    assert second["next_cursor"] is None


def test_forged_cursor_is_refused(client, world, elderly_card):
    response = client.get(URL, query_string={"q": "老年", "cursor": "garbage!"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "INVALID_CURSOR"


def test_query_over_fifty_characters_is_refused(client, world):
    response = client.get(URL, query_string={"q": "老" * 51})
    assert response.status_code == 422
    assert "q" in response.json["error"]["details"]["fields"]


def test_query_with_a_control_character_is_refused(client, world):
    for q in ("老年\x00证", "老年\n证"):  # a NUL (refused for every field), a line break (one line here)
        response = client.get(URL, query_string={"q": q})
        assert response.status_code == 422
        assert response.json["error"]["details"]["fields"]["q"][0].startswith("不能包含控制字符"), q


def test_search_runs_a_bounded_number_of_statements(client, app, world, elderly_card):
    for i in range(30):
        make_guide(world.home, title=f"老年服务{i}", bookable_id=make_bookable(world.home).id)
    with count_queries(app) as statements:
        response = client.get(URL, query_string={"q": "老年", "limit": 100})
    assert len(response.json["items"]) == 31
    assert len(statements) <= 3


def test_detail_shows_everything_with_the_linked_bookable(client, world):
    bookable = make_bookable(world.home, "老年证办理")
    guide = make_guide(
        world.home,
        category="老龄服务",
        title="老年证办理",
        purpose="办理老年人优待证。",
        eligibility="年满60周岁。",
        materials=["户口簿", "身份证"],
        location="火炬路社区党群服务中心一楼服务大厅3号窗口",
        hours="周一至周五 8:30-12:00",
        contact_name="李老师",
        contact_phone="0917-3311234",
        bookable_id=bookable.id,
    )
    body = client.get(f"{URL}/{guide.id}").json
    assert body.pop("updated_at")
    assert body == {
        "id": guide.id,
        "community_id": world.home.id,
        "category": "老龄服务",
        "title": "老年证办理",
        "purpose": "办理老年人优待证。",
        "eligibility": "年满60周岁。",
        "materials": ["户口簿", "身份证"],
        "location": "火炬路社区党群服务中心一楼服务大厅3号窗口",
        "hours": "周一至周五 8:30-12:00",
        "contact_name": "李老师",
        "contact_phone": "0917-3311234",
        "bookable": {"id": bookable.id, "name": "老年证办理"},
        "attachments": [],
    }


def test_detail_without_a_linked_bookable_says_null(client, world, elderly_card):
    assert client.get(f"{URL}/{elderly_card.id}").json["bookable"] is None


def test_detail_needs_no_login(client, world, elderly_card):
    assert client.get(f"{URL}/{elderly_card.id}").status_code == 200


def test_unknown_guide_is_404(client, world):
    response = client.get(f"{URL}/987654")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "GUIDE_NOT_FOUND"


def test_unpublished_guide_is_404(client, world):
    hidden = make_guide(world.home, published=False)
    response = client.get(f"{URL}/{hidden.id}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "GUIDE_NOT_FOUND"


def test_categories_count_published_guides_most_first(client, world):
    for category in ["老龄服务", "老龄服务", "社会保障", "证明开具", "证明开具"]:
        make_guide(world.home, category=category)
    make_guide(world.home, category="社会保障", published=False)
    make_guide(world.elsewhere, category="社会保障")
    body = client.get(f"{URL}/categories", query_string={"community_id": world.home.id}).json
    assert body == {
        "items": [
            {"category": "老龄服务", "count": 2},
            {"category": "证明开具", "count": 2},
            {"category": "社会保障", "count": 1},
        ],
        "next_cursor": None,
    }


def test_categories_page_in_the_same_order(client, world):
    for category in ["老龄服务", "老龄服务", "社会保障", "证明开具", "证明开具", "就业创业"]:
        make_guide(world.home, category=category)
    first = client.get(f"{URL}/categories", query_string={"limit": 2}).json
    second = client.get(f"{URL}/categories", query_string={"limit": 2, "cursor": first["next_cursor"]}).json
    assert [c["category"] for c in first["items"] + second["items"]] == [
        "老龄服务",
        "证明开具",
        "就业创业",
        "社会保障",
    ]
    assert second["next_cursor"] is None


def test_categories_without_a_community_count_the_whole_city(client, world):
    make_guide(world.home, category="社会保障")
    make_guide(world.elsewhere, category="社会保障")
    assert client.get(f"{URL}/categories").json["items"] == [{"category": "社会保障", "count": 2}]


def test_strangers_are_rate_limited(client, world):
    statuses = [client.get(f"{URL}/categories").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
