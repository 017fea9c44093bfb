from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import User
from cloudplatform.orm import TimestampMixin

PENDING, SENT, SKIPPED, FAILED = "pending", "sent", "skipped", "failed"
STATUS_NAMES = {PENDING: "待发送", SENT: "已发送", SKIPPED: "未订阅，已跳过", FAILED: "发送失败"}
# The subscribe messages the platform sends, by key (WECHAT_TEMPLATES maps each to WeChat's template id).
TEMPLATE_KEYS = {
    "residency_result": "居民认证结果",
    "booking_reminder": "预约提醒与变更",
    "notice_published": "通知公告",
}


class Notification(TimestampMixin, db.Model):
    """A message to a user, written in the caller's transaction and delivered later by a job."""

    __table_args__ = (sa.Index("ix_notification_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    template_key: Mapped[str] = mapped_column(sa.String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    page: Mapped[str | None] = mapped_column(sa.String(128))
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now)
    last_error: Mapped[str] = mapped_column(sa.String(200), default="")
    sent_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SubscriptionConsent(db.Model):
    """Unused one-shot consents a user gave for a message template (wx.requestSubscribeMessage)."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "template_key"),
        sa.CheckConstraint("remaining >= 0", name="remaining_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    template_key: Mapped[str] = mapped_column(sa.String(32))
    remaining: Mapped[int] = mapped_column(default=0)
