"""群众点单 through the 五单 flow: a resident orders; the community dispatches it to an organisation with
its 四公开 facts (下单); the organisation accepts or declines (接单); supervisors comment (督单); the
organisation reports it done with evidence; the street verifies it or sends it back (验单); the resident
rates it, or reopens it once within 14 days (民评). Staff may dismiss a demand or merge it into a like one.

Every step is one conditional UPDATE from the status the actor saw (``seen``), so two actors on one step
have one winner; each is kept (``DemandStep``), audited when staff take it, and sent to the resident (and
to the residents of demands merged into it).
"""

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.content import HELD, screen_text
from cloudplatform.identity.models import RESIDENT, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.service.demands.errors import (
    AlreadyRated,
    DeadlineInvalid,
    DemandHeld,
    DemandNotResident,
    DemandWrongStep,
    MergeRefused,
    OrganisationNotFound,
    ReasonRequired,
    ReopenRefused,
)
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISMISSED,
    DISPATCHED,
    DONE,
    EVIDENCE,
    MERGED,
    OPEN,
    PHOTO,
    RATED,
    REOPEN_DAYS,
    STATUS_NAMES,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandFile,
    DemandStep,
    Organisation,
    OrganisationCommunity,
)
from cloudplatform.service.uploads.errors import UploadNotFound
from cloudplatform.service.uploads.models import Upload
from cloudplatform.service.uploads.operations import store_uploads
from cloudplatform.transitions import transition

DISPATCH, FULFIL, SUPERVISE, VERIFY = "demand.dispatch", "demand.fulfil", "demand.supervise", "demand.verify"
PAGE = "pages/services/demand"
STEP_NOTES = {
    "dispatch": "社区已下单，等待组织接单",
    "accept": "组织已接单，正在办理",
    "decline": "组织未能接单，社区将重新下单",
    "report_done": "组织已办结，等待街道验单",
    "verify": "街道已验单，请您评价",
    "send_back": "街道退回，组织继续办理",
    "dismiss": "社区不予受理",
    "merge": "已与相同诉求合并办理",
    "reopen": "已重新办理",
}


# -- history -------------------------------------------------------------------------------------------


def _step(
    demand: Demand,
    action: str,
    from_status: str | None,
    *,
    staff: StaffAccount | None = None,
    user: User | None = None,
    note: str = "",
    details: dict | None = None,
    tell: bool = True,
) -> DemandStep:
    """Keep the step, audit it when staff took it, and (a staff step) tell the resident and the residents
    of the demands merged into this one."""
    step = DemandStep(
        demand_id=demand.id,
        from_status=from_status,
        to_status=demand.status,
        action=action,
        staff_id=staff.id if staff else None,
        user_id=user.id if user else None,
        note=note,
        details=details or {},
    )
    db.session.add(step)
    if staff is not None:
        record(
            staff,
            f"demand.{action}",
            target=demand,
            community_id=demand.community_id,
            details={"from": from_status, "to": demand.status},
        )
        if tell:
            _tell(demand, note or STEP_NOTES.get(action, "请在小程序中查看办理进度"))
    return step


def _tell(demand: Demand, note: str) -> None:
    merged = sa.select(User).join(Demand, Demand.user_id == User.id).where(Demand.merged_into_id == demand.id)
    followers = [demand.user, *db.session.scalars(merged)]
    for user in {u.id: u for u in followers}.values():
        notify(
            user,
            "demand_progress",
            {"thing1": demand.title, "phrase2": STATUS_NAMES[demand.status], "thing3": note, "time4": now()},
            page=f"{PAGE}?id={demand.id}",
        )


def _move(demand: Demand, to: str, seen: str | None, allowed_from: Iterable[str], **values) -> str:
    """Move the demand from the status its actor saw (or one of ``allowed_from``) to ``to``; returns the
    status it left. :raises DemandWrongStep: it is not there (any more)."""
    left = demand.status
    sources = [seen] if seen is not None else list(allowed_from)
    transition(
        demand,
        to,
        error=DemandWrongStep(details={"status": demand.status}),
        where=(Demand.status.in_(sources),),
        **values,
    )
    return seen or left


def _require(demand: Demand, seen: str | None, steps: tuple[str, ...]) -> None:
    if demand.status not in steps or (seen is not None and seen != demand.status):
        raise DemandWrongStep(details={"status": demand.status})


def _attach(demand: Demand, upload_ids: list[int], owner: User) -> None:
    """The resident's own, unused uploads as the demand's photos."""
    if not upload_ids:
        return
    owned = db.session.scalar(
        sa.select(sa.func.count(Upload.id))
        .outerjoin(DemandFile, DemandFile.upload_id == Upload.id)
        .where(Upload.id.in_(upload_ids), Upload.user_id == owner.id, DemandFile.id.is_(None))
    )
    if owned != len(set(upload_ids)) or len(set(upload_ids)) != len(upload_ids):
        raise UploadNotFound(details={"upload_ids": upload_ids})
    db.session.add_all(DemandFile(demand_id=demand.id, upload_id=i, kind=PHOTO) for i in upload_ids)


