from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.clock import now
from cloudplatform.extensions import db


class AuditEntry(db.Model):
    """Who did what to which record, in which community, when; append-only."""

    __table_args__ = (
        sa.Index("ix_audit_entry_community_id_id", "community_id", "id"),
        sa.Index("ix_audit_entry_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    actor_type: Mapped[str] = mapped_column(sa.String(16))  # staff | user | device | system
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(32))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    community_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
