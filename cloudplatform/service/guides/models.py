"""办事指南 / 信息资料: how to get something done at the community, searchable in Chinese."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.orm import TimestampMixin


class Guide(TimestampMixin, db.Model):
    __table_args__ = (
        sa.Index("ix_guide_community_category", "community_id", "category", "id"),
        # PostgreSQL: trigram index, so ILIKE '%老年证%' is an index scan; SQLite scans (few rows per city).
        sa.Index(
            "ix_guide_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    category: Mapped[str] = mapped_column(sa.String(32))  # e.g. 老龄服务, 社会保障, 证明开具
    title: Mapped[str] = mapped_column(sa.String(100))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")  # what it is for
    eligibility: Mapped[str] = mapped_column(sa.Text, default="")  # who qualifies
    materials: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # the checklist, one item each
    location: Mapped[str] = mapped_column(sa.String(128), default="")  # where
    hours: Mapped[str] = mapped_column(sa.String(128), default="")  # when
    contact_name: Mapped[str] = mapped_column(sa.String(32), default="")  # whom to call
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    bookable_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookable.id"))
    published: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    # title, purpose, eligibility and materials in one lower-cased text: what the search matches
    search_text: Mapped[str] = mapped_column(sa.Text, default="")


class GuideUpload(db.Model):
    """A file attached to the guide (a form to fill in, a leaflet)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(sa.ForeignKey("guide.id"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("upload.id"), unique=True)
