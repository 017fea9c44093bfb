"""党建云: unit party organisations, in-service party members' reports (报到), service posts (岗位) and
claims, activities with sign-ups and check-ins, service hours, and the monthly report to each unit."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, User
from cloudplatform.orm import TimestampMixin

# -- units ------------------------------------------------------------------------------------------

STATIONED, PAIRED = "stationed", "paired"  # 驻地单位 (in the community), 结对单位 (a paired department)
UNIT_KINDS = {STATIONED: "驻地单位", PAIRED: "结对单位"}


class PartyUnit(TimestampMixin, db.Model):
    """A unit's party organisation whose in-service members serve where they live; kept by the staff of
    its home community (``community_id``) and open to members of every community in ``communities``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    branch: Mapped[str] = mapped_column(sa.String(64), default="")  # 党组织名称, e.g. 机关第一党支部
    kind: Mapped[str] = mapped_column(sa.String(16), default=STATIONED)
    contact_name: Mapped[str] = mapped_column(sa.String(32), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    # the unit's contact on WeChat, who is sent the monthly report (optional)
    contact_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # 共建协议: its period and the services the unit commits to (承诺服务项目)
    agreement_starts: Mapped[date | None]
    agreement_ends: Mapped[date | None]
    commitments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    community: Mapped[Community] = relationship()
    links: Mapped[list["PartyUnitCommunity"]] = relationship(viewonly=True)


class PartyUnitCommunity(db.Model):
    """A community a unit is stationed in or paired with (its home community is always one)."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("party_unit.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)


# -- reports (报到) -----------------------------------------------------------------------------------

PENDING, APPROVED, REJECTED, REVOKED, LAPSED = "pending", "approved", "rejected", "revoked", "lapsed"
REPORT_ACTIVE = (PENDING, APPROVED)
REPORT_STATUS_NAMES = {
    PENDING: "待审核",
    APPROVED: "已报到",
    REJECTED: "未通过",
    REVOKED: "已撤销",
    LAPSED: "已失效",
}


class PartyReport(TimestampMixin, db.Model):
    """An in-service party member's report to the community they live in, as a member of a unit.
    Approval grants the ``party_member`` role there until ``confirmed_until`` (a year, renewed by the
    member's yearly reconfirmation)."""

    TRANSITIONS = {PENDING: {APPROVED, REJECTED, REVOKED}, APPROVED: {REVOKED, LAPSED}}

    __table_args__ = (
        # one active report per member
        sa.Index(
            "uq_party_report_one_active",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        ),
        sa.Index("ix_party_report_community_status", "community_id", "status"),
        sa.Index("ix_party_report_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("party_unit.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    real_name: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[str] = mapped_column(sa.String(32), default="")  # 单位职务
    reason: Mapped[str] = mapped_column(sa.String(200), default="")  # why rejected or revoked
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    decided_at: Mapped[datetime | None]
    confirmed_until: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the reconfirmation reminder of the current period

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()
    unit: Mapped[PartyUnit] = relationship()


# -- service posts (岗位) -----------------------------------------------------------------------------

CLAIMED, CONFIRMED, RELEASED = "claimed", "confirmed", "released"
CLAIM_ACTIVE = (CLAIMED, CONFIRMED)
CLAIM_STATUS_NAMES = {CLAIMED: "待确认", CONFIRMED: "在岗", RELEASED: "已释放"}


class ServicePost(TimestampMixin, db.Model):
    """A standing duty members claim (楼栋党员联络员, 文明劝导, 四点半课堂辅导); ``claimed`` counts the
    active claims and never exceeds ``headcount``."""

    __table_args__ = (
        sa.CheckConstraint("claimed >= 0 AND claimed <= headcount", name="claimed_within_headcount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(64))
    duties: Mapped[str] = mapped_column(sa.Text, default="")
    headcount: Mapped[int]
    claimed: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)


class PostClaim(TimestampMixin, db.Model):
    """A member's claim of a post: claimed, then confirmed by staff, until released."""

    TRANSITIONS = {CLAIMED: {CONFIRMED, RELEASED}, CONFIRMED: {RELEASED}}

    __table_args__ = (
        # a member holds a post once
        sa.Index(
            "uq_post_claim_one_active",
            "post_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status IN ('claimed', 'confirmed')"),
            postgresql_where=sa.text("status IN ('claimed', 'confirmed')"),
        ),
        sa.Index("ix_post_claim_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("service_post.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=CLAIMED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    released_at: Mapped[datetime | None]

    post: Mapped[ServicePost] = relationship()
    user: Mapped[User] = relationship()


# -- activities ---------------------------------------------------------------------------------------

THEME_DAY, VOLUNTEERING, STUDY = "theme_day", "volunteering", "study"
ACTIVITY_KINDS = {THEME_DAY: "主题党日", VOLUNTEERING: "志愿服务", STUDY: "党员学习"}
# who may sign up: the community's party members, the members of one unit, or every party member
COMMUNITY_MEMBERS, UNIT_MEMBERS, EVERYONE = "community", "unit", "everyone"
ACTIVITY_AUDIENCES = {COMMUNITY_MEMBERS: "本社区党员", UNIT_MEMBERS: "指定单位党员", EVERYONE: "全体党员"}
PUBLISHED, CANCELLED = "published", "cancelled"


class Activity(TimestampMixin, db.Model):
    """A party activity (主题党日, 志愿服务, 党员学习) with a venue, places and a waitlist; ``signed_up``
    counts the members holding a place and never exceeds ``capacity``."""

    __table_args__ = (
        sa.CheckConstraint("signed_up >= 0 AND signed_up <= capacity", name="signed_up_within_capacity"),
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_end"),
        sa.Index("ix_activity_community_starts_at", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    title: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16), default=THEME_DAY)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    venue: Mapped[str] = mapped_column(sa.String(128), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    signed_up: Mapped[int] = mapped_column(default=0)
    audience: Mapped[str] = mapped_column(sa.String(16), default=COMMUNITY_MEMBERS)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party_unit.id"))  # audience "unit"
    walk_ins: Mapped[bool] = mapped_column(default=False)  # members of the community may check in unsigned
    counts_actual_time: Mapped[bool] = mapped_column(default=False)  # hours from check-in to check-out
    cancel_deadline_hours: Mapped[int] = mapped_column(default=2)  # members cancel until this long before
    check_in_margin_minutes: Mapped[int] = mapped_column(default=30)  # check-in opens this long before
    status: Mapped[str] = mapped_column(sa.String(16), default=PUBLISHED)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))

    community: Mapped[Community] = relationship()
    unit: Mapped[PartyUnit | None] = relationship()


SIGNED_UP, WAITING, WITHDRAWN, WALK_IN = "signed_up", "waiting", "withdrawn", "walk_in"
SIGNUP_ACTIVE = (SIGNED_UP, WAITING, WALK_IN)
SIGNUP_STATUS_NAMES = {SIGNED_UP: "已报名", WAITING: "候补中", WITHDRAWN: "已取消", WALK_IN: "现场签到"}


class ActivitySignup(TimestampMixin, db.Model):
    """A member's place (or place on the waitlist, first come first promoted) at an activity, and their
    attendance: checked in and out by the venue QR; hours credited once staff confirm."""

    TRANSITIONS = {WAITING: {SIGNED_UP, WITHDRAWN}, SIGNED_UP: {WITHDRAWN}}

    __table_args__ = (
        sa.Index(
            "uq_activity_signup_one_active",
            "activity_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status IN ('signed_up', 'waiting', 'walk_in')"),
            postgresql_where=sa.text("status IN ('signed_up', 'waiting', 'walk_in')"),
        ),
        sa.Index("ix_activity_signup_activity_status", "activity_id", "status"),
        sa.Index("ix_activity_signup_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16))
    withdrawn_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship()
    user: Mapped[User] = relationship()


# -- service hours and unit reports ------------------------------------------------------------------

ACTIVITY_SOURCE, POST_SOURCE = "activity", "post"


class ServiceHours(TimestampMixin, db.Model):
    """Minutes of service credited to a member, once per attended activity (``signup_id``) or per month
    of a confirmed post (``claim_id`` + ``served_on``, the month's first day); staff confirm and may
    correct them with a reason (audited)."""

    __table_args__ = (
        sa.UniqueConstraint("signup_id", name="uq_service_hours_signup"),
        sa.UniqueConstraint("claim_id", "served_on", name="uq_service_hours_claim_month"),
        sa.CheckConstraint("minutes >= 0 AND minutes <= 1440 * 31", name="minutes_range"),
        sa.Index("ix_service_hours_user_served_on", "user_id", "served_on"),
        sa.Index("ix_service_hours_unit_served_on", "unit_id", "served_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party_unit.id"))  # the member's unit then
    source: Mapped[str] = mapped_column(sa.String(16))
    signup_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity_signup.id"))
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("post_claim.id"))
    served_on: Mapped[date]
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(200), default="")  # the reason of a correction
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))


class UnitMonthlyReport(TimestampMixin, db.Model):
    """What a unit's members did in a month (first day in ``month``), built by the monthly job: a rerun
    replaces it. ``rows`` holds a line per member: name, community, report status, activities, hours."""

    __table_args__ = (sa.UniqueConstraint("unit_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("party_unit.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)  # the unit's home
    month: Mapped[date]
    members_reported: Mapped[int] = mapped_column(default=0)
    activities_attended: Mapped[int] = mapped_column(default=0)
    minutes_served: Mapped[int] = mapped_column(default=0)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    unit: Mapped[PartyUnit] = relationship()
