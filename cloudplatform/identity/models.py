"""Identity: staff accounts of the console (roles and communities arrive with the identity issue)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.extensions import db
from cloudplatform.orm import TimestampMixin


class StaffAccount(TimestampMixin, db.Model):
    """A console user who signs in with username and password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_sign_in_at: Mapped[datetime | None]

    @property
    def audit_identity(self) -> tuple[str, int | None, str]:
        return ("staff", self.id, self.username)
