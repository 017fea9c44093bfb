"""困难救助: categories with their checklists, applications with their household, materials, history,
objections raised in 公示, and the working-day clock.

The applicant's ID number is stored only sealed (``cloudplatform.crypto``: AES-GCM, the key id kept for
rotation) and as a keyed hash for duplicate checks; lists show the masked form kept beside it.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import Building, Community, StaffAccount, User
from cloudplatform.orm import TimestampMixin
from cloudplatform.service.uploads.models import Upload

ID_NUMBER_COLUMN = "aid_application.id_number"  # the associated data its ciphertext is bound to

# -- categories -----------------------------------------------------------------------------------------


class AidCategory(TimestampMixin, db.Model):
    """A kind of aid (临时救助, 医疗救助 ...), configured for the city: the materials it needs, the steps
    its review takes, and whether aid may be granted first with materials completed later (先行救助)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(32))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    materials: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # the checklist, e.g. 身份证
    needs_visit: Mapped[bool] = mapped_column(default=True)  # the grid worker's home visit (入户核查)
    publicity_days: Mapped[int] = mapped_column(default=7)  # 公示 in calendar days; 0 = no 公示
    deadline_working_days: Mapped[int] = mapped_column(default=15)  # from a complete submission
    emergency_allowed: Mapped[bool] = mapped_column(default=False)  # 先行救助
    max_amount: Mapped[int | None]  # in fen; None = no ceiling
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


# -- applications ---------------------------------------------------------------------------------------

SUBMITTED, INCOMPLETE, REVIEW, PUBLICITY = "submitted", "incomplete", "review", "publicity"
STREET_REVIEW, GRANTED, REJECTED, WITHDRAWN = "street_review", "granted", "rejected", "withdrawn"
OPEN = (SUBMITTED, INCOMPLETE, REVIEW, PUBLICITY, STREET_REVIEW)
CLOCK_RUNNING = (SUBMITTED, REVIEW, PUBLICITY, STREET_REVIEW)  # the deadline pauses while incomplete
STATUS_NAMES = {
    SUBMITTED: "待受理",
    INCOMPLETE: "待补正材料",
    REVIEW: "社区审核",
    PUBLICITY: "公示中",
    STREET_REVIEW: "街道审批",
    GRANTED: "已批准",
    REJECTED: "未批准",
    WITHDRAWN: "已撤回",
}
# deadline flags the daily job sets for the console
DUE_SOON, OVERDUE = "due_soon", "overdue"
FLAG_NAMES = {DUE_SOON: "即将到期", OVERDUE: "已超期"}

OPEN_CONDITION = "status IN ('submitted', 'incomplete', 'review', 'publicity', 'street_review')"


