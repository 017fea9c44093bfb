"""建言献策 (suggestions) and 信箱留言 (the mailbox): what a resident writes to their community, and
the reply."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, StaffAccount, User

SUGGESTION, MAILBOX = "suggestion", "mailbox"
KINDS = {SUGGESTION: "建言献策", MAILBOX: "信箱留言"}
WAITING, REPLIED = "waiting", "replied"
STATUS_NAMES = {WAITING: "待回复", REPLIED: "已回复"}


class Message(db.Model):
    """A resident's suggestion or mailbox message to a community, and the staff's reply. A suggestion whose
    author consented (``publish_consent``) may be published with its answer (``published_at``)."""

    __table_args__ = (sa.Index("ix_message_inbox", "community_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text)
    held: Mapped[bool] = mapped_column(default=False)  # content check doubtful: only staff see it
    publish_consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default=WAITING)
    reply: Mapped[str] = mapped_column(sa.Text, default="")
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    replied_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    community: Mapped[Community] = relationship()
    user: Mapped[User] = relationship()
    replied_by: Mapped[StaffAccount | None] = relationship()

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind]

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]
