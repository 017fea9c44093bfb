"""群众点单 and the 五单法: organisations that take on residents' needs, the demands with their 四公开 facts,
every step of a demand, and residents' ratings (民评).

A resident orders (群众点单); the community's party organisation dispatches it to an organisation with a
deadline, a funding source and a responsible party member (下单); the organisation accepts or declines
(接单); the community's supervision committee follows it (督单); the organisation reports it done with
evidence; the street verifies it or sends it back (验单); the resident rates it or reopens it once (民评).
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, StaffAccount, User
from cloudplatform.orm import TimestampMixin
from cloudplatform.service.uploads.models import Upload

# -- organisations ------------------------------------------------------------------------------------

SOCIAL, VOLUNTEER_TEAM, PARTY_UNIT = "social", "volunteer_team", "party_unit"
ORGANISATION_KINDS = {SOCIAL: "社区社会组织", VOLUNTEER_TEAM: "志愿服务队", PARTY_UNIT: "单位党组织"}

# the seed's service areas, which are also the categories residents order in
CATEGORIES = {
    "elderly": "为老",
    "disability": "助残",
    "housekeeping": "家政",
    "youth": "青少年",
    "culture": "文体",
    "volunteer": "志愿服务",
    "other": "其他",
}


class Organisation(TimestampMixin, db.Model):
    """An organisation a demand can be dispatched to: a community social organisation (备案), a volunteer
    team, or a unit's party organisation (``party_unit_id``, one of 党建云's units). It is kept by the staff
    of its home community (``community_id``) and serves every community in ``communities``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16), default=SOCIAL)
    registration_no: Mapped[str] = mapped_column(sa.String(32), default="")  # 备案号
    contact_name: Mapped[str] = mapped_column(sa.String(32), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    service_areas: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # keys of CATEGORIES
    party_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party_unit.id"))
    active: Mapped[bool] = mapped_column(default=True)

    community: Mapped[Community] = relationship()


class OrganisationCommunity(db.Model):
    """A community an organisation serves (its home community is always one)."""

    __table_args__ = (sa.UniqueConstraint("organisation_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)


class OrganisationStaff(db.Model):
    """A staff account (role ``org_staff``) working for one organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"), unique=True)


# -- demands ------------------------------------------------------------------------------------------

SUBMITTED, DISPATCHED, ACCEPTED, DONE = "submitted", "dispatched", "accepted", "done"
VERIFIED, RATED, DISMISSED, MERGED = "verified", "rated", "dismissed", "merged"
OPEN = (SUBMITTED, DISPATCHED, ACCEPTED, DONE)
STATUS_NAMES = {
    SUBMITTED: "待下单",
    DISPATCHED: "待接单",
    ACCEPTED: "办理中",
    DONE: "待验单",
    VERIFIED: "待评价",
    RATED: "已评价",
    DISMISSED: "不予受理",
    MERGED: "已合并",
}
# the 五单 stage each status is at, for the board
STAGES = {
    SUBMITTED: "群众点单",
    DISPATCHED: "社区下单",
    ACCEPTED: "组织接单",
    DONE: "街道验单",
    VERIFIED: "群众评单",
    RATED: "已办结",
}
STEP_NAMES = {
    "submit": "群众点单",
    "release": "内容审核通过",
    "dispatch": "社区下单",
    "accept": "组织接单",
    "decline": "组织退单",
    "supervise": "监委会督单",
    "report_done": "组织报结",
    "verify": "街道验单",
    "send_back": "街道退回重办",
    "rate": "群众评价",
    "reopen": "群众认为未解决，重新办理",
    "dismiss": "不予受理",
    "merge": "合并到相同诉求",
}
REOPEN_DAYS = 14  # a resident may reopen a verified demand once, within this many days


class Demand(TimestampMixin, db.Model):
    """A resident's need (群众点单) and where it stands in the 五单 flow, with its 四公开 facts."""

    TRANSITIONS = {
        SUBMITTED: {DISPATCHED, DISMISSED, MERGED},
        DISPATCHED: {ACCEPTED, SUBMITTED, MERGED},  # declined: back to dispatch
        ACCEPTED: {DONE, MERGED},
        DONE: {VERIFIED, ACCEPTED},  # sent back: the organisation works on
        VERIFIED: {RATED, SUBMITTED},  # reopened: dispatched afresh
    }

    __table_args__ = (
        sa.Index("ix_demand_board", "community_id", "status", "id"),
        # newest first in one community (the public list): without it a generic plan walks the whole
        # primary key backwards looking for the community's rows
        sa.Index("ix_demand_community_newest", "community_id", "id"),
        sa.Index("ix_demand_organisation", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=SUBMITTED)
    category: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(60))
    description: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[str] = mapped_column(sa.String(100), default="")  # where in the community
    held: Mapped[bool] = mapped_column(default=False)  # content check doubtful: staff release it first

    # 四公开: the project, who does it, where the money comes from, which party member answers for it
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    project: Mapped[str] = mapped_column(sa.String(100), default="")
    funding_source: Mapped[str] = mapped_column(sa.String(100), default="")
    responsible_member: Mapped[str] = mapped_column(sa.String(32), default="")
    deadline: Mapped[date | None]
    overdue: Mapped[bool] = mapped_column(default=False)  # set by the daily job while open past the deadline

    dispatched_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]  # once only
    rating: Mapped[int | None]  # 1-5
    rating_comment: Mapped[str] = mapped_column(sa.String(200), default="")
    rated_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demand.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=now)

    community: Mapped[Community] = relationship()
    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    steps: Mapped[list["DemandStep"]] = relationship(order_by="DemandStep.id", viewonly=True)
    files: Mapped[list["DemandFile"]] = relationship(order_by="DemandFile.id", viewonly=True)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def latest_step(self) -> "DemandStep | None":
        """The last of ``steps`` (the public list loads only that one)."""
        return self.steps[-1] if self.steps else None


PHOTO, EVIDENCE = "photo", "evidence"  # the resident's photos, the organisation's evidence of the work


class DemandFile(db.Model):
    __table_args__ = (sa.UniqueConstraint("demand_id", "upload_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demand.id"), index=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("upload.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default=PHOTO)

    upload: Mapped[Upload] = relationship()


class DemandStep(db.Model):
    """One step of a demand: who (the resident, staff, an organisation's worker), when, from and to what,
    and why; 督单 comments are steps that change no status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demand.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(16))
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)

    staff: Mapped[StaffAccount | None] = relationship()