class AidApplication(TimestampMixin, db.Model):
    """One household's application for one category of aid, and where it stands."""

    # The one table of allowed steps. Which of them a case takes also depends on its category (a
    # category without 公示 goes from review to the street); operations check that.
    TRANSITIONS = {
        SUBMITTED: {INCOMPLETE, REVIEW, REJECTED, WITHDRAWN},
        INCOMPLETE: {SUBMITTED, REJECTED, WITHDRAWN},
        REVIEW: {INCOMPLETE, PUBLICITY, STREET_REVIEW, REJECTED, WITHDRAWN},
        PUBLICITY: {STREET_REVIEW, REJECTED, WITHDRAWN},
        STREET_REVIEW: {GRANTED, REJECTED, WITHDRAWN},
    }

    __table_args__ = (
        # one open application per household (address) and category, and per person (ID number)
        sa.Index(
            "uq_aid_application_open_household",
            "household_key",
            "category_id",
            unique=True,
            sqlite_where=sa.text(OPEN_CONDITION),
            postgresql_where=sa.text(OPEN_CONDITION),
        ),
        sa.Index(
            "uq_aid_application_open_person",
            "id_number_hash",
            "category_id",
            unique=True,
            sqlite_where=sa.text(OPEN_CONDITION),
            postgresql_where=sa.text(OPEN_CONDITION),
        ),
        sa.Index("ix_aid_application_queue", "community_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("aid_category.id"))
    applicant_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=SUBMITTED)

    # the applicant (personal data: masked in lists, in full only to the case's reviewers)
    applicant_name: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str] = mapped_column(sa.String(20))
    id_number_key_id: Mapped[str] = mapped_column(sa.String(16))
    id_number_sealed: Mapped[str] = mapped_column(sa.String(128))
    id_number_hash: Mapped[str] = mapped_column(sa.String(64))
    id_number_masked: Mapped[str] = mapped_column(sa.String(32))
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("building.id"))
    room: Mapped[str] = mapped_column(sa.String(16))
    household_key: Mapped[str] = mapped_column(sa.String(64))  # community, building and room
    # [{name, relation, age, occupation, health}] — the other members of the household
    household: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    monthly_income: Mapped[int]  # the household's, in fen
    situation: Mapped[str] = mapped_column(sa.Text)  # 家庭情况
    reason: Mapped[str] = mapped_column(sa.Text)  # 申请事由
    amount_requested: Mapped[int | None]  # in fen
    emergency_requested: Mapped[bool] = mapped_column(default=False)

    # the clock: working days count from the first complete submission and pause while incomplete
    clock_resumed_on: Mapped[date | None]
    working_days_used: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[date | None]
    flag: Mapped[str | None] = mapped_column(sa.String(16))  # DUE_SOON / OVERDUE, set by the daily job

    # the steps' outcomes
    missing: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # what staff found missing, at once
    visit_notes: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_amount: Mapped[int | None]  # in fen, proposed by the community (shown in 公示)
    publicity_starts_on: Mapped[date | None]
    publicity_ends_on: Mapped[date | None]
    emergency_amount: Mapped[int | None]  # 先行救助 granted, in fen
    emergency_granted_at: Mapped[datetime | None]
    granted_amount: Mapped[int | None]  # in fen
    granted_items: Mapped[str] = mapped_column(sa.String(200), default="")  # in kind (米面油 ...)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=now)

    community: Mapped[Community] = relationship()
    category: Mapped[AidCategory] = relationship()
    applicant: Mapped[User] = relationship()
    building: Mapped[Building] = relationship()
    steps: Mapped[list["AidStep"]] = relationship(order_by="AidStep.id", viewonly=True)
    files: Mapped[list["AidFile"]] = relationship(order_by="AidFile.id", viewonly=True)
    objections: Mapped[list["AidObjection"]] = relationship(order_by="AidObjection.id", viewonly=True)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


# -- files ---------------------------------------------------------------------------------------------

MATERIAL, VISIT_PHOTO = "material", "visit_photo"


class AidFile(db.Model):
    """An upload attached to a case: one of the applicant's materials (named by its checklist item) or a
    photo from the home visit."""

    __table_args__ = (sa.UniqueConstraint("application_id", "upload_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("aid_application.id"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("upload.id"), unique=True)  # used once
    kind: Mapped[str] = mapped_column(sa.String(16), default=MATERIAL)
    material: Mapped[str] = mapped_column(sa.String(32), default="")  # the checklist item it proves

    upload: Mapped[Upload] = relationship()


# what each step of a case is called in its history (the submission is the case itself)
STEP_NAMES = {
    "submit": "提交申请",
    "resubmit": "补正材料后重新提交",
    "withdraw": "撤回申请",
    "accept": "社区受理",
    "request_materials": "要求补正材料",
    "visit": "入户核查",
    "publicize": "进入公示",
    "forward": "报街道审批",
    "reject": "驳回",
    "grant": "批准救助",
    "emergency": "先行救助",
}

# -- history -------------------------------------------------------------------------------------------


class AidStep(db.Model):
    """One step of a case: who (the applicant, staff, or the system), when, from and to what, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("aid_application.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(32))  # submit, request_materials, accept, ...
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    by_applicant: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)

    staff: Mapped[StaffAccount | None] = relationship()


# -- objections in 公示 ---------------------------------------------------------------------------------


class AidObjection(db.Model):
    """A resident's objection to a case in 公示 (异议), which staff must answer before it goes on. The
    objector is never shown to the applicant."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("aid_application.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    content: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    answered_at: Mapped[datetime | None]

    answered_by: Mapped[StaffAccount | None] = relationship()