# -- the resident --------------------------------------------------------------------------------------


def submit_demand(
    user: User,
    *,
    community_id: int,
    category: str,
    title: str,
    description: str,
    location: str = "",
    photo_ids: Iterable[int] = (),
) -> Demand:
    """Order help from the community (群众点单). The text is checked by WeChat's content check: risky text
    is refused, doubtful text is held for staff (it is dispatched only once released).

    :raises DemandNotResident: not a verified resident of the community.
    :raises ContentRisky: WeChat judged the text risky.
    :raises UploadNotFound: a photo is not the user's own unused upload.
    """
    if RESIDENT not in permissions.member_roles(user, community_id):
        raise DemandNotResident()
    verdict = screen_text(user, f"{title}\n{description}\n{location}")
    demand = Demand(
        community_id=community_id,
        user_id=user.id,
        category=category,
        title=title.strip(),
        description=description.strip(),
        location=location.strip(),
        held=verdict == HELD,
    )
    db.session.add(demand)
    db.session.flush()
    _attach(demand, list(photo_ids), user)
    _step(demand, "submit", None, user=user)
    return demand


def rate(user: User, demand: Demand, rating: int, comment: str = "") -> Demand:
    """民评: rate a verified demand 1 to 5, once.

    :raises AlreadyRated: rated already.
    :raises DemandWrongStep: not verified yet (or reopened).
    """
    if demand.status == RATED:
        raise AlreadyRated()
    try:
        left = _move(
            demand, RATED, VERIFIED, (), rating=rating, rating_comment=comment.strip(), rated_at=now()
        )
    except DemandWrongStep:
        db.session.refresh(demand)
        if demand.status == RATED:
            raise AlreadyRated() from None
        raise
    _step(demand, "rate", left, user=user, note=comment.strip(), details={"rating": rating})
    return demand


def reopen(user: User, demand: Demand, reason: str) -> Demand:
    """Not solved: send a verified demand back to the community to dispatch afresh — once, within 14 days
    of its verification.

    :raises ReopenRefused: reopened before, or too late.
    :raises DemandWrongStep: not verified (rated already, or still being worked on).
    """
    if not reason.strip():
        raise ReasonRequired.for_field("reason", "请说明未解决的原因")
    if demand.reopened_at is not None:
        raise ReopenRefused(details={"reason": "once"})
    late = demand.verified_at is not None and now() - demand.verified_at > timedelta(days=REOPEN_DAYS)
    if demand.status == VERIFIED and late:
        raise ReopenRefused(details={"reason": "late"})
    transition(
        demand,
        SUBMITTED,
        error=DemandWrongStep(details={"status": demand.status}),
        where=(Demand.status == VERIFIED, Demand.reopened_at.is_(None)),
        reopened_at=now(),
        organisation_id=None,
        deadline=None,
        overdue=False,
    )
    _step(demand, "reopen", VERIFIED, user=user, note=reason.strip())
    return demand


# -- the community ---------------------------------------------------------------------------------------


