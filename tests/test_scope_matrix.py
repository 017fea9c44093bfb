"""Every endpoint that takes a record id × every role × a record of home / a neighbour / another street.

Staff of a community see only it, a street admin sees its street, a city admin sees all; anything out of
scope answers 404 as if it did not exist, a non-staff caller 403; a refused call changes nothing.
Later modules add their endpoints to ENDPOINTS.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from cloudplatform.clock import local, now
from cloudplatform.extensions import db as database
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
    ResidencyRequest,
)
from cloudplatform.identity.permissions import ACTIONS
from cloudplatform.party.models import (
    Activity,
    ActivitySignup,
    PartyReport,
    PostClaim,
    ServiceHours,
    ServicePost,
    UnitMonthlyReport,
)
from cloudplatform.service.bookings.models import Bookable, Booking, BookingSuspension, Closure, OpeningHours
from cloudplatform.service.guides.operations import create_guide
from cloudplatform.service.guides.queries import guide_uploads
from cloudplatform.service.notices.models import ALL
from cloudplatform.service.notices.operations import publish_notice
from cloudplatform.service.notices.queries import notice_uploads
from tests.admin.aid.scope_cases import AID_CONSOLE_PAGES
from tests.admin.console import sign_in_as, submit
from tests.admin.demands.scope_cases import DEMAND_CONSOLE_PAGES
from tests.factories import (
    BookableFactory,
    BookingFactory,
    BookingSuspensionFactory,
    ResidencyRequestFactory,
    SlotFactory,
    UserFactory,
)
from tests.party.fixtures import make_unit, party_member, resident
from tests.service.bookings.fixtures import MONDAY
from tests.volunteer.scope_cases_certificates import CERTIFICATE_CONSOLE_PAGES, CERTIFICATE_ENDPOINTS
from tests.volunteer.scope_cases_rewards import REWARD_CONSOLE_PAGES, REWARD_ENDPOINTS
from tests.world import log_in, wechat_user


def make_residency_request(world, community):
    return ResidencyRequestFactory(
        user_id=UserFactory().id, community_id=community.id, building_id=world.buildings[community.id]
    )


@dataclass
class Endpoint:
    name: str
    make: Callable  # (world, community) -> record
    call: Callable  # (client, headers, record) -> response
    changed: Callable  # (db, record) -> whether the record changed
    action: str = "residency.review"  # the permission it needs: a staff role without it gets 403


def make_booking(world, community, status="pending_approval", starts_in=timedelta(days=1)):
    """A booking of a resident of ``community`` for a service there (slots made by hand)."""
    bookable = BookableFactory(community_id=community.id)
    start = now() + starts_in
    slot = SlotFactory(
        bookable_id=bookable.id,
        community_id=community.id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=2,
        booked=1,
        book_from=start - timedelta(days=14),
        book_until=start,
    )
    return BookingFactory(
        community_id=community.id,
        bookable_id=bookable.id,
        slot_id=slot.id,
        user_id=UserFactory().id,
        status=status,
    )


def make_due_booking(world, community):
    """A confirmed booking whose slot starts in ten minutes: staff may check it in now."""
    return make_booking(world, community, "confirmed", timedelta(minutes=10))


def make_suspension(world, community):
    return BookingSuspensionFactory(
        user_id=UserFactory().id, community_id=community.id, no_shows=3, ends_at=now() + timedelta(days=30)
    )


def make_bookable(world, community):
    return BookableFactory(community_id=community.id)


def in_two_days() -> str:
    return (local(now()).date() + timedelta(days=2)).isoformat()


def booking_status(db, booking_id):
    return db.session.scalar(select(Booking.status).where(Booking.id == booking_id))


ENDPOINTS = [
    Endpoint(
        "GET /staff/residency-requests/{id}",
        make_residency_request,
        lambda c, h, r: c.get(f"/api/v1/staff/residency-requests/{r.id}", headers=h),
        lambda db, r: False,
    ),
    Endpoint(
        "POST /staff/residency-requests/{id}/decision",
        make_residency_request,
        lambda c, h, r: c.post(
            f"/api/v1/staff/residency-requests/{r.id}/decision", json={"approve": True}, headers=h
        ),
        lambda db, r: (
            db.session.scalar(select(ResidencyRequest.status).where(ResidencyRequest.id == r.id)) != "pending"
        ),
    ),
    Endpoint(
        "POST /staff/bookings/{id}/decision",
        make_booking,
        lambda c, h, r: c.post(f"/api/v1/staff/bookings/{r.id}/decision", json={"approve": True}, headers=h),
        lambda db, r: booking_status(db, r.id) != "pending_approval",
        "booking.manage",
    ),
    Endpoint(
        "GET /staff/bookables/{id}/bookings",
        make_bookable,
        lambda c, h, r: c.get(f"/api/v1/staff/bookables/{r.id}/bookings?date={in_two_days()}", headers=h),
        lambda db, r: False,
        "booking.checkin",
    ),
    Endpoint(
        "GET /staff/venue-codes/booking/{id}.png",
        make_bookable,
        lambda c, h, r: c.get(f"/api/v1/staff/venue-codes/booking/{r.id}.png", headers=h),
        lambda db, r: False,
        "booking.checkin",
    ),
]


def make_party_report(world, community):
    """A pending report of a resident of ``community`` as a member of one of its units."""
    unit = make_unit(community, f"单位{community.id}")
    member = resident(community, f"reporter{community.id}")
    report = PartyReport(user_id=member.id, community_id=community.id, unit_id=unit.id, real_name="李建国")
    database.session.add(report)
    database.session.commit()
    return report


def make_post_claim(world, community, status="claimed"):
    post = ServicePost(
        community_id=community.id, title="文明劝导", headcount=3, claimed=1, starts_on=MONDAY, ends_on=MONDAY
    )
    database.session.add(post)
    database.session.flush()
    member = party_member(
        community, f"claimer{community.id}", make_unit(community, f"岗位单位{community.id}")
    )
    claim = PostClaim(post_id=post.id, community_id=community.id, user_id=member.id, status=status)
    database.session.add(claim)
    database.session.commit()
    return claim


def make_unit_report(world, community):
    unit = make_unit(community, f"月报单位{community.id}")
    report = UnitMonthlyReport(unit_id=unit.id, community_id=community.id, month=MONDAY.replace(day=1))
    database.session.add(report)
    database.session.commit()
    return report


def report_status(db, report_id):
    return db.session.scalar(select(PartyReport.status).where(PartyReport.id == report_id))


ENDPOINTS += [
    Endpoint(
        "GET /staff/party/reports/{id}",
        make_party_report,
        lambda c, h, r: c.get(f"/api/v1/staff/party/reports/{r.id}", headers=h),
        lambda db, r: False,
        "party.manage",
    ),
    Endpoint(
        "POST /staff/party/reports/{id}/decision",
        make_party_report,
        lambda c, h, r: c.post(
            f"/api/v1/staff/party/reports/{r.id}/decision", json={"approve": True}, headers=h
        ),
        lambda db, r: report_status(db, r.id) != "pending",
        "party.manage",
    ),
    Endpoint(
        "POST /staff/party/reports/{id}/revoke",
        make_party_report,
        lambda c, h, r: c.post(
            f"/api/v1/staff/party/reports/{r.id}/revoke", json={"reason": "调离"}, headers=h
        ),
        lambda db, r: report_status(db, r.id) != "pending",
        "party.manage",
    ),
    Endpoint(
        "POST /staff/party/claims/{id}/decision",
        make_post_claim,
        lambda c, h, r: c.post(
            f"/api/v1/staff/party/claims/{r.id}/decision", json={"confirm": True}, headers=h
        ),
        lambda db, r: db.session.scalar(select(PostClaim.status).where(PostClaim.id == r.id)) != "claimed",
        "party.manage",
    ),
    Endpoint(
        "POST /staff/party/claims/{id}/hours",
        lambda world, community: make_post_claim(world, community, "confirmed"),
        lambda c, h, r: c.post(
            f"/api/v1/staff/party/claims/{r.id}/hours", json={"month": "2026-11-01", "minutes": 60}, headers=h
        ),
        lambda db, r: count(db, ServiceHours, ServiceHours.claim_id == r.id) != 0,
        "party.manage",
    ),
    Endpoint(
        "GET /staff/party/unit-reports/{id}",
        make_unit_report,
        lambda c, h, r: c.get(f"/api/v1/staff/party/unit-reports/{r.id}", headers=h),
        lambda db, r: False,
        "party.manage",
    ),
]


def make_activity_signup(world, community, hours=False):
    """A member's checked-in sign-up for an activity of ``community`` starting tomorrow (with its hours
    credited when ``hours``)."""
    from cloudplatform.party.models import Activity, ActivitySignup

    start = now() + timedelta(days=1)
    activity = Activity(
        community_id=community.id,
        title="主题党日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
    )
    database.session.add(activity)
    database.session.flush()
    signup = ActivitySignup(
        activity_id=activity.id,
        community_id=community.id,
        user_id=UserFactory().id,
        status="signed_up",
        checked_in_at=now(),
    )
    database.session.add(signup)
    database.session.flush()
    if hours:
        database.session.add(
            ServiceHours(
                user_id=signup.user_id,
                community_id=community.id,
                source="activity",
                signup_id=signup.id,
                served_on=local(start).date(),
                minutes=120,
            )
        )
    database.session.commit()
    return signup


def make_party_activity(world, community):
    return make_activity_signup(world, community).activity


def activity_of(db, activity_id):
    from cloudplatform.party.models import Activity

    return db.session.execute(select(Activity.title, Activity.status).where(Activity.id == activity_id)).one()


ENDPOINTS += [
    Endpoint(
        "PATCH /staff/party/activities/{id}",
        make_party_activity,
        lambda c, h, r: c.patch(f"/api/v1/staff/party/activities/{r.id}", json={"title": "改名"}, headers=h),
        lambda db, r: activity_of(db, r.id).title != "主题党日",
        "party.manage",
    ),
    Endpoint(
        "POST /staff/party/activities/{id}/cancel",
        make_party_activity,
        lambda c, h, r: c.post(f"/api/v1/staff/party/activities/{r.id}/cancel", json={}, headers=h),
        lambda db, r: activity_of(db, r.id).status != "published",
        "party.manage",
    ),
    Endpoint(
        "GET /staff/party/activities/{id}/qr",
        make_party_activity,
        lambda c, h, r: c.get(f"/api/v1/staff/party/activities/{r.id}/qr", headers=h),
        lambda db, r: False,
        "party.attendance",
    ),
    Endpoint(
        "GET /staff/party/activities/{id}/signups",
        make_party_activity,
        lambda c, h, r: c.get(f"/api/v1/staff/party/activities/{r.id}/signups", headers=h),
        lambda db, r: False,
        "party.attendance",
    ),
    Endpoint(
        "GET /staff/venue-codes/party_activity/{id}.png",
        make_party_activity,
        lambda c, h, r: c.get(f"/api/v1/staff/venue-codes/party_activity/{r.id}.png", headers=h),
        lambda db, r: False,
        "party.attendance",
    ),
    Endpoint(
        "POST /staff/party/signups/{id}/confirm",
        make_activity_signup,
        lambda c, h, r: c.post(f"/api/v1/staff/party/signups/{r.id}/confirm", headers=h),
        lambda db, r: count(db, ServiceHours, ServiceHours.signup_id == r.id) != 0,
        "party.attendance",
    ),
    Endpoint(
        "POST /staff/party/signups/{id}/correct",
        lambda world, community: make_activity_signup(world, community, hours=True),
        lambda c, h, r: c.post(
            f"/api/v1/staff/party/signups/{r.id}/correct", json={"minutes": 60, "reason": "更正"}, headers=h
        ),
        lambda db, r: (
            db.session.scalar(select(ServiceHours.minutes).where(ServiceHours.signup_id == r.id)) != 120
        ),
        "party.attendance",
    ),
]


PLACES = ("home", "neighbour", "elsewhere")  # a community, one of its street, one of another street
SCOPE = {  # role -> communities whose records it may reach
    GRID_WORKER: {"home"},
    COMMUNITY_STAFF: {"home"},
    COMMUNITY_ADMIN: {"home"},
    STREET_ADMIN: {"home", "neighbour"},
    CITY_ADMIN: {"home", "neighbour", "elsewhere"},
}


def caller_headers(client, role):
    if role == "resident":
        wechat_user("plain-resident")
        return log_in(client, "plain-resident")
    return log_in(client, f"staff-{role}")


@pytest.mark.parametrize("role", [*SCOPE, "resident"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_record_endpoint_scope(client, db, world, endpoint, role):
    """A record of each place in turn (one world: the places' records are apart)."""
    headers = caller_headers(client, role)
    for where in PLACES:
        record = endpoint.make(world, getattr(world, where))
        response = endpoint.call(client, headers, record)
        if role == "resident" or role not in ACTIONS[endpoint.action]:
            assert response.status_code == 403, where
        elif where in SCOPE[role]:
            assert response.status_code in (200, 201), where
            continue
        else:
            assert response.status_code == 404, where
        assert not endpoint.changed(db, record), where


@pytest.mark.parametrize("role", list(SCOPE))
def test_residency_list_shows_only_the_scope(client, world, role):
    made = {
        where: make_residency_request(world, getattr(world, where)).id
        for where in ("home", "neighbour", "elsewhere")
    }
    items = client.get("/api/v1/staff/residency-requests", headers=caller_headers(client, role)).json["items"]
    assert {i["id"] for i in items} == {made[w] for w in SCOPE[role]}


# -- the console: pages and forms that take a record id, signed in as each role ---------------------


@dataclass
class ConsolePage:
    name: str
    action: str  # the permission it needs: a role without it gets 403
    make: Callable  # (world, community) -> record
    call: Callable  # (client, record) -> response (a form's redirect followed)
    changed: Callable  # (db, record) -> whether the record changed


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


RULES = {
    "name": "证明开具",
    "slot_minutes": "60",
    "capacity": "9",
    "min_notice_hours": "2",
    "max_advance_days": "14",
    "max_active_per_user": "2",
    "cancel_cutoff_hours": "2",
}

CONSOLE_PAGES = [
    ConsolePage(
        "GET /admin/bookables/{id}/edit",
        "booking.manage",
        make_bookable,
        lambda c, r: c.get(f"/admin/bookables/{r.id}/edit"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/bookables/{id}/edit",
        "booking.manage",
        make_bookable,
        lambda c, r: submit(c, f"/admin/bookables/{r.id}/edit", RULES),
        lambda db, r: db.session.scalar(select(Bookable.capacity).where(Bookable.id == r.id)) == 9,
    ),
    ConsolePage(
        "POST /admin/bookables/{id}/edit?part=hours",
        "booking.manage",
        make_bookable,
        lambda c, r: submit(c, f"/admin/bookables/{r.id}/edit?part=hours", {"hours": "周六 09:00-10:00"}),
        lambda db, r: count(db, OpeningHours, OpeningHours.bookable_id == r.id) != 0,
    ),
    ConsolePage(
        "POST /admin/bookables/{id}/edit?part=closures",
        "booking.manage",
        make_bookable,
        lambda c, r: submit(
            c, f"/admin/bookables/{r.id}/edit?part=closures", {"day": in_two_days(), "reason": "检查"}
        ),
        lambda db, r: count(db, Closure, Closure.bookable_id == r.id) != 0,
    ),
    ConsolePage(
        "GET /admin/bookings/day?bookable_id={id}",
        "booking.checkin",
        make_bookable,
        lambda c, r: c.get(f"/admin/bookings/day?bookable_id={r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "GET /admin/bookings/day/{id}/{day}.xlsx",
        "booking.checkin",
        make_bookable,
        lambda c, r: c.get(f"/admin/bookings/day/{r.id}/2026-12-08.xlsx"),
        lambda db, r: False,
    ),
    ConsolePage(
        "GET /admin/venue/booking/{id}",
        "booking.checkin",
        make_bookable,
        lambda c, r: c.get(f"/admin/venue/booking/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/bookings/{id}/check-in",
        "booking.checkin",
        make_due_booking,
        lambda c, r: submit(c, f"/admin/bookings/{r.id}/check-in"),
        lambda db, r: booking_status(db, r.id) != "confirmed",
    ),
    ConsolePage(
        "POST /admin/bookings/{id}/approve",
        "booking.manage",
        make_booking,
        lambda c, r: submit(c, f"/admin/bookings/{r.id}/approve"),
        lambda db, r: booking_status(db, r.id) != "pending_approval",
    ),
    ConsolePage(
        "POST /admin/bookings/{id}/reject",
        "booking.manage",
        make_booking,
        lambda c, r: submit(c, f"/admin/bookings/{r.id}/reject"),
        lambda db, r: booking_status(db, r.id) != "pending_approval",
    ),
    ConsolePage(
        "POST /admin/booking-suspensions/{id}/lift",
        "booking.manage",
        make_suspension,
        lambda c, r: submit(c, f"/admin/booking-suspensions/{r.id}/lift"),
        lambda db, r: (
            count(
                db, BookingSuspension, BookingSuspension.id == r.id, BookingSuspension.lifted_at.is_not(None)
            )
            != 0
        ),
    ),
]


FILE = [("停水通知.txt", "周六停水。".encode())]


def make_notice_with_file(world, community):
    notice = publish_notice(world.staff[CITY_ADMIN], community.id, "停水通知", "周六停水。", ALL, files=FILE)
    database.session.commit()
    return notice


def make_guide_with_file(world, community):
    guide = create_guide(world.staff[CITY_ADMIN], community.id, category="证明", title="居住证明", files=FILE)
    database.session.commit()
    return guide


CONSOLE_PAGES += [
    ConsolePage(
        "GET /admin/notices/{id}/attachments/{upload_id}",
        "notice.manage",
        make_notice_with_file,
        lambda c, r: c.get(f"/admin/notices/{r.id}/attachments/{notice_uploads(r)[0].id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "GET /admin/guides/{id}/attachments/{upload_id}",
        "guide.manage",
        make_guide_with_file,
        lambda c, r: c.get(f"/admin/guides/{r.id}/attachments/{guide_uploads(r)[0].id}"),
        lambda db, r: False,
    ),
]


def make_attended_activity(world, community):
    """An activity of ``community`` under way with one member checked in (hours not yet credited)."""
    start = now() - timedelta(minutes=30)
    activity = Activity(
        community_id=community.id,
        title="主题党日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
        signed_up=1,
    )
    database.session.add(activity)
    database.session.flush()
    member = party_member(
        community, f"attendee{community.id}", make_unit(community, f"活动单位{community.id}")
    )
    database.session.add(
        ActivitySignup(
            activity_id=activity.id,
            community_id=community.id,
            user_id=member.id,
            status="signed_up",
            checked_in_at=start,
        )
    )
    database.session.commit()
    return activity


def credited(db, activity):
    signups = select(ActivitySignup.id).where(ActivitySignup.activity_id == activity.id)
    return count(db, ServiceHours, ServiceHours.signup_id.in_(signups)) != 0


CONSOLE_PAGES += [
    ConsolePage(
        "GET /admin/party/reports/{id}",
        "party.manage",
        make_party_report,
        lambda c, r: c.get(f"/admin/party/reports/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/party/reports/{id}/approve",
        "party.manage",
        make_party_report,
        lambda c, r: submit(c, f"/admin/party/reports/{r.id}/approve"),
        lambda db, r: report_status(db, r.id) != "pending",
    ),
    ConsolePage(
        "GET /admin/party/units/{id}/edit",
        "party.manage",
        lambda world, community: make_unit(community, f"单位{community.id}"),
        lambda c, r: c.get(f"/admin/party/units/{r.id}/edit"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/party/claims/{id}/confirm",
        "party.manage",
        make_post_claim,
        lambda c, r: submit(c, f"/admin/party/claims/{r.id}/confirm"),
        lambda db, r: db.session.scalar(select(PostClaim.status).where(PostClaim.id == r.id)) != "claimed",
    ),
    ConsolePage(
        "GET /admin/party/activities/{id}",
        "party.attendance",
        make_attended_activity,
        lambda c, r: c.get(f"/admin/party/activities/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/party/activities/{id}/confirm-all",
        "party.attendance",
        make_attended_activity,
        lambda c, r: submit(c, f"/admin/party/activities/{r.id}/confirm-all"),
        credited,
    ),
    ConsolePage(
        "GET /admin/party/unit-reports/{id}.csv",
        "party.manage",
        make_unit_report,
        lambda c, r: c.get(f"/admin/party/unit-reports/{r.id}.csv"),
        lambda db, r: False,
    ),
]


@pytest.mark.parametrize("role", list(SCOPE))
@pytest.mark.parametrize("page", CONSOLE_PAGES, ids=lambda p: p.name)
def test_console_record_page_scope(client, db, world, page, role):
    """A record of each place in turn (one world: the places' records are apart)."""
    sign_in_as(client, world.staff[role])
    for where in PLACES:
        record = page.make(world, getattr(world, where))
        response = page.call(client, record)
        if role not in ACTIONS[page.action]:
            assert response.status_code == 403, where
        elif where in SCOPE[role]:
            assert response.status_code == 200, where
            assert page.changed(db, record) or page.name.startswith("GET "), where
            continue
        else:
            assert response.status_code == 404, where
        assert not page.changed(db, record), where


# -- 云柜: staff deposit into a cabinet and act on a deposit by its id --------------------------------


def make_locker_deposit(world, community, expired=False):
    """A waiting (or expired) deposit for a resident of ``community`` in a cabinet there."""
    from cloudplatform.locker.models import Deposit
    from cloudplatform.locker.operations import deposit
    from tests.locker.core import make_cabinet
    from tests.locker.core import resident_of as locker_resident

    cabinet, *_ = make_cabinet(community)
    user = locker_resident(community, f"locker-recipient-{community.id}")
    made = deposit(None, cabinet.id, user.id, "S", "证明").deposit
    if expired:
        made.status = "expired"
    database.session.commit()
    return database.session.get(Deposit, made.id)


def locker_deposit_field(db, deposit_id, column):
    from cloudplatform.locker.models import Deposit

    db.session.expire_all()
    return db.session.scalar(select(getattr(Deposit, column)).where(Deposit.id == deposit_id))


def deposits_in_cabinet(db, deposit):
    from cloudplatform.locker.models import Deposit

    return count(db, Deposit, Deposit.cabinet_id == deposit.cabinet_id)


ENDPOINTS += [
    Endpoint(
        "POST /staff/deposits (cabinet_id)",
        make_locker_deposit,
        lambda c, h, r: c.post(
            "/api/v1/staff/deposits",
            json={
                "cabinet_id": r.cabinet_id,
                "recipient_user_id": r.recipient_user_id,
                "size": "S",
                "item": "证明",
            },
            headers=h,
        ),
        lambda db, r: deposits_in_cabinet(db, r) != 1,
        "locker.deposit",
    ),
    Endpoint(
        "POST /staff/deposits/{id}/cancel",
        make_locker_deposit,
        lambda c, h, r: c.post(f"/api/v1/staff/deposits/{r.id}/cancel", json={"reason": "放错"}, headers=h),
        lambda db, r: locker_deposit_field(db, r.id, "status") != "waiting",
        "locker.deposit",
    ),
    Endpoint(
        "POST /staff/deposits/{id}/retrieve",
        lambda world, community: make_locker_deposit(world, community, expired=True),
        lambda c, h, r: c.post(f"/api/v1/staff/deposits/{r.id}/retrieve", headers=h),
        lambda db, r: locker_deposit_field(db, r.id, "finished_by_id") is not None,
        "locker.deposit",
    ),
    Endpoint(
        "POST /staff/deposits/{id}/remote-open",
        make_locker_deposit,
        lambda c, h, r: c.post(
            f"/api/v1/staff/deposits/{r.id}/remote-open", json={"reason": "居民手机丢失"}, headers=h
        ),
        lambda db, r: locker_deposit_field(db, r.id, "status") != "waiting",
        "locker.manage",
    ),
]


def make_deposited_dropoff(world, community):
    """A resident's drop-off in a cabinet of ``community``, in its compartment, waiting for staff."""
    from cloudplatform.locker.operations import reserve_dropoff
    from tests.locker.core import make_cabinet
    from tests.locker.core import resident_of as locker_resident

    cabinet, *_ = make_cabinet(community)
    sender = locker_resident(community, f"locker-sender-{community.id}")
    made = reserve_dropoff(sender, cabinet.id, "S", "材料").deposit
    made.status = "deposited"
    database.session.commit()
    return made


def make_locker_cabinet(world, community):
    from tests.locker.core import make_cabinet

    return make_cabinet(community)[0]


def cabinet_keys(db, cabinet):
    from cloudplatform.locker.models import CabinetKey

    return count(db, CabinetKey, CabinetKey.cabinet_id == cabinet.id)


ENDPOINTS += [
    Endpoint(
        "GET /staff/deposits/{id}/collection-code",
        make_deposited_dropoff,
        lambda c, h, r: c.get(f"/api/v1/staff/deposits/{r.id}/collection-code", headers=h),
        lambda db, r: False,
        "locker.deposit",
    ),
]

CONSOLE_PAGES += [
    ConsolePage(
        "GET /admin/locker/cabinets/{id}",
        "locker.deposit",
        make_locker_cabinet,
        lambda c, r: c.get(f"/admin/locker/cabinets/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/locker/cabinets/{id}/keys",
        "locker.manage",
        make_locker_cabinet,
        lambda c, r: submit(c, f"/admin/locker/cabinets/{r.id}/keys"),
        lambda db, r: cabinet_keys(db, r) > 1,
    ),
    ConsolePage(
        "GET /admin/locker/deposits/{id}",
        "locker.deposit",
        make_locker_deposit,
        lambda c, r: c.get(f"/admin/locker/deposits/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/locker/deposits/{id}/cancel",
        "locker.deposit",
        make_locker_deposit,
        lambda c, r: submit(c, f"/admin/locker/deposits/{r.id}/cancel", {"reason": "放错"}),
        lambda db, r: locker_deposit_field(db, r.id, "status") != "waiting",
    ),
]


# -- 困难救助: staff in the field open, decide, visit and answer a case by its id -----------------------


def make_aid_case(world, community, accepted=False):
    """A submitted (or accepted) medical aid case of a resident of ``community``, with one material."""
    from cloudplatform.service.aid import operations as aid
    from cloudplatform.service.aid.demo import id_number
    from tests.service.aid.fixtures import application_fields, categories, resident_at, upload_for

    medical = categories()["medical"]
    applicant = resident_at(world, f"aid-applicant-{community.id}", community=community)
    fields = application_fields(world, medical, community_id=community.id, id_number=id_number(community, 0))
    case = aid.apply(applicant, **fields, materials=[(upload_for(applicant), "身份证")])
    if accepted:
        aid.accept(world.staff[CITY_ADMIN], case)
    database.session.commit()
    return case


def make_aid_objection(world, community):
    """An objection a neighbour raised to a case of ``community`` in 公示."""
    from cloudplatform.service.aid import operations as aid
    from tests.service.aid.fixtures import resident_at

    case = make_aid_case(world, community, accepted=True)
    aid.record_visit(world.staff[CITY_ADMIN], case, "入户核实")
    aid.publicize(world.staff[CITY_ADMIN], case, 1000)
    neighbour = resident_at(world, f"aid-neighbour-{community.id}", "9-909", community)
    objection = aid.object_to(neighbour, case, "有异议")
    database.session.commit()
    return objection


def aid_field(db, case_id, column):
    from cloudplatform.service.aid.models import AidApplication

    db.session.expire_all()
    return db.session.scalar(select(getattr(AidApplication, column)).where(AidApplication.id == case_id))


def aid_views(db, case_id):
    from cloudplatform.audit.models import AuditEntry

    return count(
        db, AuditEntry, AuditEntry.action == "aid_application.view", AuditEntry.target_id == str(case_id)
    )


def aid_answered(db, objection_id):
    from cloudplatform.service.aid.models import AidObjection

    db.session.expire_all()
    return db.session.scalar(select(AidObjection.answered_at).where(AidObjection.id == objection_id))


ENDPOINTS += [
    Endpoint(
        "GET /staff/aid-applications/{id}",
        make_aid_case,
        lambda c, h, r: c.get(f"/api/v1/staff/aid-applications/{r.id}", headers=h),
        lambda db, r: aid_views(db, r.id) > 0,
        "aid.review",
    ),
    Endpoint(
        "POST /staff/aid-applications/{id}/decision",
        make_aid_case,
        lambda c, h, r: c.post(
            f"/api/v1/staff/aid-applications/{r.id}/decision",
            json={"action": "accept", "step": "submitted"},
            headers=h,
        ),
        lambda db, r: aid_field(db, r.id, "status") != "submitted",
        "aid.review",
    ),
    Endpoint(
        "POST /staff/aid-applications/{id}/visit",
        lambda world, community: make_aid_case(world, community, accepted=True),
        lambda c, h, r: c.post(
            f"/api/v1/staff/aid-applications/{r.id}/visit",
            data={"notes": "入户核实"},
            headers=h,
            content_type="multipart/form-data",
        ),
        lambda db, r: aid_field(db, r.id, "visit_notes") != "",
        "aid.review",
    ),
    Endpoint(
        "POST /staff/aid-applications/{id}/id-number",
        make_aid_case,
        lambda c, h, r: c.post(
            f"/api/v1/staff/aid-applications/{r.id}/id-number", json={"purpose": "核对身份"}, headers=h
        ),
        lambda db, r: aid_views(db, r.id) > 0,
        "aid.review",
    ),
    Endpoint(
        "POST /staff/aid-applications/{id}/objections/{id}/answer",
        make_aid_objection,
        lambda c, h, r: c.post(
            f"/api/v1/staff/aid-applications/{r.application_id}/objections/{r.id}/answer",
            json={"answer": "已核查"},
            headers=h,
        ),
        lambda db, r: aid_answered(db, r.id) is not None,
        "aid.review",
    ),
    Endpoint(
        "GET /staff/aid-applications/{id}/files/{id}",
        make_aid_case,
        lambda c, h, r: c.get(
            f"/api/v1/staff/aid-applications/{r.id}/files/{r.files[0].upload_id}", headers=h
        ),
        lambda db, r: False,
        "aid.review",
    ),
]


# 困难救助's console pages (their record factories live beside the console's tests)
CONSOLE_PAGES += AID_CONSOLE_PAGES


# -- 群众点单 and messages: staff take a demand's steps and answer a message by its id -------------------


def make_demand(world, community, status="submitted", held=False, photo=False):
    """A demand of a resident of ``community`` taken to ``status`` (dispatched to an organisation serving
    it, worked by its worker), held by the content check or with a photo when asked."""
    from cloudplatform.service.demands import operations as five
    from tests.service.aid.fixtures import upload_for
    from tests.service.demands.fixtures import make_organisation, org_worker
    from tests.service.demands.fixtures import resident_of as demand_resident

    user = demand_resident(community, f"demand-resident-{community.id}")
    text = "需要帮忙请加微信" if held else "3号楼楼道扶手松动"
    photos = [upload_for(user, "扶手.png")] if photo else []
    demand = five.submit_demand(
        user,
        community_id=community.id,
        category="elderly",
        title="楼道扶手松动",
        description=text,
        photo_ids=photos,
    )
    organisation = make_organisation(community, f"服务中心{community.id}")
    city = world.staff[CITY_ADMIN]
    if status != "submitted":
        worker = org_worker(organisation, f"demand-worker-{community.id}")
        five.dispatch(
            city,
            demand,
            organisation_id=organisation.id,
            deadline=local(now()).date() + timedelta(days=7),
            funding_source="社区经费",
            responsible_member="李建国",
        )
        if status in ("accepted", "done"):
            five.accept(worker, demand)
        if status == "done":
            five.report_done(worker, demand, "已完成")
    database.session.commit()
    return demand


def demand_field(db, demand_id, column):
    from cloudplatform.service.demands.models import Demand

    db.session.expire_all()
    return db.session.scalar(select(getattr(Demand, column)).where(Demand.id == demand_id))


def demand_steps(db, demand_id, action):
    from cloudplatform.service.demands.models import DemandStep

    return count(db, DemandStep, DemandStep.demand_id == demand_id, DemandStep.action == action)


def serving(demand) -> int:
    from cloudplatform.service.demands.models import Organisation

    return database.session.scalar(
        select(Organisation.id).where(Organisation.community_id == demand.community_id)
    )


def make_demand_pair(world, community):
    """Two open demands of ``community``: the record, and ``into`` (another resident's) to merge it into."""
    from cloudplatform.service.demands import operations as five
    from tests.service.demands.fixtures import resident_of as demand_resident

    demand = make_demand(world, community)
    other = demand_resident(community, f"demand-neighbour-{community.id}")
    demand.into = five.submit_demand(
        other, community_id=community.id, category="elderly", title="扶手松动", description="同一处扶手"
    )
    database.session.commit()
    return demand


def make_message(world, community, replied=False):
    """A resident's suggestion to ``community`` (consenting to publish), replied when asked."""
    from cloudplatform.service.messages import operations as messages
    from tests.service.demands.fixtures import resident_of as message_writer

    writer = message_writer(community, f"message-writer-{community.id}")
    message = messages.write_message(
        writer, community_id=community.id, kind="suggestion", content="建议增设充电桩", publish_consent=True
    )
    if replied:
        messages.reply_to(world.staff[CITY_ADMIN], message, "已列入计划")
    database.session.commit()
    return message


def message_field(db, message_id, column):
    from cloudplatform.service.messages.models import Message

    db.session.expire_all()
    return db.session.scalar(select(getattr(Message, column)).where(Message.id == message_id))


def demand_call(action, **body):
    return lambda c, h, r: c.post(f"/api/v1/staff/demands/{r.id}/{action}", json=body, headers=h)


ENDPOINTS += [
    Endpoint(
        "GET /staff/demands/{id}",
        make_demand,
        lambda c, h, r: c.get(f"/api/v1/staff/demands/{r.id}", headers=h),
        lambda db, r: False,
        "demand.dispatch",
    ),
    Endpoint(
        "GET /staff/demands/{id}/files/{id}",
        lambda world, community: make_demand(world, community, photo=True),
        lambda c, h, r: c.get(f"/api/v1/staff/demands/{r.id}/files/{r.files[0].upload_id}", headers=h),
        lambda db, r: False,
        "demand.dispatch",
    ),
    Endpoint(
        "POST /staff/demands/{id}/dispatch",
        make_demand,
        lambda c, h, r: c.post(
            f"/api/v1/staff/demands/{r.id}/dispatch",
            json={
                "step": "submitted",
                "organisation_id": serving(r),
                "deadline": in_two_days(),
                "funding_source": "社区经费",
                "responsible_member": "李建国",
            },
            headers=h,
        ),
        lambda db, r: demand_field(db, r.id, "status") != "submitted",
        "demand.dispatch",
    ),
    Endpoint(
        "POST /staff/demands/{id}/release",
        lambda world, community: make_demand(world, community, held=True),
        lambda c, h, r: c.post(f"/api/v1/staff/demands/{r.id}/release", headers=h),
        lambda db, r: demand_field(db, r.id, "held") is not True,
        "demand.dispatch",
    ),
    Endpoint(
        "POST /staff/demands/{id}/dismiss",
        make_demand,
        demand_call("dismiss", step="submitted", reason="不属于社区办理范围"),
        lambda db, r: demand_field(db, r.id, "status") != "submitted",
        "demand.dispatch",
    ),
    Endpoint(
        "POST /staff/demands/{id}/merge",
        make_demand_pair,
        lambda c, h, r: c.post(f"/api/v1/staff/demands/{r.id}/merge", json={"into_id": r.into.id}, headers=h),
        lambda db, r: demand_field(db, r.id, "status") != "submitted",
        "demand.dispatch",
    ),
    Endpoint(
        "POST /staff/demands/{id}/supervise",
        lambda world, community: make_demand(world, community, "accepted"),
        demand_call("supervise", comment="请于本周内完成"),
        lambda db, r: demand_steps(db, r.id, "supervise") != 0,
        "demand.supervise",
    ),
    Endpoint(
        "POST /staff/demands/{id}/verify",
        lambda world, community: make_demand(world, community, "done"),
        demand_call("verify", step="done"),
        lambda db, r: demand_field(db, r.id, "status") != "done",
        "demand.verify",
    ),
    Endpoint(
        "POST /staff/demands/{id}/send-back",
        lambda world, community: make_demand(world, community, "done"),
        demand_call("send-back", step="done", reason="扶手仍有晃动"),
        lambda db, r: demand_field(db, r.id, "status") != "done",
        "demand.verify",
    ),
    # an organisation's worker's steps: no community role may take them
    Endpoint(
        "POST /staff/demands/{id}/accept",
        lambda world, community: make_demand(world, community, "dispatched"),
        demand_call("accept", step="dispatched"),
        lambda db, r: demand_field(db, r.id, "status") != "dispatched",
        "demand.fulfil",
    ),
    Endpoint(
        "POST /staff/demands/{id}/decline",
        lambda world, community: make_demand(world, community, "dispatched"),
        demand_call("decline", step="dispatched", reason="人手不足"),
        lambda db, r: demand_field(db, r.id, "status") != "dispatched",
        "demand.fulfil",
    ),
    Endpoint(
        "POST /staff/demands/{id}/done",
        lambda world, community: make_demand(world, community, "accepted"),
        lambda c, h, r: c.post(
            f"/api/v1/staff/demands/{r.id}/done",
            data={"note": "已完成"},
            headers=h,
            content_type="multipart/form-data",
        ),
        lambda db, r: demand_field(db, r.id, "status") != "accepted",
        "demand.fulfil",
    ),
    Endpoint(
        "POST /staff/messages/{id}/reply",
        make_message,
        lambda c, h, r: c.post(
            f"/api/v1/staff/messages/{r.id}/reply", json={"reply": "已列入计划"}, headers=h
        ),
        lambda db, r: message_field(db, r.id, "status") != "waiting",
        "message.reply",
    ),
    Endpoint(
        "POST /staff/messages/{id}/publish",
        lambda world, community: make_message(world, community, replied=True),
        lambda c, h, r: c.post(f"/api/v1/staff/messages/{r.id}/publish", headers=h),
        lambda db, r: message_field(db, r.id, "published_at") is not None,
        "message.reply",
    ),
]

# 群众点单's console pages (their record factories live beside the console's tests)
CONSOLE_PAGES += DEMAND_CONSOLE_PAGES


# -- 志愿云: a shift's roster, points adjustments (a volunteer's user id in the body) ----------------------


def make_volunteer_shift(world, community):
    from tests.volunteer.fixtures import project, shift

    return shift(project(community))


def make_points_volunteer(world, community):
    from tests.volunteer.fixtures import volunteer

    return volunteer(community, f"points-volunteer-{community.id}")


def point_entries(db, user_id):
    from cloudplatform.volunteer.models import PointEntry

    return count(db, PointEntry, PointEntry.user_id == user_id)


ENDPOINTS += [
    Endpoint(
        "GET /staff/volunteer/shifts/{id}",
        make_volunteer_shift,
        lambda c, h, r: c.get(f"/api/v1/staff/volunteer/shifts/{r.id}", headers=h),
        lambda db, r: False,
        "volunteer.attendance",
    ),
    Endpoint(
        "POST /staff/volunteer/points/adjustments",
        make_points_volunteer,
        lambda c, h, r: c.post(
            "/api/v1/staff/volunteer/points/adjustments",
            json={"user_id": r.user_id, "amount": 10, "reason": "表彰"},
            headers=h,
        ),
        lambda db, r: point_entries(db, r.user_id) != 0,
        "points.manage",
    ),
]


# -- 志愿云 attendance: scanning, confirming and correcting hours, deciding disputes -----------------------


def make_shift_signup(world, community, started=True, confirmed=False):
    """A volunteer's sign-up for a shift of ``community``: started an hour ago, checked in and out when
    ``started`` (with 120 minutes confirmed when ``confirmed``), else starting in ten minutes."""
    from tests.volunteer.fixtures import project, shift, signup, volunteer

    on = shift(project(community), starts_in=timedelta(hours=-1) if started else timedelta(minutes=10))
    who = volunteer(community, f"shift-volunteer-{community.id}")
    fields = {"checked_in_at": on.starts_at, "checked_out_at": now()} if started else {}  # left: confirmable
    if confirmed:
        fields.update(minutes=120, confirmed_at=now())
        who.confirmed_minutes = 120
    return signup(on, who, **fields)


def make_shift_to_scan(world, community):
    """A shift starting in ten minutes (check-in open) with a signed-up volunteer's personal code."""
    from cloudplatform.venue import venue_code

    own = make_shift_signup(world, community, started=False)
    shift = own.shift
    shift.card = venue_code("volunteer_card", own.volunteer_id)
    shift.signup_id = own.id
    return shift


def make_hours_dispute(world, community):
    from cloudplatform.volunteer.models import HoursDispute

    own = make_shift_signup(world, community, confirmed=True)
    dispute = HoursDispute(
        signup_id=own.id, community_id=community.id, user_id=own.user_id, reason="少记", minutes_before=120
    )
    database.session.add(dispute)
    database.session.commit()
    return dispute


def shift_signup_field(db, signup_id, column):
    from cloudplatform.volunteer.models import ShiftSignup

    db.session.expire_all()
    return db.session.scalar(select(getattr(ShiftSignup, column)).where(ShiftSignup.id == signup_id))


def confirmed_on(db, shift_id):
    from cloudplatform.volunteer.models import ShiftSignup

    return count(db, ShiftSignup, ShiftSignup.shift_id == shift_id, ShiftSignup.confirmed_at.is_not(None))


def dispute_status(db, dispute_id):
    from cloudplatform.volunteer.models import HoursDispute

    return db.session.scalar(select(HoursDispute.status).where(HoursDispute.id == dispute_id))


ENDPOINTS += [
    Endpoint(
        "POST /staff/volunteer/shifts/{id}/scan",
        make_shift_to_scan,
        lambda c, h, r: c.post(
            f"/api/v1/staff/volunteer/shifts/{r.id}/scan", json={"code": r.card}, headers=h
        ),
        lambda db, r: shift_signup_field(db, r.signup_id, "checked_in_at") is not None,
        "volunteer.attendance",
    ),
    Endpoint(
        "POST /staff/volunteer/signups/{id}/confirm",
        make_shift_signup,
        lambda c, h, r: c.post(f"/api/v1/staff/volunteer/signups/{r.id}/confirm", headers=h),
        lambda db, r: shift_signup_field(db, r.id, "confirmed_at") is not None,
        "volunteer.attendance",
    ),
    Endpoint(
        "POST /staff/volunteer/shifts/{id}/confirm-all",
        lambda world, community: make_shift_signup(world, community).shift,
        lambda c, h, r: c.post(f"/api/v1/staff/volunteer/shifts/{r.id}/confirm-all", headers=h),
        lambda db, r: confirmed_on(db, r.id) != 0,
        "volunteer.attendance",
    ),
    Endpoint(
        "POST /staff/volunteer/signups/{id}/correct",
        lambda world, community: make_shift_signup(world, community, confirmed=True),
        lambda c, h, r: c.post(
            f"/api/v1/staff/volunteer/signups/{r.id}/correct",
            json={"minutes": 60, "reason": "更正"},
            headers=h,
        ),
        lambda db, r: shift_signup_field(db, r.id, "minutes") != 120,
        "volunteer.attendance",
    ),
    Endpoint(
        "POST /staff/volunteer/disputes/{id}/decision",
        make_hours_dispute,
        lambda c, h, r: c.post(
            f"/api/v1/staff/volunteer/disputes/{r.id}/decision",
            json={"uphold": False, "note": "维持"},
            headers=h,
        ),
        lambda db, r: dispute_status(db, r.id) != "open",
        "volunteer.disputes",
    ),
    Endpoint(
        "GET /staff/venue-codes/volunteer_shift/{id}.png",
        make_volunteer_shift,
        lambda c, h, r: c.get(f"/api/v1/staff/venue-codes/volunteer_shift/{r.id}.png", headers=h),
        lambda db, r: False,
        "volunteer.attendance",
    ),
    Endpoint(
        "GET /staff/volunteer/shifts/{id}/qr",
        make_volunteer_shift,
        lambda c, h, r: c.get(f"/api/v1/staff/volunteer/shifts/{r.id}/qr", headers=h),
        lambda db, r: False,
        "volunteer.attendance",
    ),
]


# -- 志愿云 in the console: a shift, its sign-ups, a dispute, a volunteer ---------------------------------


def shift_status(db, shift_id):
    from cloudplatform.volunteer.models import Shift

    db.session.expire_all()
    return db.session.scalar(select(Shift.status).where(Shift.id == shift_id))


CONSOLE_PAGES += [
    ConsolePage(
        "GET /admin/volunteer/shifts/{id}",
        "volunteer.attendance",
        make_volunteer_shift,
        lambda c, r: c.get(f"/admin/volunteer/shifts/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/volunteer/shifts/{id}/cancel",
        "volunteer.manage",
        make_volunteer_shift,
        lambda c, r: submit(c, f"/admin/volunteer/shifts/{r.id}/cancel", {"reason": "天气原因"}),
        lambda db, r: shift_status(db, r.id) == "cancelled",
    ),
    ConsolePage(
        "POST /admin/volunteer/shifts/{id}/confirm-all",
        "volunteer.attendance",
        lambda world, community: make_shift_signup(world, community).shift,
        lambda c, r: submit(c, f"/admin/volunteer/shifts/{r.id}/confirm-all"),
        lambda db, r: confirmed_on(db, r.id) != 0,
    ),
    ConsolePage(
        "POST /admin/volunteer/signups/{id}/confirm",
        "volunteer.attendance",
        make_shift_signup,
        lambda c, r: submit(c, f"/admin/volunteer/signups/{r.id}/confirm"),
        lambda db, r: shift_signup_field(db, r.id, "confirmed_at") is not None,
    ),
    ConsolePage(
        "POST /admin/volunteer/signups/{id}/correct",
        "volunteer.attendance",
        lambda world, community: make_shift_signup(world, community, confirmed=True),
        lambda c, r: submit(
            c, f"/admin/volunteer/signups/{r.id}/correct", {"minutes": "60", "reason": "更正"}
        ),
        lambda db, r: shift_signup_field(db, r.id, "minutes") != 120,
    ),
    ConsolePage(
        "POST /admin/volunteer/disputes/{id}/decide",
        "volunteer.disputes",
        make_hours_dispute,
        lambda c, r: submit(
            c, f"/admin/volunteer/disputes/{r.id}/decide", {"decision": "dismiss", "note": "维持"}
        ),
        lambda db, r: dispute_status(db, r.id) != "open",
    ),
    ConsolePage(
        "GET /admin/volunteer/volunteers/{id}",
        "volunteer.manage",
        make_points_volunteer,
        lambda c, r: c.get(f"/admin/volunteer/volunteers/{r.id}"),
        lambda db, r: False,
    ),
    ConsolePage(
        "POST /admin/volunteer/volunteers/{id}/adjust",
        "points.manage",
        make_points_volunteer,
        lambda c, r: submit(
            c, f"/admin/volunteer/volunteers/{r.id}/adjust", {"amount": "20", "reason": "表彰"}
        ),
        lambda db, r: point_entries(db, r.user_id) != 0,
    ),
]


# -- 志愿云 II: service certificates ---------------------------------------------------------------------

ENDPOINTS += CERTIFICATE_ENDPOINTS
CONSOLE_PAGES += CERTIFICATE_CONSOLE_PAGES


# -- 志愿云 II: the 爱心超市 -----------------------------------------------------------------------------

ENDPOINTS += REWARD_ENDPOINTS
CONSOLE_PAGES += REWARD_CONSOLE_PAGES


# -- 志愿云 II: 优秀志愿者 in the console -----------------------------------------------------------------


def make_recognised_volunteer(world, community):
    """A volunteer of ``community`` on the public boards (a name of their own each time)."""
    from cloudplatform.volunteer.models import Volunteer
    from tests.volunteer.fixtures import volunteer

    made = count(database, Volunteer, Volunteer.community_id == community.id)
    return volunteer(community, f"优秀{community.id}-{made}")


def make_nomination(world, community):
    from cloudplatform.volunteer.models import Recognition

    who = make_recognised_volunteer(world, community)
    nomination = Recognition(community_id=community.id, year=local(now()).year, volunteer_id=who.id)
    database.session.add(nomination)
    database.session.commit()
    return SimpleNamespace(id=nomination.id, volunteer_id=who.id)  # withdrawn, the row is gone


def nominations_of(db, volunteer_id) -> int:
    from cloudplatform.volunteer.models import Recognition

    return count(db, Recognition, Recognition.volunteer_id == volunteer_id)


CONSOLE_PAGES += [
    ConsolePage(
        "POST /admin/volunteer/recognition/nominate (volunteer_id)",
        "recognition.manage",
        make_recognised_volunteer,
        lambda c, r: submit(
            c, "/admin/volunteer/recognition/nominate", {"volunteer_id": r.id, "year": local(now()).year}
        ),
        lambda db, r: nominations_of(db, r.id) != 0,
    ),
    ConsolePage(
        "POST /admin/volunteer/recognition/{id}/withdraw",
        "recognition.manage",
        make_nomination,
        lambda c, r: submit(c, f"/admin/volunteer/recognition/{r.id}/withdraw"),
        lambda db, r: nominations_of(db, r.volunteer_id) == 0,
    ),
]
