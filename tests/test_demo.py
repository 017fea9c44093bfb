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


def test_demo_party_units_members_and_last_months_reports(db):
    """党建云 as the seed counts it: 火炬路社区's 13 unit party organisations and 350 members reported, each
    holder of the party_member role with an approved report; the review queue, posts, activities and
    hours to show; last month's unit reports built, the dev:party login its unit's contact."""
    from cloudplatform.clock import local, now
    from cloudplatform.party.hours.queries import previous_month
    from cloudplatform.party.models import (
        APPROVED,
        PENDING,
        REJECTED,
        Activity,
        PartyReport,
        PartyUnit,
        PostClaim,
        ServiceHours,
        UnitMonthlyReport,
    )

    load_demo_data()
    db.session.commit()
    huoju = db.session.scalar(select(Community).where(Community.name == "火炬路社区"))

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    assert count(PartyUnit, PartyUnit.community_id == huoju.id) == 13
    approved = (PartyReport.community_id == huoju.id, PartyReport.status == APPROVED)
    assert count(PartyReport, *approved) == 350 == count_members(db, huoju, PARTY_MEMBER)
    holders = select(Membership.user_id).where(
        Membership.community_id == huoju.id, Membership.role == PARTY_MEMBER
    )
    assert count(PartyReport, *approved, PartyReport.user_id.in_(holders)) == 350
    assert count(PartyReport, PartyReport.status == PENDING) >= 3
    assert count(PartyReport, PartyReport.status == REJECTED) == 1
    units_with_members = select(func.count(func.distinct(PartyReport.unit_id))).where(*approved)
    assert db.session.scalar(units_with_members) == 13
    assert count(PostClaim) > 0 and count(ServiceHours) > 0
    assert count(Activity, Activity.ends_at < now()) >= 3 and count(Activity, Activity.starts_at > now()) >= 1
    month = previous_month(local(now()).date())
    reports = db.session.scalars(select(UnitMonthlyReport).where(UnitMonthlyReport.month == month)).all()
    assert len(reports) == count(PartyUnit)
    assert sum(r.members_reported for r in reports if r.community_id == huoju.id) == 350
    unit = db.session.scalar(
        select(PartyUnit).where(PartyUnit.contact_user_id.is_not(None), PartyUnit.community_id == huoju.id)
    )
    assert unit.name == "宝鸡市税务局高新分局"


def test_demo_party_login_sees_its_card_and_hours(client, db):
    load_demo_data()
    db.session.commit()
    token = client.post("/api/v1/auth/login", json={"code": fresh_code("party")}).json["token"]
    body = client.get("/api/v1/party/me/hours", headers={"Authorization": f"Bearer {token}"}).json
    assert body["card"]["unit_name"] == "宝鸡市税务局高新分局"
    assert body["card"]["community_name"] == "火炬路社区" and body["card"]["status"] == "approved"


def test_demo_cabinets_across_the_district(db):
    """云柜 as the seed counts it: 38 cabinets across 高新区's communities, 24 compartments each, each with
    one active development key."""
    from cloudplatform.identity.models import Street
    from cloudplatform.locker.models import Cabinet, CabinetKey, Compartment

    load_demo_data()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Cabinet)) == 38
    assert db.session.scalar(select(func.count()).select_from(Compartment)) == 912
    assert db.session.scalar(select(func.count()).select_from(CabinetKey).where(CabinetKey.active)) == 38
    districts = db.session.scalars(
        select(func.distinct(Street.district_id))
        .join(Community, Community.street_id == Street.id)
        .join(Cabinet, Cabinet.community_id == Community.id)
    ).all()
    assert len(districts) == 1
    by_community = dict(
        db.session.execute(select(Community.name, func.count()).join(Cabinet).group_by(Community.name)).all()
    )
    assert by_community["火炬路社区"] >= 2 and by_community["金河尚居社区"] >= 2 and len(by_community) > 20


def test_demo_resident_has_one_deposit_waiting(client, db):
    """张秀兰's /lockers/deposits/mine shows the one item waiting for her (and those she picked up)."""
    from cloudplatform.locker.models import EXPIRED, WAITING, Deposit

    load_demo_data()
    db.session.commit()
    token = client.post("/api/v1/auth/login", json={"code": fresh_code("resident")}).json["token"]
    response = client.get("/api/v1/lockers/deposits/mine", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert [d["status"] for d in items].count("waiting") == 1
    waiting = next(d for d in items if d["status"] == "waiting")
    assert len(waiting["code"]) == 8 and waiting["code"].isdigit()
    assert db.session.scalar(select(func.count()).select_from(Deposit).where(Deposit.status == EXPIRED)) == 2
    assert db.session.scalar(select(func.count()).select_from(Deposit).where(Deposit.status == WAITING)) > 10
