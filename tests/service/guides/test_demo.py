"""The demo guides: ten of them, searchable, the bookable ones linked by the bookables' names."""

from sqlalchemy import select

from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.service.guides.demo import load_demo
from cloudplatform.service.guides.models import Guide
from tests.service.guides.factories import make_bookable


def test_demo_writes_ten_published_guides(db, world):
    load_demo(world.home, world.staff[COMMUNITY_ADMIN])
    guides = db.session.scalars(select(Guide)).all()
    assert len(guides) == 10
    assert all(g.published and g.materials and g.location and g.contact_phone for g in guides)


def test_demo_links_the_bookable_services_by_name(db, world):
    certificate, elderly = make_bookable(world.home, "证明开具"), make_bookable(world.home, "老年证办理")
    room = make_bookable(world.home, "活动室预约")
    mapping = {"证明开具": certificate.id, "老年证办理": elderly.id, "活动室预约": room.id}
    load_demo(world.home, world.staff[COMMUNITY_ADMIN], bookables=mapping)
    linked = dict(
        db.session.execute(select(Guide.title, Guide.bookable_id).where(Guide.bookable_id.is_not(None))).all()
    )
    assert linked == {
        "老年证办理": elderly.id,
        "居住证明开具": certificate.id,
        "计划生育证明（婚育情况证明）开具": certificate.id,
        "社区活动室借用": room.id,
    }


def test_demo_guide_is_found_by_the_public_search(client, world):
    load_demo(world.home, world.staff[COMMUNITY_ADMIN])
    items = client.get("/api/v1/services/guides", query_string={"q": "老年证"}).json["items"]
    assert items[0]["title"] == "老年证办理"
