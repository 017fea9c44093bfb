"""What the scheduler calls for 困难救助: the daily deadline check (the job runner commits).

Each morning the running cases (``CLOCK_RUNNING``: not while materials are incomplete) within
``AID_DUE_SOON_WORKING_DAYS`` working days of their deadline are flagged 即将到期, those past it 已超期,
and every other flag is cleared. Each reviewer (``aid.review``) with a linked WeChat user then gets one
message with the counts for the communities they serve, a case in 公示 whose period ended with every
objection answered counted as 公示期满待报街道 (staff forward it; it does not move by itself). A fixed
number of statements, however many cases and staff.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import CITY_ADMIN, STREET_ADMIN, Community, StaffAccount, User
from cloudplatform.identity.permissions import ACTIONS
from cloudplatform.notify.models import Notification
from cloudplatform.notify.operations import notify
from cloudplatform.service.aid.models import (
    CLOCK_RUNNING,
    DUE_SOON,
    OVERDUE,
    PUBLICITY,
    AidApplication,
    AidObjection,
)
from cloudplatform.service.workdays import add_working_days

REVIEW_RIGHT = "aid.review"
TEMPLATE = "aid_deadline"


@dataclass
class Counts:
    overdue: int = 0
    due_soon: int = 0
    publicity_over: int = 0  # 公示期满待报街道
    cases: int = 0  # distinct cases needing attention

    def add(self, other: "Counts") -> None:
        self.overdue += other.overdue
        self.due_soon += other.due_soon
        self.publicity_over += other.publicity_over
        self.cases += other.cases

    def summary(self) -> str:
        """The counts in a 20-character ``thing``: 超期2，临期1，公示期满待报街道1."""
        parts = [(self.overdue, "超期"), (self.due_soon, "临期"), (self.publicity_over, "公示期满待报街道")]
        return "，".join(f"{name}{count}" for count, name in parts if count)


def check_deadlines() -> dict[str, int]:
    """Flag the cases near or past their deadline, then tell each responsible reviewer once today."""
    today = local(now()).date()
    flagged = flag_cases(today)
    flagged["messages"] = tell_staff(today)
    return flagged


def flag_cases(today: date) -> dict[str, int]:
    """Set the flags of running cases (three UPDATEs); returns how many are overdue, due soon, cleared."""
    soon_until = add_working_days(today, current_app.config["AID_DUE_SOON_WORKING_DAYS"])
    app = AidApplication
    running = app.status.in_(CLOCK_RUNNING) & app.due_on.is_not(None)
    overdue = running & (app.due_on < today)
    due_soon = running & (app.due_on >= today) & (app.due_on <= soon_until)

    def set_flag(where, flag) -> int:
        changed = app.flag.is_(None) if flag is not None else app.flag.is_not(None)
        if flag is not None:
            changed = changed | (app.flag != flag)
        return db.session.execute(
            sa.update(app)
            .where(where, changed)
            .values(flag=flag)
            .execution_options(synchronize_session=False)
        ).rowcount

    return {
        "overdue": set_flag(overdue, OVERDUE),
        "due_soon": set_flag(due_soon, DUE_SOON),
        "cleared": set_flag(~(overdue | due_soon), None),
    }


def community_counts(today: date) -> dict[int, Counts]:
    """Per community, the running cases flagged and those whose 公示 ended with every objection answered."""
    app = AidApplication
    unanswered = sa.exists().where(AidObjection.application_id == app.id, AidObjection.answered_at.is_(None))
    publicity_over = (app.status == PUBLICITY) & (app.publicity_ends_on < today) & ~unanswered

    def count(condition) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = db.session.execute(
        sa.select(
            app.community_id,
            count(app.flag == OVERDUE),
            count(app.flag == DUE_SOON),
            count(publicity_over),
            count(app.flag.is_not(None) | publicity_over),
        )
        .where(app.status.in_(CLOCK_RUNNING), app.flag.is_not(None) | publicity_over)
        .group_by(app.community_id)
    ).all()
    return {community_id: Counts(*map(int, values)) for community_id, *values in rows}


def tell_staff(today: date) -> int:
    """One message to each active reviewer with a linked WeChat user whose communities have cases to
    act on, unless they had today's already (the job run again); returns how many were queued."""
    by_community = community_counts(today)
    if not by_community:
        return 0
    rows = db.session.execute(
        sa.select(Community.id, Community.street_id).where(Community.id.in_(by_community))
    )
    streets = {community_id: street_id for community_id, street_id in rows}
    day_start, _ = local_day_bounds(today)
    told_today = (
        sa.select(Notification.id)
        .where(
            Notification.user_id == StaffAccount.user_id,
            Notification.template_key == TEMPLATE,
            Notification.created_at >= day_start,
        )
        .exists()
    )
    reviewers = db.session.execute(
        sa.select(StaffAccount, User)
        .join(User, User.id == StaffAccount.user_id)
        .where(
            StaffAccount.is_active.is_(True),
            StaffAccount.role.in_(ACTIONS[REVIEW_RIGHT]),
            ~told_today,
        )
        .order_by(StaffAccount.id)
    ).all()
    sent = 0
    for staff, user in reviewers:
        counts = Counts()
        for community_id, found in by_community.items():
            if _serves(staff, community_id, streets.get(community_id)):
                counts.add(found)
        if counts.cases:
            notify(
                user,
                TEMPLATE,
                {"thing1": "困难救助待办案件", "number2": counts.cases, "thing3": counts.summary()},
            )
            sent += 1
    return sent


def _serves(staff: StaffAccount, community_id: int, street_id: int | None) -> bool:
    """Whether the case's community is in the staff member's scope (``permissions.scope_filter``'s rule,
    on the communities read once for the whole job)."""
    if staff.role == CITY_ADMIN:
        return True
    if staff.role == STREET_ADMIN:
        return street_id is not None and street_id == staff.street_id
    return community_id == staff.community_id
