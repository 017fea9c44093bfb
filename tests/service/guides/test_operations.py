"""Guide operations: staff of the community write them, search_text follows the text, audit rows."""

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden, NotFound, Unprocessable
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.guides.operations import create_guide, publish_guide, unpublish_guide, update_guide
from cloudplatform.service.guides.queries import search_guides
from tests.service.guides.factories import make_bookable, make_guide


def test_create_keeps_a_lower_cased_search_text_of_title_purpose_eligibility_and_materials(db, world):
    guide = create_guide(
        world.staff[COMMUNITY_STAFF],
        world.home.id,
        category="医疗保障",
        title="居民医保参保登记",
        purpose="参加城乡居民医保",
        eligibility="未参加职工医保",
        materials=["社保卡（ATM）", "  ", "户口簿 "],
        location="一楼大厅",
    )
    assert guide.materials == ["社保卡（ATM）", "户口簿"]
    assert guide.search_text == "居民医保参保登记\n参加城乡居民医保\n未参加职工医保\n社保卡（atm）\n户口簿"


def test_update_refreshes_the_search_text(db, world):
    guide = make_guide(world.home, title="老年证办理", materials=["户口簿"])
    update_guide(world.staff[COMMUNITY_STAFF], guide, materials=["居住证"])
    assert "居住证" in guide.search_text
    assert "户口簿" not in guide.search_text


def test_create_records_an_audit_entry(db, world):
    guide = create_guide(world.staff[COMMUNITY_STAFF], world.home.id, category="老龄服务", title="老年证办理")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "guide.create"))
    assert (entry.target_id, entry.community_id, entry.details) == (
        str(guide.id),
        world.home.id,
        {"title": "老年证办理"},
    )


def test_unpublish_records_an_audit_entry(db, world):
    guide = make_guide(world.home)
    unpublish_guide(world.staff[COMMUNITY_STAFF], guide)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == str(guide.id))) == (
        "guide.unpublish"
    )


def test_publishing_a_published_guide_records_nothing(db, world):
    guide = make_guide(world.home)
    publish_guide(world.staff[COMMUNITY_STAFF], guide)
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_create_in_another_community_is_not_found(db, world):
    with pytest.raises(NotFound):
        create_guide(
            world.staff[COMMUNITY_STAFF], world.neighbour.id, category="老龄服务", title="老年证办理"
        )


def test_street_admin_creates_in_the_neighbour(db, world):
    guide = create_guide(
        world.staff[STREET_ADMIN], world.neighbour.id, category="老龄服务", title="老年证办理"
    )
    assert guide.community_id == world.neighbour.id


def test_create_in_an_unknown_community_is_not_found(db, world):
    with pytest.raises(NotFound):
        create_guide(world.staff[CITY_ADMIN], 987654, category="老龄服务", title="老年证办理")


def test_grid_worker_may_not_write_guides(db, world):
    with pytest.raises(Forbidden):
        create_guide(world.staff[GRID_WORKER], world.home.id, category="老龄服务", title="老年证办理")


def test_update_of_another_communitys_guide_is_not_found(db, world):
    guide = make_guide(world.elsewhere, title="别人的指南")
    with pytest.raises(NotFound):
        update_guide(world.staff[STREET_ADMIN], guide, title="改名")


def test_linking_another_communitys_bookable_is_refused(db, world):
    theirs = make_bookable(world.neighbour)
    with pytest.raises(Unprocessable) as info:
        create_guide(
            world.staff[CITY_ADMIN],
            world.home.id,
            category="证明开具",
            title="居住证明",
            bookable_id=theirs.id,
        )
    assert info.value.code == "BOOKABLE_NOT_IN_COMMUNITY"
    db.session.rollback()
    assert db.session.scalar(select(Guide.id)) is None


def test_linking_an_unknown_bookable_is_refused(db, world):
    guide = make_guide(world.home)
    with pytest.raises(Unprocessable):
        update_guide(world.staff[COMMUNITY_STAFF], guide, bookable_id=987654)


def test_unknown_field_is_a_programming_error(db, world):
    with pytest.raises(TypeError):
        create_guide(world.staff[COMMUNITY_STAFF], world.home.id, title="老年证办理", community_id=1)


def test_staff_search_includes_unpublished_guides_in_scope_only(db, world):
    hidden = make_guide(world.home, published=False)
    make_guide(world.neighbour)
    guides, _ = search_guides(staff=world.staff[COMMUNITY_STAFF])
    assert [g.id for g in guides] == [hidden.id]
