"""Demo services of 火炬路社区 and 金河尚居社区, a few bookings of their residents for the coming days,
and residents whose no-shows suspended their booking (预约暂停)."""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import RESIDENT, Community, Membership, StaffAccount, User
from cloudplatform.notify.models import FAILED
from cloudplatform.notify.operations import notify
from cloudplatform.service.bookings.models import BookingSuspension, Slot
from cloudplatform.service.bookings.operations import (
    BookingRefused,
    book_slot,
    booking_message,
    create_bookable,
    set_opening_hours,
)
from cloudplatform.wechat.errors import WeChatOpenidInvalid

WEEKDAYS, EVERY_DAY = range(5), range(7)
SERVICES: list[tuple[str, str, dict[str, Any], list]] = [
    # name, description, rules, [(weekdays, "HH:MM", "HH:MM")]
    (
        "证明开具",
        "居住证明、无犯罪记录证明协助、亲属关系证明等各类证明开具，请携带身份证原件。",
        {
            "slot_minutes": 30,
            "capacity": 3,
            "min_notice_hours": 1,
            "max_advance_days": 14,
            "max_active_per_user": 2,
        },
        [(WEEKDAYS, "08:30", "12:00"), (WEEKDAYS, "14:30", "17:30")],
    ),
    (
        "老年证办理",
        "年满60周岁的本市户籍老人办理老年优待证，现场拍照、当场审核。",
        {
            "slot_minutes": 30,
            "capacity": 2,
            "min_notice_hours": 2,
            "max_advance_days": 14,
            "max_active_per_user": 1,
        },
        [((1, 3), "09:00", "11:30")],
    ),
    (
        "活动室预约",
        "社区党群服务中心二楼多功能活动室，可容纳40人，供居民文体活动、议事协商使用。",
        {
            "slot_minutes": 60,
            "capacity": 1,
            "min_notice_hours": 24,
            "max_advance_days": 30,
            "max_active_per_user": 2,
            "requires_approval": True,
            "cancel_cutoff_hours": 24,
        },
        [(EVERY_DAY, "09:00", "21:00")],
    ),
    (
        # Open around the clock with short slots and no notice, so that booking now and being checked
        # in now (from half an hour before a slot) works at any hour: the README's walkthrough does.
        "自助服务终端",
        "24小时自助服务区的政务服务一体机：社保、医保、公积金查询与打印，每次15分钟，随约随用。",
        {
            "location": "火炬路社区党群服务中心一楼24小时自助服务区",
            "slot_minutes": 15,
            "capacity": 2,
            "min_notice_hours": 0,
            "max_advance_days": 1,
            "max_active_per_user": 2,
            "cancel_cutoff_hours": 0,
        },
        [(EVERY_DAY, "00:00", "24:00")],
    ),
]
LOCATION = "党群服务中心一楼服务大厅"  # after the community's name
SUSPENDED = [(3, 20, None), (4, 9, None), (3, -12, 25)]  # (no-shows, days left, lifted days ago)


def minutes(text: str) -> int:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def load_demo(
    community: Community, staff: StaffAccount, names: tuple[str, ...] | None = None
) -> dict[str, int]:
    """Create the services (those ``names``, else all) with their slots, some bookings and suspensions;
    returns service name → id."""
    ids = {}
    for name, description, rules, hours in SERVICES:
        if names is not None and name not in names:
            continue
        bookable = create_bookable(
            staff,
            community.id,
            name=name,
            description=description,
            **{"location": community.name + LOCATION, **rules},
        )
        periods = [(day, minutes(opens), minutes(closes)) for days, opens, closes in hours for day in days]
        set_opening_hours(staff, bookable, periods)
        ids[name] = bookable.id
    book_for_residents(community, ids["证明开具"])
    suspend_for_no_shows(community)
    return ids


def refused_reminder(user: User, service_name: str) -> None:
    """A reminder WeChat refused (40003: the openid is not this app's), so 消息发送 and the dashboard's
    发送失败 card show what a failed message looks like."""
    tomorrow = local(now() + timedelta(days=1)).date()
    message = notify(user, "booking_reminder", booking_message(service_name, tomorrow, "请按时到场办理"))
    error = WeChatOpenidInvalid(errmsg="invalid openid")
    message.status, message.attempts, message.errcode = FAILED, 1, 40003
    message.last_error = f"{error.code}: {error.errmsg}"


def suspend_for_no_shows(community: Community) -> None:
    """Residents whose no-shows suspended their booking: two still suspended, one lifted by staff."""
    residents = db.session.scalars(
        sa.select(Membership.user_id)
        .where(Membership.community_id == community.id, Membership.role == RESIDENT)
        .order_by(Membership.user_id.desc())
        .limit(len(SUSPENDED))
    ).all()
    t = now()
    for user_id, (no_shows, days_left, lifted_days_ago) in zip(residents, SUSPENDED, strict=False):
        ends_at = t + timedelta(days=days_left)
        db.session.add(
            BookingSuspension(
                user_id=user_id,
                community_id=community.id,
                no_shows=no_shows,
                ends_at=ends_at,
                created_at=ends_at - timedelta(days=30),
                lifted_at=t - timedelta(days=lifted_days_ago) if lifted_days_ago else None,
            )
        )
    db.session.flush()


def book_for_residents(community: Community, bookable_id: int, count: int = 12) -> None:
    """A handful of residents book the coming week's first slots, so the day view has something in it."""
    residents = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, Membership.role == RESIDENT)
        .order_by(User.id)
        .limit(count)
    ).all()
    slots = db.session.scalars(
        sa.select(Slot.id)
        .where(
            Slot.bookable_id == bookable_id,
            Slot.starts_at >= now(),
            Slot.starts_at < now() + timedelta(days=7),
        )
        .order_by(Slot.starts_at)
    ).all()
    for i, user in enumerate(residents):
        if not slots:
            return
        try:
            book_slot(user, slots[i % len(slots)])
        except BookingRefused:
            continue
