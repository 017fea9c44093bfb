"""志愿云: volunteers and their teams, projects and their shifts, sign-ups with a waitlist whose promoted
volunteer confirms within a window, attendance and confirmed hours with one dispute each, and the points
ledger (志愿服务积分制): rules per community, an append-only ledger, and a balance kept beside it;
志愿云 II: star levels, leaderboard tallies, the 爱心超市 (rewards and redemptions), service certificates
and yearly recognition."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, User
from cloudplatform.orm import TimestampMixin

# -- volunteers and teams ---------------------------------------------------------------------------

ACTIVE, SUSPENDED = "active", "suspended"
VOLUNTEER_STATUS_NAMES = {ACTIVE: "正常", SUSPENDED: "已暂停"}
TERMS_VERSION = "2026-12"  # the volunteer terms a registration consents to


class Volunteer(TimestampMixin, db.Model):
    """A registered volunteer (one per user), serving from their home community, where registration
    grants the ``volunteer`` role. ``confirmed_minutes`` is the sum of their confirmed hours (kept in the
    transaction that confirms or corrects them), for star levels and leaderboards."""

    __table_args__ = (sa.CheckConstraint("confirmed_minutes >= 0", name="confirmed_minutes_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    real_name: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str] = mapped_column(sa.String(20))  # the user's bound phone at registration
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    availability: Mapped[str] = mapped_column(sa.String(200), default="")  # e.g. 周末上午
    terms_version: Mapped[str] = mapped_column(sa.String(16))
    consented_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(16), default=ACTIVE)
    confirmed_minutes: Mapped[int] = mapped_column(default=0)
    ranked: Mapped[bool] = mapped_column(default=True, server_default=sa.true())  # on public leaderboards
    stars_told: Mapped[int] = mapped_column(default=0, server_default="0")  # highest star level told of

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()


class VolunteerTeam(TimestampMixin, db.Model):
    """A team of volunteers in a community (志愿服务队), with a leader among its members."""

    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteer.id"))

    leader: Mapped[Volunteer | None] = relationship()


class VolunteerTeamMember(db.Model):
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_team.id"), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id"), primary_key=True, index=True)
    joined_at: Mapped[datetime]


# -- projects and shifts ----------------------------------------------------------------------------

# the seed's 4 categories of volunteer projects (4 大类 14 个项目); points may weigh them differently
CATEGORIES = {
    "elderly": "为老服务",
    "youth": "青少年成长",
    "environment": "环境保护",
    "neighbourhood": "邻里守望",
}
OPEN, CLOSED = "open", "closed"
PROJECT_STATUS_NAMES = {OPEN: "进行中", CLOSED: "已结束"}


class VolunteerProject(TimestampMixin, db.Model):
    """A volunteer project (四点半课堂, 智慧老人课堂 ...) of a community, run by the community or by one
    of the organisations serving it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    category: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))

    community: Mapped[Community] = relationship()


PUBLISHED, CANCELLED = "published", "cancelled"
SHIFT_STATUS_NAMES = {PUBLISHED: "报名中", CANCELLED: "已取消"}


class Shift(TimestampMixin, db.Model):
    """A shift of a project: when, where, how many and which skills. ``taken`` counts the places held
    (signed up, or offered to a promoted volunteer who has not confirmed yet) and never exceeds
    ``capacity``."""

    __table_args__ = (
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_end"),
        sa.Index("ix_shift_community_starts_at", "community_id", "starts_at"),
        sa.Index("ix_shift_project_starts_at", "project_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_project.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(128))
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # a volunteer needs all of them
    cancel_deadline_hours: Mapped[int] = mapped_column(default=2)  # volunteers cancel until then
    check_in_margin_minutes: Mapped[int] = mapped_column(default=30)  # check-in opens this long before
    status: Mapped[str] = mapped_column(sa.String(16), default=PUBLISHED)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))

    project: Mapped[VolunteerProject] = relationship()


