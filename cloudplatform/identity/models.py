"""Identity: the region hierarchy, WeChat users and their login tokens, community roles, staff
accounts and residency requests."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.orm import TimestampMixin

# Roles a user holds in a community (granted by their modules); staff roles live on StaffAccount.
RESIDENT, PARTY_MEMBER, VOLUNTEER = "resident", "party_member", "volunteer"
MEMBER_ROLES = (RESIDENT, PARTY_MEMBER, VOLUNTEER)
GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN = "grid_worker", "community_staff", "community_admin"
STREET_ADMIN, CITY_ADMIN = "street_admin", "city_admin"
# an organisation's worker (社会组织): no community scope, acts only on what is dispatched to its organisation
ORG_STAFF = "org_staff"
STAFF_ROLES = (GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN, ORG_STAFF)
ROLE_NAMES = {
    RESIDENT: "居民",
    PARTY_MEMBER: "在职党员",
    VOLUNTEER: "志愿者",
    GRID_WORKER: "网格员",
    COMMUNITY_STAFF: "社区工作人员",
    COMMUNITY_ADMIN: "社区管理员",
    STREET_ADMIN: "街道管理员",
    CITY_ADMIN: "市级管理员",
    ORG_STAFF: "社会组织人员",
}


class City(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32), unique=True)


class District(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))


class Street(db.Model):
    """街道 (or 镇): its admins see and approve across its communities."""

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(32))

    district: Mapped[District] = relationship()


class Community(db.Model):
    """社区: the tenant boundary; every domain row carries its id."""

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(128), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")  # the office's public number
    office_hours: Mapped[str] = mapped_column(sa.String(64), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    street: Mapped[Street] = relationship()
    grids: Mapped[list["Grid"]] = relationship(order_by="Grid.id", viewonly=True)


class Grid(db.Model):
    """网格: a part of a community looked after by its grid workers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))


class Building(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))


class User(TimestampMixin, db.Model):
    """A person who signed in through the mini-program (WeChat openid)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    nickname: Mapped[str] = mapped_column(sa.String(32), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    session_key: Mapped[str | None] = mapped_column(sa.String(64))  # never leaves the server
    deleted_at: Mapped[datetime | None]

    @property
    def audit_identity(self) -> tuple[str, int | None, str]:
        return ("user", self.id, self.nickname or f"用户{self.id}")


class LoginToken(TimestampMixin, db.Model):
    """An opaque bearer token of the mini-program; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Membership(TimestampMixin, db.Model):
    """A role a user holds in a community: resident, party member or volunteer."""

    __table_args__ = (sa.UniqueConstraint("user_id", "community_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("building.id"))
    room: Mapped[str | None] = mapped_column(sa.String(16))


class StaffAccount(TimestampMixin, db.Model):
    """A console user; its role applies to one community, one street or the whole city (an organisation's
    worker, ``org_staff``, has no such scope: it acts on what is dispatched to its organisation).

    Linked to a WeChat user, the same person works from the mini-program with the same rights.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "(role IN ('street_admin') AND street_id IS NOT NULL AND community_id IS NULL)"
            " OR (role IN ('city_admin', 'org_staff') AND street_id IS NULL AND community_id IS NULL)"
            " OR (role IN ('grid_worker', 'community_staff', 'community_admin')"
            " AND community_id IS NOT NULL AND street_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(16))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("street.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set when an administrator resets the password: the console lets the account only change it.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_sign_in_at: Mapped[datetime | None]
    # Wrong passwords since the last sign-in; from STAFF_LOCKOUT_FAILURES on, each one locks the account
    # (``lockouts`` times so far: each lock lasts twice the one before) until ``locked_until``.
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    lockouts: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]

    community: Mapped[Community | None] = relationship()
    street: Mapped[Street | None] = relationship()

    @property
    def audit_identity(self) -> tuple[str, int | None, str]:
        return ("staff", self.id, self.username)

    @property
    def locked(self) -> bool:
        """Locked after repeated wrong passwords, until ``locked_until`` (or an administrator unlocks)."""
        return self.locked_until is not None and self.locked_until > now()

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


class ConsoleSession(TimestampMixin, db.Model):
    """A signed-in console browser: its cookie holds a random id, only the id's SHA-256 is stored.
    Deleting the row signs that browser out (a copied cookie is then worthless)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"), index=True)
    last_seen_at: Mapped[datetime]


class GridAssignment(db.Model):
    """A grid worker looks after a grid."""

    __table_args__ = (sa.UniqueConstraint("staff_id", "grid_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"), index=True)
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grid.id"), index=True)


PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


class ResidencyRequest(TimestampMixin, db.Model):
    """A user asks to be verified as a resident of a building in a community."""

    TRANSITIONS = {PENDING: {APPROVED, REJECTED}}

    __table_args__ = (
        sa.Index("ix_residency_request_community_status_id", "community_id", "status", "id"),
        # one open request per user: enforced by the database, not by a check in Python
        sa.Index(
            "uq_residency_request_one_pending",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("building.id"))
    room: Mapped[str] = mapped_column(sa.String(16))
    real_name: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()
    building: Mapped[Building] = relationship()
    decided_by: Mapped[StaffAccount | None] = relationship()