@requires(DISPATCH)
def release(staff: StaffAccount, demand: Demand) -> Demand:
    """Release a demand the content check held, after reading it."""
    moved = db.session.execute(
        sa.update(Demand)
        .where(Demand.id == demand.id, Demand.held.is_(True))
        .values(held=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(demand)
    if moved == 1:
        _step(demand, "release", demand.status, staff=staff, tell=False)
    return demand


def serving_organisation(organisation_id: int, community_id: int) -> Organisation:
    organisation = db.session.scalar(
        sa.select(Organisation).where(
            Organisation.id == organisation_id,
            Organisation.active.is_(True),
            sa.exists().where(
                OrganisationCommunity.organisation_id == organisation_id,
                OrganisationCommunity.community_id == community_id,
            ),
        )
    )
    if organisation is None:
        raise OrganisationNotFound()
    return organisation


@requires(DISPATCH)
def dispatch(
    staff: StaffAccount,
    demand: Demand,
    *,
    organisation_id: int,
    deadline: date,
    funding_source: str,
    responsible_member: str,
    project: str = "",
    seen: str | None = None,
) -> Demand:
    """下单: give the demand to an organisation serving its community, with the 四公开 facts.

    :raises DemandHeld: its text waits for review.
    :raises OrganisationNotFound: no such active organisation serving the community.
    :raises DeadlineInvalid: the deadline is in the past.
    """
    _require(demand, seen, (SUBMITTED,))
    if demand.held:
        raise DemandHeld()
    organisation = serving_organisation(organisation_id, demand.community_id)
    if deadline < local(now()).date():
        raise DeadlineInvalid.for_field("deadline")
    left = _move(
        demand,
        DISPATCHED,
        seen,
        (SUBMITTED,),
        organisation_id=organisation.id,
        deadline=deadline,
        funding_source=funding_source.strip(),
        responsible_member=responsible_member.strip(),
        project=(project or demand.title).strip(),
        dispatched_at=now(),
        overdue=False,
    )
    _step(demand, "dispatch", left, staff=staff, details={"organisation": organisation.name})
    return demand


@requires(DISPATCH)
def dismiss(staff: StaffAccount, demand: Demand, reason: str, seen: str | None = None) -> Demand:
    """不予受理: close a demand the community will not act on, with the reason."""
    if not reason.strip():
        raise ReasonRequired.for_field("reason")
    left = _move(demand, DISMISSED, seen, (SUBMITTED,))
    _step(demand, "dismiss", left, staff=staff, note=reason.strip())
    return demand


@requires(DISPATCH)
def merge(staff: StaffAccount, demand: Demand, into: Demand) -> Demand:
    """Merge an open demand into a like one of the same community: its resident follows that one.

    :raises MergeRefused: the same demand, another community's, or either closed or merged.
    """
    if demand.id == into.id or demand.community_id != into.community_id or into.status not in OPEN:
        raise MergeRefused()
    if demand.status not in (SUBMITTED, DISPATCHED, ACCEPTED):
        raise MergeRefused()
    left = _move(demand, MERGED, None, (SUBMITTED, DISPATCHED, ACCEPTED), merged_into_id=into.id)
    _step(demand, "merge", left, staff=staff, details={"into": into.id}, note=f"已并入诉求 {into.title}")
    return demand


@requires(SUPERVISE)
def supervise(staff: StaffAccount, demand: Demand, comment: str) -> DemandStep:
    """督单: the supervision committee's comment on a demand being worked on (no change of step)."""
    if not comment.strip():
        raise ReasonRequired.for_field("comment", "请填写督办意见")
    if demand.status not in (DISPATCHED, ACCEPTED, DONE):
        raise DemandWrongStep(details={"status": demand.status})
    return _step(demand, "supervise", demand.status, staff=staff, note=comment.strip(), tell=False)


# -- the organisation -------------------------------------------------------------------------------------


@requires(FULFIL)
def accept(staff: StaffAccount, demand: Demand, seen: str | None = None) -> Demand:
    """接单: the organisation takes the demand on (the caller has loaded it as its organisation's)."""
    left = _move(demand, ACCEPTED, seen, (DISPATCHED,))
    _step(demand, "accept", left, staff=staff)
    return demand


@requires(FULFIL)
def decline(staff: StaffAccount, demand: Demand, reason: str, seen: str | None = None) -> Demand:
    """退单: the organisation cannot take it on; it returns to the community to dispatch afresh."""
    if not reason.strip():
        raise ReasonRequired.for_field("reason")
    left = _move(demand, SUBMITTED, seen, (DISPATCHED,), organisation_id=None, deadline=None, overdue=False)
    _step(demand, "decline", left, staff=staff, note=reason.strip())
    return demand


@requires(FULFIL)
def report_done(
    staff: StaffAccount,
    demand: Demand,
    note: str,
    evidence: Iterable[tuple[str, bytes]] = (),
    seen: str | None = None,
) -> Demand:
    """报结: the work is done; what was done, with photos or documents as evidence."""
    if not note.strip():
        raise ReasonRequired.for_field("note", "请说明办理情况")
    _require(demand, seen, (ACCEPTED,))
    kept = store_uploads(staff, demand.community_id, list(evidence))
    left = _move(demand, DONE, seen, (ACCEPTED,), done_at=now())
    db.session.add_all(DemandFile(demand_id=demand.id, upload_id=u.id, kind=EVIDENCE) for u in kept)
    _step(demand, "report_done", left, staff=staff, note=note.strip(), details={"evidence": len(kept)})
    return demand


# -- the street -----------------------------------------------------------------------------------------


@requires(VERIFY)
def verify(staff: StaffAccount, demand: Demand, note: str = "", seen: str | None = None) -> Demand:
    """验单: the street confirms the work; the resident is asked to rate it."""
    left = _move(demand, VERIFIED, seen, (DONE,), verified_at=now(), overdue=False)
    _step(demand, "verify", left, staff=staff, note=note.strip())
    return demand


@requires(VERIFY)
def send_back(staff: StaffAccount, demand: Demand, reason: str, seen: str | None = None) -> Demand:
    """退回重办: not done well enough; the organisation works on."""
    if not reason.strip():
        raise ReasonRequired.for_field("reason")
    left = _move(demand, ACCEPTED, seen, (DONE,), done_at=None)
    _step(demand, "send_back", left, staff=staff, note=reason.strip())
    return demand