# signed_up and offered hold a place; waiting holds a place in the queue (first come, first offered);
# an offer not confirmed by offered_until lapses and the next waiting volunteer is offered the place
SIGNED_UP, OFFERED, WAITING, WITHDRAWN, LAPSED = "signed_up", "offered", "waiting", "withdrawn", "lapsed"
SIGNUP_ACTIVE = (SIGNED_UP, OFFERED, WAITING)
HOLDS_PLACE = (SIGNED_UP, OFFERED)
SIGNUP_STATUS_NAMES = {
    SIGNED_UP: "已报名",
    OFFERED: "候补递补待确认",
    WAITING: "候补中",
    WITHDRAWN: "已取消",
    LAPSED: "递补未确认",
}
OFFER_HOURS = 2  # a promoted volunteer confirms within this long (and never after the shift starts)


class ShiftSignup(TimestampMixin, db.Model):
    """A volunteer's place (or place in the queue) on a shift, their attendance — checked in and out by
    the venue QR or by the organiser scanning their personal QR — and the minutes an organiser confirmed
    (``confirmed_at``); the shift's times are copied so that overlapping sign-ups are found by index."""

    TRANSITIONS = {
        WAITING: {OFFERED, SIGNED_UP, WITHDRAWN},
        OFFERED: {SIGNED_UP, LAPSED, WITHDRAWN},
        SIGNED_UP: {WITHDRAWN},
    }

    __table_args__ = (
        sa.Index(
            "uq_shift_signup_one_active",
            "shift_id",
            "volunteer_id",
            unique=True,
            sqlite_where=sa.text("status IN ('signed_up', 'offered', 'waiting')"),
            postgresql_where=sa.text("status IN ('signed_up', 'offered', 'waiting')"),
        ),
        sa.Index("ix_shift_signup_shift_status", "shift_id", "status", "id"),
        sa.Index("ix_shift_signup_volunteer_starts_at", "volunteer_id", "starts_at"),
        sa.Index("ix_shift_signup_offered_until", "offered_until"),
        sa.CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shift.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    offered_until: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the day-before reminder was queued
    scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    minutes: Mapped[int | None]  # confirmed minutes (attended time within the shift, half hours down)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))

    shift: Mapped[Shift] = relationship()
    volunteer: Mapped[Volunteer] = relationship()


DISPUTE_OPEN, UPHELD, DISMISSED = "open", "upheld", "dismissed"
DISPUTE_STATUS_NAMES = {DISPUTE_OPEN: "待处理", UPHELD: "已更正", DISMISSED: "维持原时长"}


class HoursDispute(TimestampMixin, db.Model):
    """A volunteer's one objection to the minutes confirmed for a sign-up; a staff member decides it
    (upheld: the minutes are corrected; dismissed: they stand)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(sa.ForeignKey("shift_signup.id"), unique=True)  # once
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    claimed_minutes: Mapped[int | None]  # what the volunteer says they served
    status: Mapped[str] = mapped_column(sa.String(16), default=DISPUTE_OPEN)
    minutes_before: Mapped[int]
    minutes_after: Mapped[int | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")

    signup: Mapped[ShiftSignup] = relationship()


# -- points (志愿服务积分制) ---------------------------------------------------------------------------


class PointRule(TimestampMixin, db.Model):
    """How a community awards points from a date on: points per confirmed hour, a multiplier per project
    category in percent (150 = 1.5×; absent = 100), and a cap per volunteer per day of service."""

    __table_args__ = (
        sa.CheckConstraint("points_per_hour >= 0", name="points_per_hour_not_negative"),
        sa.CheckConstraint("daily_cap IS NULL OR daily_cap > 0", name="daily_cap_positive"),
        sa.Index("ix_point_rule_community_effective_from", "community_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    points_per_hour: Mapped[int]
    multipliers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # category -> percent
    daily_cap: Mapped[int | None]
    effective_from: Mapped[date]
    effective_until: Mapped[date | None]  # inclusive; None: until a later rule
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))


class PointAccount(db.Model):
    """A user's points: ``balance`` always equals the sum of their ledger rows and changes only in the
    transaction that appends one; it is never below zero."""

    __table_args__ = (sa.CheckConstraint("balance >= 0", name="balance_not_negative"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)
    earned: Mapped[int] = mapped_column(default=0)  # all points ever earned (earn rows), for leaderboards
    updated_at: Mapped[datetime]


EARN, REDEEM, REFUND, EXPIRE, ADJUST = "earn", "redeem", "refund", "expire", "adjust"
ENTRY_KIND_NAMES = {EARN: "服务获得", REDEEM: "兑换", REFUND: "退还", EXPIRE: "过期", ADJUST: "调整"}
CREDITS = (EARN, REFUND)  # and an adjust with a positive amount


class PointEntry(db.Model):
    """One row of the append-only points ledger; never updated or deleted. Every row names its source:
    the attendance it rewards (earn: one per sign-up, held by a unique index), the redemption (redeem,
    refund), the staff member and reason (adjust), or the expiry run (expire)."""

    __table_args__ = (
        sa.Index(
            "uq_point_entry_one_award",
            "signup_id",
            unique=True,
            sqlite_where=sa.text("kind = 'earn'"),
            postgresql_where=sa.text("kind = 'earn'"),
        ),
        sa.Index("ix_point_entry_user_id", "user_id", "id"),
        sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
        sa.CheckConstraint(
            "kind <> 'earn' OR (amount > 0 AND signup_id IS NOT NULL)", name="earn_names_signup"
        ),
        sa.CheckConstraint("kind <> 'expire' OR amount < 0", name="expire_takes"),
        sa.CheckConstraint(
            "kind <> 'adjust' OR (staff_id IS NOT NULL AND reason <> '')", name="adjust_says_why"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("point_account.user_id"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[int]  # signed: credits positive, debits negative
    balance_after: Mapped[int]
    signup_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shift_signup.id"))
    redemption_id: Mapped[int | None]  # 爱心超市 (志愿云 II) adds its table and the foreign key
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    served_on: Mapped[date | None]  # earn: the Beijing day of the service (for the daily cap)
    created_at: Mapped[datetime]


# -- 志愿云 II: star levels ------------------------------------------------------------------------------

# cumulative confirmed hours for one to five stars (the national volunteer standard, 星级志愿者)
STAR_HOURS = (100, 300, 600, 1000, 1500)


def star_level(minutes: int) -> int:
    """The star level (0 to 5) of ``minutes`` of confirmed service."""
    return sum(minutes >= hours * 60 for hours in STAR_HOURS)


# -- 志愿云 II: leaderboards --------------------------------------------------------------------------

ALL_TIME = "all"  # a tally's period: "all", a year ("2026") or a month ("2026-12")


class VolunteerTally(db.Model):
    """A volunteer's confirmed minutes and earned points in one period (all time, a year, a month), kept in
    the transaction that confirms, corrects or awards them, with the volunteer's community and street and
    whether they appear on public leaderboards (``ranked``), so that a leaderboard is an index range:
    one partial index per scope and measure, read backwards (measure, then volunteer id, descending)."""

    __table_args__ = (
        sa.CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        *(
            sa.Index(
                f"ix_volunteer_tally_{scope}_{measure}",
                "period",
                *([f"{scope}_id"] if scope != "city" else []),
                measure,
                "volunteer_id",
                sqlite_where=sa.text("ranked"),
                postgresql_where=sa.text("ranked"),
            )
            for scope in ("community", "street", "city")
            for measure in ("minutes", "points")
        ),
    )

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id"), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("street.id"))
    minutes: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    ranked: Mapped[bool] = mapped_column(default=True)


# -- 志愿云 II: 爱心超市 ------------------------------------------------------------------------------

LIMIT_PERIODS = {"month": "每月", "year": "每年", "all": "累计"}
ON_SHELF, OFF_SHELF = "on_shelf", "off_shelf"
REWARD_STATUS_NAMES = {ON_SHELF: "上架", OFF_SHELF: "下架"}


class Reward(TimestampMixin, db.Model):
    """An item of the 爱心超市: donated goods or a service priced in points, with its stock, a limit per
    person per period, the communities that offer it and who donated it. ``size``: the locker compartment
    it needs when delivered by locker (None: counter only)."""

    __table_args__ = (
        sa.CheckConstraint("price > 0", name="price_positive"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("per_person IS NULL OR per_person > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    picture: Mapped[str | None] = mapped_column(sa.String(200))  # a stored upload's name
    price: Mapped[int]  # points
    stock: Mapped[int] = mapped_column(default=0)
    per_person: Mapped[int | None]  # at most this many per person per ``limit_period``; None: no limit
    limit_period: Mapped[str] = mapped_column(sa.String(8), default="month")
    donor: Mapped[str] = mapped_column(sa.String(64), default="")  # the organisation or unit that gave it
    size: Mapped[str | None] = mapped_column(sa.String(1))  # locker size (S, M, L); None: counter only
    status: Mapped[str] = mapped_column(sa.String(16), default=ON_SHELF)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))


class RewardCommunity(db.Model):
    """A community that offers a reward (its volunteers see and redeem it; its staff fulfil it)."""

    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), primary_key=True, index=True)


COUNTER, LOCKER = "counter", "locker"
DELIVERY_NAMES = {COUNTER: "到站领取", LOCKER: "云柜自取"}
RESERVED, FULFILLED, REDEMPTION_CANCELLED, UNCOLLECTED = "reserved", "fulfilled", "cancelled", "uncollected"
REDEMPTION_STATUS_NAMES = {
    RESERVED: "待领取",
    FULFILLED: "已领取",
    REDEMPTION_CANCELLED: "已取消",
    UNCOLLECTED: "逾期未领",
}


class Redemption(TimestampMixin, db.Model):
    """A volunteer's redemption of one reward in a community: the points and the stock were taken together;
    fulfilled at the counter (staff scan its QR token, 核销) or when the locker deposit made for it is
    picked up; cancelled (or not collected by ``collect_by``) with points and stock given back. Its QR
    token is not stored: it derives from the id (``rewards.operations.redemption_token``)."""

    __table_args__ = (
        sa.CheckConstraint("points > 0", name="points_positive"),
        sa.Index("ix_redemption_user_reward", "user_id", "reward_id", "created_at"),
        sa.Index("ix_redemption_community_status", "community_id", "status", "id"),
        sa.Index("ix_redemption_status_collect_by", "status", "collect_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("reward.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    points: Mapped[int]
    delivery: Mapped[str] = mapped_column(sa.String(8))
    cabinet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cabinet.id"))
    deposit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deposit.id"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=RESERVED)
    collect_by: Mapped[datetime]
    fulfilled_at: Mapped[datetime | None]
    fulfilled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    reward: Mapped[Reward] = relationship()


# -- 志愿云 II: certificates and yearly recognition ------------------------------------------------------


class Certificate(TimestampMixin, db.Model):
    """A service certificate as issued: the hours and star level on a day, for a period. Whoever holds its
    QR code verifies it by a random token, stored only as its hash; staff may revoke it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    minutes: Mapped[int]
    star_level: Mapped[int]
    period_from: Mapped[date | None]  # None: since registration
    period_to: Mapped[date]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    revoke_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    volunteer: Mapped[Volunteer] = relationship()


class Recognition(TimestampMixin, db.Model):
    """A community's outstanding volunteer of a year (优秀志愿者): nominated by staff, public once
    published."""

    __table_args__ = (sa.UniqueConstraint("community_id", "year", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    year: Mapped[int]
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer.id"))
    citation: Mapped[str] = mapped_column(sa.String(200), default="")
    nominated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    published_at: Mapped[datetime | None]

    volunteer: Mapped[Volunteer] = relationship()
