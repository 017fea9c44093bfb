"""党员报到 and 岗位: staff keep the units and the posts; a verified resident reports as an in-service party
member of a unit to the community they live in; staff approve (the ``party_member`` role there) or
reject; members reconfirm yearly or lapse; members claim posts, staff confirm them and credit each
month served.

Every count the database can keep is kept by it: one active report per member and one active claim per
member and post by partial unique indexes; a post's places by one conditional UPDATE
(``claimed < headcount``). A refused UPDATE is explained afterwards, never checked before.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.errors import AppError
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import PARTY_MEMBER, RESIDENT, Community, Membership, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.identity.signals import residency_decided
from cloudplatform.notify.operations import notify
from cloudplatform.orm import flush_unique, insert_for
from cloudplatform.party.errors import (
    AlreadyClaimed,
    AlreadyReported,
    AttendanceConfirmed,
    ClaimNotActive,
    NotResident,
    PostClosed,
    PostFull,
    PostNotFound,
    ReasonRequired,
    ReportNotApproved,
    ReportNotPending,
    UnitNotFound,
)
from cloudplatform.party.members import queries
from cloudplatform.party.models import (
    APPROVED,
    CLAIM_ACTIVE,
    CLAIMED,
    CONFIRMED,
    LAPSED,
    POST_SOURCE,
    REJECTED,
    RELEASED,
    REPORT_ACTIVE,
    REPORT_STATUS_NAMES,
    REVOKED,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    PostClaim,
    ServiceHours,
    ServicePost,
)
from cloudplatform.party.queries import approved_report, require_party_member
from cloudplatform.transitions import transition

MANAGE = "party.manage"
REPORT_PERIOD = timedelta(days=365)  # an approval (or reconfirmation) holds this long
REMIND_BEFORE = timedelta(days=30)  # the reconfirmation reminder goes out this long before it ends
REPORT_PAGE = "pages/party/report"
UNIT_FIELDS = {
    "name",
    "branch",
    "kind",
    "contact_name",
    "contact_phone",
    "contact_user_id",
    "agreement_starts",
    "agreement_ends",
    "commitments",
}
POST_FIELDS = {"title", "duties", "headcount", "starts_on", "ends_on"}


# -- units --------------------------------------------------------------------------------------------


@requires(MANAGE)
def create_unit(
    staff: StaffAccount, community_id: int, community_ids: tuple[int, ...] | list[int] = (), **fields
) -> PartyUnit:
    """Register a unit's party organisation in a community the staff member serves, open to that community
    and to the others named (each in the staff member's scope)."""
    if not permissions.in_scope(staff, community_id):
        raise CommunityNotFound()
    unit = PartyUnit(community_id=community_id, **{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    db.session.add(unit)
    db.session.flush()
    _link_communities(staff, unit, [community_id, *community_ids])
    record(staff, "party_unit.create", target=unit, community_id=community_id, details={"name": unit.name})
    return unit


@requires(MANAGE)
def update_unit(
    staff: StaffAccount, unit: PartyUnit, community_ids: list[int] | None = None, **fields
) -> PartyUnit:
    """Change a unit's details, agreement or communities (its home community always stays one)."""
    changed = {k: v for k, v in fields.items() if k in UNIT_FIELDS}
    for name, value in changed.items():
        setattr(unit, name, value)
    if community_ids is not None:
        db.session.execute(sa.delete(PartyUnitCommunity).where(PartyUnitCommunity.unit_id == unit.id))
        _link_communities(staff, unit, [unit.community_id, *community_ids])
        changed["community_ids"] = sorted(set(community_ids) | {unit.community_id})
    record(
        staff,
        "party_unit.update",
        target=unit,
        community_id=unit.community_id,
        details={k: str(v) for k, v in changed.items()},
    )
    return unit


@requires(MANAGE)
def set_unit_active(staff: StaffAccount, unit: PartyUnit, active: bool) -> PartyUnit:
    """Withdraw a unit (members can no longer pick it; reports stand) or bring it back."""
    unit.active = active
    record(
        staff,
        "party_unit.activate" if active else "party_unit.deactivate",
        target=unit,
        community_id=unit.community_id,
    )
    return unit


def _link_communities(staff: StaffAccount, unit: PartyUnit, community_ids: list[int]) -> None:
    for community_id in sorted(set(community_ids)):
        if not permissions.in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
            raise CommunityNotFound()
        db.session.add(PartyUnitCommunity(unit_id=unit.id, community_id=community_id))
    db.session.flush()


# -- reports ------------------------------------------------------------------------------------------


def report_to_community(
    user: User, community_id: int, unit_id: int, real_name: str, position: str = ""
) -> PartyReport:
    """Report as an in-service party member of ``unit_id`` to the community the user lives in (pending
    until staff decide). A report to the same community already waiting or approved is refused; one to
    another community (the member moved house) revokes it first.

    :raises NotResident: not a verified resident of the community.
    :raises UnitNotFound: the unit is withdrawn or not open to the community.
    :raises AlreadyReported: a report to this community waits or stands (also when two race).
    """
    if RESIDENT not in permissions.member_roles(user, community_id):
        raise NotResident()
    if queries.open_unit(community_id, unit_id) is None:
        raise UnitNotFound()
    current = db.session.scalar(
        sa.select(PartyReport).where(PartyReport.user_id == user.id, PartyReport.status.in_(REPORT_ACTIVE))
    )
    if current is not None and current.community_id == community_id:
        raise AlreadyReported()
    if current is not None:
        end_report(current, REVOKED, "迁居后向新社区报到")
    report = PartyReport(
        user_id=user.id,
        community_id=community_id,
        unit_id=unit_id,
        real_name=real_name.strip(),
        position=position,
    )
    db.session.add(report)
    flush_unique(db.session, AlreadyReported())
    record(user, "party_report.submit", target=report, community_id=community_id)
    return report


@requires(MANAGE)
def open_report(staff: StaffAccount, report_id: int) -> PartyReport:
    """One report in full (real name) for its reviewer; the view is recorded in the audit log."""
    report = queries.load_staff_report(staff, report_id)
    record(staff, "party_report.view", target=report, community_id=report.community_id)
    return report


@requires(MANAGE)
def decide_report(staff: StaffAccount, report: PartyReport, approve: bool, reason: str = "") -> PartyReport:
    """Approve (the member holds the ``party_member`` role in the community for a year) or reject with a
    reason; the member is told.

    :raises ReasonRequired: a rejection without a reason.
    :raises ReportNotPending: decided already (also by a colleague at the same moment).
    """
    reason = reason.strip()
    if not approve and not reason:
        raise ReasonRequired(details={"fields": {"reason": ["此项必填"]}})
    current = now()
    transition(
        report,
        APPROVED if approve else REJECTED,
        error=ReportNotPending(),
        reason=reason,
        decided_by_id=staff.id,
        decided_at=current,
        confirmed_until=current + REPORT_PERIOD if approve else None,
    )
    if approve:
        db.session.execute(
            insert_for(db.session, Membership)
            .values(
                user_id=report.user_id,
                community_id=report.community_id,
                role=PARTY_MEMBER,
                created_at=current,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "community_id", "role"])
        )
    record(
        staff,
        "party_report.approved" if approve else "party_report.rejected",
        target=report,
        community_id=report.community_id,
        details={"reason": reason} if reason else None,
    )
    _tell(report, reason or "欢迎参与社区服务")
    return report


@requires(MANAGE)
def revoke_report(staff: StaffAccount, report: PartyReport, reason: str) -> PartyReport:
    """End a waiting or approved report (the member left the unit, the report was made in error...)."""
    if not reason.strip():
        raise ReasonRequired(details={"fields": {"reason": ["此项必填"]}})
    end_report(report, REVOKED, reason.strip())
    record(
        staff,
        "party_report.revoked",
        target=report,
        community_id=report.community_id,
        details={"reason": reason},
    )
    _tell(report, reason)
    return report


def end_report(report: PartyReport, status: str, reason: str) -> None:
    """Revoke or lapse a report; the member loses the ``party_member`` role of its community."""
    transition(report, status, error=ReportNotApproved(), reason=reason)
    db.session.execute(
        sa.delete(Membership).where(
            Membership.user_id == report.user_id,
            Membership.community_id == report.community_id,
            Membership.role == PARTY_MEMBER,
        )
    )


def reconfirm_report(user: User) -> PartyReport:
    """The member confirms their report for another year (from today).

    :raises NotPartyMember: no approved report.
    """
    report = require_party_member(user)
    report.confirmed_until = now() + REPORT_PERIOD
    report.reminded_at = None
    record(user, "party_report.reconfirm", target=report, community_id=report.community_id)
    return report


def remind_and_lapse_reports() -> dict[str, int]:
    """The yearly reconfirmation: remind the members whose year ends within a month (once), and lapse
    the reports whose year has ended (role removed, member told)."""
    current = now()
    lapsed = db.session.scalars(
        sa.select(PartyReport).where(PartyReport.status == APPROVED, PartyReport.confirmed_until <= current)
    ).all()
    for report in lapsed:
        end_report(report, LAPSED, "未按期年度确认")
        record(None, "party_report.lapsed", target=report, community_id=report.community_id)
        _tell(report, "未按期确认，请重新报到")
    due = db.session.scalars(
        sa.select(PartyReport).where(
            PartyReport.status == APPROVED,
            PartyReport.confirmed_until <= current + REMIND_BEFORE,
            PartyReport.reminded_at.is_(None),
        )
    ).all()
    for report in due:
        report.reminded_at = current
        _tell(report, f"请于{local(current + REMIND_BEFORE):%m月%d日}前完成年度确认")
    return {"reminded": len(due), "lapsed": len(lapsed)}


def revoke_after_move(request, approved: bool, reason: str = "") -> None:
    """A member verified as a resident of another community has moved house: the report to the old one
    ends (they report anew where they live now). Connected to identity's ``residency_decided``."""
    if not approved:
        return
    report = db.session.scalar(
        sa.select(PartyReport).where(
            PartyReport.user_id == request.user_id,
            PartyReport.status.in_(REPORT_ACTIVE),
            PartyReport.community_id != request.community_id,
        )
    )
    if report is not None:
        end_report(report, REVOKED, "已迁居，请向新社区报到")
        record(
            None,
            "party_report.revoked",
            target=report,
            community_id=report.community_id,
            details={"reason": "迁居"},
        )
        _tell(report, "已迁居，请向新社区报到")


residency_decided.connect(revoke_after_move)


def _tell(report: PartyReport, note: str) -> None:
    user, community = (
        db.session.get_one(User, report.user_id),
        db.session.get_one(Community, report.community_id),
    )
    notify(
        user,
        "party_report_result",
        {"thing1": community.name, "phrase2": REPORT_STATUS_NAMES[report.status], "thing3": note},
        page=REPORT_PAGE,
    )


# -- service posts ------------------------------------------------------------------------------------


@requires(MANAGE)
def create_post(staff: StaffAccount, community_id: int, **fields) -> ServicePost:
    """Open a post in a community the staff member serves."""
    if not permissions.in_scope(staff, community_id):
        raise CommunityNotFound()
    post = ServicePost(community_id=community_id, **{k: v for k, v in fields.items() if k in POST_FIELDS})
    db.session.add(post)
    db.session.flush()
    record(
        staff, "service_post.create", target=post, community_id=community_id, details={"title": post.title}
    )
    return post


@requires(MANAGE)
def update_post(staff: StaffAccount, post: ServicePost, **fields) -> ServicePost:
    """Change a post; its headcount never drops below the places claimed."""
    changed = {k: v for k, v in fields.items() if k in POST_FIELDS}
    for name, value in changed.items():
        setattr(post, name, value)
    post.headcount = max(post.headcount, post.claimed)
    record(
        staff,
        "service_post.update",
        target=post,
        community_id=post.community_id,
        details={k: str(v) for k, v in changed.items()},
    )
    return post


@requires(MANAGE)
def close_post(staff: StaffAccount, post: ServicePost) -> ServicePost:
    """Stop claims of a post (claims made stand until released)."""
    post.active = False
    record(staff, "service_post.close", target=post, community_id=post.community_id)
    return post


def claim_post(user: User, post_id: int) -> PostClaim:
    """Claim a place of a post of the member's community: one conditional UPDATE takes the place.

    :raises PostNotFound: no such post in the member's community.
    :raises PostClosed: withdrawn or over.
    :raises PostFull: every place is claimed (also when racing for the last one).
    :raises AlreadyClaimed: the member holds this post already.
    """
    report = require_party_member(user)
    today = local(now()).date()
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                sa.update(ServicePost)
                .where(
                    ServicePost.id == post_id,
                    ServicePost.community_id == report.community_id,
                    ServicePost.active.is_(True),
                    ServicePost.ends_on >= today,
                    ServicePost.claimed < ServicePost.headcount,
                )
                .values(claimed=ServicePost.claimed + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken != 1:
                raise _claim_refusal(report, post_id, today)
            claim = PostClaim(
                post_id=post_id, community_id=report.community_id, user_id=user.id, status=CLAIMED
            )
            db.session.add(claim)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AlreadyClaimed() from None
    record(user, "post_claim.create", target=claim, community_id=claim.community_id)
    return claim


def _claim_refusal(report: PartyReport, post_id: int, today: date) -> AppError:
    post = db.session.get(ServicePost, post_id)
    if post is None or post.community_id != report.community_id:
        return PostNotFound()
    if not post.active or post.ends_on < today:
        return PostClosed()
    holds = sa.exists().where(
        PostClaim.post_id == post_id, PostClaim.user_id == report.user_id, PostClaim.status.in_(CLAIM_ACTIVE)
    )
    return AlreadyClaimed() if db.session.scalar(sa.select(holds)) else PostFull()


@requires(MANAGE)
def decide_claim(staff: StaffAccount, claim: PostClaim, confirm: bool) -> PostClaim:
    """Confirm a claim (the member is on post) or turn it down (the place goes back)."""
    if confirm:
        transition(claim, CONFIRMED, error=ClaimNotActive(), decided_by_id=staff.id)
    else:
        _release(claim, decided_by_id=staff.id)
    action = "post_claim.confirmed" if confirm else "post_claim.released"
    record(staff, action, target=claim, community_id=claim.community_id)
    return claim


def release_own_claim(user: User, claim: PostClaim) -> PostClaim:
    """The member gives up a post; the place goes back."""
    _release(claim)
    record(user, "post_claim.released", target=claim, community_id=claim.community_id)
    return claim


def _release(claim: PostClaim, **values) -> None:
    transition(claim, RELEASED, error=ClaimNotActive(), released_at=now(), **values)
    db.session.execute(
        sa.update(ServicePost)
        .where(ServicePost.id == claim.post_id, ServicePost.claimed > 0)
        .values(claimed=ServicePost.claimed - 1)
        .execution_options(synchronize_session=False)
    )


@requires(MANAGE)
def credit_post_month(
    staff: StaffAccount, claim: PostClaim, month: date, minutes: int, note: str = ""
) -> ServiceHours:
    """Credit a confirmed post holder's service in a month (once per claim and month).

    :raises ClaimNotActive: the claim is not confirmed.
    :raises AttendanceConfirmed: that month is credited already.
    """
    if claim.status != CONFIRMED:
        raise ClaimNotActive()
    report = approved_report(claim.user_id)
    hours = ServiceHours(
        user_id=claim.user_id,
        community_id=claim.community_id,
        unit_id=report.unit_id if report else None,
        source=POST_SOURCE,
        claim_id=claim.id,
        served_on=month.replace(day=1),
        minutes=minutes,
        note=note,
        confirmed_by_id=staff.id,
    )
    db.session.add(hours)
    flush_unique(db.session, AttendanceConfirmed())
    record(
        staff,
        "service_hours.post",
        target=claim,
        community_id=claim.community_id,
        details={"month": hours.served_on.isoformat()[:7], "minutes": minutes},
    )
    return hours
