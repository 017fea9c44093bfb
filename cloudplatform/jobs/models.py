"""What the scheduler remembers between leaders: when each job last finished a run."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloudplatform.extensions import db


class JobRun(db.Model):
    """A job's last finished run, committed with the run's work: a run killed midway leaves the time of
    the run before, so the next leader knows a cron job's due run never finished."""

    job_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    finished_at: Mapped[datetime]
