"""通知公告: notices for an audience in one community, with read receipts."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.extensions import db
from cloudplatform.orm import TimestampMixin

# Who a notice is for: everyone with a role in the community, its party members, its volunteers, or the
# residents of chosen grids or buildings (NoticeTarget rows).
ALL, PARTY_MEMBERS, VOLUNTEERS, GRIDS, BUILDINGS = "all", "party_members", "volunteers", "grids", "buildings"
AUDIENCES = (ALL, PARTY_MEMBERS, VOLUNTEERS, GRIDS, BUILDINGS)
# A street's or the city's notice goes to every community of it: grids and buildings are one community's.
BROADCAST_AUDIENCES = (ALL, PARTY_MEMBERS, VOLUNTEERS)
STREET, CITY = "street", "city"
BROADCAST_SCOPES = (STREET, CITY)


class NoticeBroadcast(TimestampMixin, db.Model):
    """One notice a street or city admin published to every community of a street or of the city at once:
    a Notice per community (``Notice.broadcast_id``), each with its own receipts, statistics and pushes;
    they are withdrawn together."""

    __table_args__ = (
        sa.CheckConstraint(
            "(scope = 'street' AND street_id IS NOT NULL) OR (scope = 'city' AND street_id IS NULL)",
            name="scope_names_street",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(8))
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("street.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))


class Notice(TimestampMixin, db.Model):
    __table_args__ = (
        sa.Index("ix_notice_feed", "community_id", "pinned", "publish_at", "id"),
        sa.CheckConstraint("read_count >= 0", name="read_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    audience: Mapped[str] = mapped_column(sa.String(16), default=ALL)
    pinned: Mapped[bool] = mapped_column(default=False)
    publish_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)  # [{name, url}]
    push: Mapped[bool] = mapped_column(default=False)  # also sent as a subscribe message (consents apply)
    pushed_at: Mapped[datetime | None]  # when the push was queued (at publish, or by a job when scheduled)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    read_count: Mapped[int] = mapped_column(default=0)  # kept with the receipts, in the same transaction
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notice_broadcast.id"), index=True)


class NoticeTarget(db.Model):
    """A grid or a building a GRIDS / BUILDINGS notice is for."""

    __table_args__ = (
        sa.CheckConstraint("(grid_id IS NULL) <> (building_id IS NULL)", name="grid_or_building"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grid.id"))
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("building.id"))


class NoticeReceipt(db.Model):
    """A user read a notice (once; later reads change nothing)."""

    __table_args__ = (
        sa.UniqueConstraint("notice_id", "user_id"),
        # a user's receipts, and which notices they have read, from the index alone (the unread count)
        sa.Index("ix_notice_receipt_user_notice", "user_id", "notice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    read_at: Mapped[datetime]


class NoticeUpload(db.Model):
    """A file uploaded as one of the notice's attachments (its https links stay in ``attachments``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("upload.id"), unique=True)
