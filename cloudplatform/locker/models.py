"""云柜: cabinets and their compartments, the keys cabinets sign with, and deposits — items staff leave for
a resident (picked up with a one-time code) and items residents drop off for the office."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, User
from cloudplatform.orm import TimestampMixin

SIZES = {"S": "小格", "M": "中格", "L": "大格"}  # a deposit fits its size or a larger one


class Cabinet(TimestampMixin, db.Model):
    """A 便民服务云柜 at a place in a community. It signs its requests with one of its keys; ``last_seen_at``
    is its last heartbeat. Wrong codes are counted per hour (``failures`` since ``failures_since``);
    too many lock code entry out until ``locked_until``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    location: Mapped[str] = mapped_column(sa.String(128), default="")
    disabled: Mapped[bool] = mapped_column(default=False)  # refused at the device API
    last_seen_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)
    failures_since: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]

    community: Mapped[Community] = relationship()
    compartments: Mapped[list["Compartment"]] = relationship(order_by="Compartment.number", viewonly=True)


class CabinetKey(TimestampMixin, db.Model):
    """A key a cabinet signs with (``key_id`` sent in the clear, ``secret`` never leaves the server but
    to the cabinet's installer once). Two may be active at a time, so that a rotation needs no downtime."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cabinet_id: Mapped[int] = mapped_column(sa.ForeignKey("cabinet.id"), index=True)
    key_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    secret: Mapped[str] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    retired_at: Mapped[datetime | None]


FREE, RESERVED, OCCUPIED, DISABLED, FAULT = "free", "reserved", "occupied", "disabled", "fault"
COMPARTMENT_STATES = {FREE: "空闲", RESERVED: "已预留", OCCUPIED: "占用", DISABLED: "停用", FAULT: "故障"}


class Compartment(db.Model):
    """One door of a cabinet. ``state`` follows its deposit: reserved or occupied while one holds it."""

    __table_args__ = (
        sa.UniqueConstraint("cabinet_id", "number"),
        sa.Index("ix_compartment_cabinet_state_size", "cabinet_id", "state", "size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cabinet_id: Mapped[int] = mapped_column(sa.ForeignKey("cabinet.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    number: Mapped[int]
    size: Mapped[str] = mapped_column(sa.String(1))
    state: Mapped[str] = mapped_column(sa.String(16), default=FREE)
    door_open: Mapped[bool] = mapped_column(default=False)


# Deposits. A delivery (staff → resident): waiting (its code live) → opening (the door opened on the
# code; it ends when the door closes) → picked_up; or waiting → expired (a retrieval task for staff) →
# retrieved; or cancelled by staff. A drop-off (resident → office): reserved (its drop-off code live, the
# compartment held 30 minutes) → opening → deposited (staff collect it with their own code) → opening →
# collected; or reserved → lapsed (never used). A door that never opens puts the deposit back.
DELIVERY, DROPOFF = "delivery", "dropoff"
WAITING, OPENING, PICKED_UP, EXPIRED, RETRIEVED, CANCELLED = (
    "waiting",
    "opening",
    "picked_up",
    "expired",
    "retrieved",
    "cancelled",
)
RESERVED_DROPOFF, DEPOSITED, COLLECTED, LAPSED = "reserved", "deposited", "collected", "lapsed"
LIVE = (WAITING, OPENING, EXPIRED, RESERVED_DROPOFF, DEPOSITED)  # holding a compartment
DEPOSIT_STATUS_NAMES = {
    WAITING: "待取件",
    OPENING: "柜门已开",
    PICKED_UP: "已取件",
    EXPIRED: "已过期待回收",
    RETRIEVED: "已回收",
    CANCELLED: "已取消",
    RESERVED_DROPOFF: "待投递",
    DEPOSITED: "待工作人员取件",
    COLLECTED: "工作人员已取件",
    LAPSED: "预留已失效",
}


class Deposit(TimestampMixin, db.Model):
    """An item in (or on its way into) a compartment. Its one-time codes are never stored: both derive
    from the random ``salt`` and a key only the running server holds (SECRET_KEY), so that the recipient
    can be shown them again while the database alone reveals neither; lookups go by keyed hashes,
    ``code_hash`` (8 digits typed at the keypad, unique among the cabinet's live deposits) and
    ``qr_hash`` (a token of 128 bits the QR code carries)."""

    __table_args__ = (
        # a compartment holds one live deposit
        sa.Index(
            "uq_deposit_live_compartment",
            "compartment_id",
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'opening', 'expired', 'reserved', 'deposited')"),
            postgresql_where=sa.text("status IN ('waiting', 'opening', 'expired', 'reserved', 'deposited')"),
        ),
        # a code names one live deposit of its cabinet
        sa.Index(
            "uq_deposit_live_code",
            "cabinet_id",
            "code_hash",
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'reserved', 'deposited')"),
            postgresql_where=sa.text("status IN ('waiting', 'reserved', 'deposited')"),
        ),
        sa.Index("ix_deposit_recipient_status", "recipient_user_id", "status"),
        sa.Index("ix_deposit_community_status", "community_id", "status"),
        sa.Index("ix_deposit_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    cabinet_id: Mapped[int] = mapped_column(sa.ForeignKey("cabinet.id"))
    compartment_id: Mapped[int] = mapped_column(sa.ForeignKey("compartment.id"))
    kind: Mapped[str] = mapped_column(sa.String(16), default=DELIVERY)
    status: Mapped[str] = mapped_column(sa.String(16))
    size: Mapped[str] = mapped_column(sa.String(1))
    item: Mapped[str] = mapped_column(sa.String(100), default="")  # what it is (证明材料, 救助物资...)
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # a delivery's resident
    sender_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # a drop-off's resident
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    salt: Mapped[str] = mapped_column(sa.String(32))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    qr_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    finished_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))  # retrieval

    cabinet: Mapped[Cabinet] = relationship()
    compartment: Mapped[Compartment] = relationship()
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_user_id])


class DeviceNonce(db.Model):
    """A nonce a cabinet used, refused if it comes again before ``expires_at`` (the embedded default's
    store; Redis holds them where configured)."""

    __table_args__ = (sa.UniqueConstraint("key_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(sa.String(32))
    nonce: Mapped[str] = mapped_column(sa.String(64))
    expires_at: Mapped[datetime] = mapped_column(index=True)
