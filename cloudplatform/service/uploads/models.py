"""An uploaded file: its storage key and what is known about it; the bytes live in the storage."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.clock import now
from cloudplatform.extensions import db


class Upload(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random, never the user's file name
    original_name: Mapped[str] = mapped_column(sa.String(255))  # shown and offered when downloading
    content_type: Mapped[str] = mapped_column(sa.String(100))  # decided by the content, not the client
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # staff's files belong to a community; a resident's (``user_id``) to them until a record takes them
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
