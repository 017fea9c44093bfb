from sqlalchemy import func, select

from cloudplatform.demo import TOTAL_COMMUNITIES, load_demo_data
from cloudplatform.identity.models import PARTY_MEMBER, RESIDENT, Community, Membership
from tests.world import fresh_code


def count_members(db, community, role):
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.community_id == community.id, Membership.role == role)
    )


def test_demo_city_is_sized_like_the_seed(db):
    assert load_demo_data()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Community)) == TOTAL_COMMUNITIES
    huoju = db.session.scalar(select(Community).where(Community.name == "火炬路社区"))
    assert count_members(db, huoju, RESIDENT) >= 3000
    assert count_members(db, huoju, PARTY_MEMBER) >= 350


def test_demo_data_loads_once(db):
    load_demo_data()
    db.session.commit()
    assert not load_demo_data()


def test_demo_resident_logs_in_with_the_readme_code(client, db):
    load_demo_data()
    db.session.commit()
    token = client.post("/api/v1/auth/login", json={"code": fresh_code("resident")}).json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert [c["community_name"] for c in me["communities"]] == ["火炬路社区"]


def test_demo_services_have_slots_and_bookings(db):
    from cloudplatform.service.bookings.models import Bookable, Booking, Slot

    load_demo_data()
    db.session.commit()
    huoju = db.session.scalar(select(Community).where(Community.name == "火炬路社区"))
    names = db.session.scalars(
        select(Bookable.name).where(Bookable.community_id == huoju.id).order_by(Bookable.id)
    ).all()
    assert names == ["证明开具", "老年证办理", "活动室预约", "自助服务终端"]
    assert db.session.scalar(select(func.count()).select_from(Slot)) > 100
    assert db.session.scalar(select(func.count()).select_from(Booking)) > 0


def test_the_round_the_clock_service_can_be_booked_and_checked_in_at_any_hour(db):
    """The README's walkthrough books a slot starting soon and is checked in at once, whatever the hour."""
    from datetime import timedelta
    from itertools import pairwise

    from cloudplatform.clock import now
    from cloudplatform.service.bookings.models import Bookable, Slot
    from cloudplatform.service.bookings.operations import CHECK_IN_EARLY

    load_demo_data()
    db.session.commit()
    bookable = db.session.scalar(select(Bookable).where(Bookable.name == "自助服务终端"))
    starts = db.session.scalars(
        select(Slot.starts_at).where(Slot.bookable_id == bookable.id).order_by(Slot.starts_at)
    ).all()
    assert starts[0] - now() <= timedelta(minutes=bookable.slot_minutes)
    assert all(b - a == timedelta(minutes=bookable.slot_minutes) for a, b in pairwise(starts))
    assert starts[-1] - now() >= timedelta(hours=23)
    # the first slot starting more than two minutes from now is within the check-in window already
    assert timedelta(minutes=2 + bookable.slot_minutes) <= CHECK_IN_EARLY
    assert bookable.min_notice_hours == 0


def test_demo_shows_every_queue_at_work_in_both_detailed_communities(db):
    """居民认证, 预约暂停, 消息发送, 通知公告 and 预约日程 each have something to show in both communities."""
    from cloudplatform.identity.models import APPROVED, PENDING, REJECTED, ResidencyRequest
    from cloudplatform.notify.models import FAILED, Notification
    from cloudplatform.service.bookings.models import Booking, BookingSuspension
    from cloudplatform.service.guides.models import Guide
    from cloudplatform.service.notices.models import Notice

    load_demo_data()
    db.session.commit()

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    for name in ("火炬路社区", "金河尚居社区"):
        community = db.session.scalar(select(Community).where(Community.name == name))
        for status in (PENDING, APPROVED, REJECTED):
            assert count(
                ResidencyRequest,
                ResidencyRequest.community_id == community.id,
                ResidencyRequest.status == status,
            ), (name, status)
        assert (
            count(
                BookingSuspension,
                BookingSuspension.community_id == community.id,
                BookingSuspension.lifted_at.is_(None),
            )
            == 2
        )
        assert count(Notice, Notice.community_id == community.id) >= 3
        assert count(Booking, Booking.community_id == community.id) > 0
        assert count(Guide, Guide.community_id == community.id) > 0
        refused = Notification.user_id.in_(
            select(Membership.user_id).where(Membership.community_id == community.id)
        )
        assert count(Notification, refused, Notification.status == FAILED, Notification.errcode == 40003) == 1
    street_copies = count(Notice, Notice.broadcast_id.is_not(None))  # 高新街道's notice, a copy each
    assert street_copies == count(Community, Community.street_id == community.street_id) > 2


def test_demo_residents_joined_over_the_last_year(db):
    """The dashboard's trend of new residents has a shape: joins spread over twelve months."""
    from cloudplatform.clock import local

    load_demo_data()
    db.session.commit()
    joined = db.session.scalars(select(Membership.created_at).where(Membership.role == RESIDENT)).all()
    months = {(local(at).year, local(at).month) for at in joined}
    assert len(months) >= 12
