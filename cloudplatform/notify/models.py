from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import User
from cloudplatform.orm import TimestampMixin
from cloudplatform.wechat.errors import errcode_meaning

PENDING, SENDING, SENT, SKIPPED, FAILED = "pending", "sending", "sent", "skipped", "failed"
STATUS_NAMES = {
    PENDING: "待发送",
    SENDING: "发送中（待确认）",
    SENT: "已发送",
    SKIPPED: "未订阅，已跳过",
    FAILED: "发送失败",
}


class Notification(TimestampMixin, db.Model):
    """A message to a user, written in the caller's transaction and delivered later by a job.

    ``sending``: its consent is spent and a send began that may have reached WeChat (the job was killed
    in the middle, or WeChat's answer never came); ``next_attempt_at`` is when it is sent again, and
    WeChat's answer then settles it (see :func:`cloudplatform.notify.operations.deliver_outbox`).
    """

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
    errcode: Mapped[int | None]  # WeChat's errcode of the last refused or failed attempt
    sent_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def errcode_meaning(self) -> str:
        """What ``errcode`` means, in Chinese, for staff."""
        return errcode_meaning(self.errcode)


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
