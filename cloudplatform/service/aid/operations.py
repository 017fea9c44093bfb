"""困难救助: a verified resident applies for their household with materials; the community accepts the
case or lists every missing material at once (the applicant completes and resubmits), the grid worker
records the home visit, the case is publicly shown (公示, name masked) and objections are answered, the
street approves (granted: what and how much) or any reviewer rejects with a reason; the applicant may
withdraw until approval. Every step is one conditional UPDATE from the status the decider saw, so two
staff deciding the same step at once have one winner; each step is kept (``AidStep``), audited, and
sent to the applicant.

The deadline counts working days (``cloudplatform.service.workdays``) from a complete submission and
pauses while materials are incomplete.
"""

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from cloudplatform import crypto
from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import RESIDENT, Membership, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.orm import insert_for
from cloudplatform.privacy import mask_id_number
from cloudplatform.service.aid import queries
from cloudplatform.service.aid.errors import (
    AidAlreadyOpen,
    AidAmountOverLimit,
    AidCategoryNotFound,
    AidEmergencyGranted,
    AidMissingRequired,
    AidNotInPublicity,
    AidNotResident,
    AidObjectionAnswered,
    AidObjectionNotFound,
    AidObjectionsUnanswered,
    AidPublicityNotOver,
    AidStepNotForCategory,
    AidTooManyFiles,
    AidVisitRequired,
    AidWrongStep,
    IdNumberInvalid,
    ReasonRequired,
)
from cloudplatform.service.aid.models import (
    CLOCK_RUNNING,
    GRANTED,
    ID_NUMBER_COLUMN,
    INCOMPLETE,
    MATERIAL,
    OPEN,
    PUBLICITY,
    REJECTED,
    REVIEW,
    STATUS_NAMES,
    STREET_REVIEW,
    SUBMITTED,
    VISIT_PHOTO,
    WITHDRAWN,
    AidApplication,
    AidCategory,
    AidFile,
    AidObjection,
    AidStep,
)
from cloudplatform.service.uploads import content
from cloudplatform.service.uploads.errors import UploadNotFound, UploadTypeRefused
from cloudplatform.service.uploads.models import Upload
from cloudplatform.service.uploads.operations import store_uploads
from cloudplatform.service.workdays import add_working_days, working_days_between
from cloudplatform.transitions import transition

REVIEW_RIGHT, APPROVE_RIGHT, EMERGENCY_RIGHT = "aid.review", "aid.approve", "aid.emergency"
PAGE = "pages/services/aid"
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
HASH_PURPOSE = "id_number"


# -- checks ---------------------------------------------------------------------------------------------


def normal_id_number(value: str) -> str:
    """An 18-character resident ID number (GB 11643) in its stored form, its check digit verified.

    :raises IdNumberInvalid: not 18 characters, or the check digit does not match.
    """
    number = "".join(str(value).split()).upper()
    if not ID_NUMBER.match(number):
        raise IdNumberInvalid.for_field("id_number")
    check = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != check:
        raise IdNumberInvalid.for_field("id_number")
    return number


def id_number_hash(number: str) -> str:
    """The keyed hash that finds another open application of the same person."""
    return crypto.lookup_hash(normal_id_number(number), HASH_PURPOSE)


def household_key(community_id: int, building_id: int, room: str) -> str:
    return f"{community_id}:{building_id}:{''.join(room.split()).upper()}"


def check_amount(category: AidCategory, amount: int | None, field: str) -> None:
    if amount is not None and category.max_amount is not None and amount > category.max_amount:
        raise AidAmountOverLimit.for_field(field, f"金额不能超过 {category.max_amount / 100:.2f} 元")


def _attach(application: AidApplication, materials: Iterable[tuple[int, str]], owner: User) -> None:
    """Attach more of the applicant's own, unused uploads (``(upload id, checklist item)``) as materials."""
    files = _checked_files(materials)
    if not files:
        return
    ids = [upload_id for upload_id, _ in files]
    owned = db.session.scalar(
        sa.select(sa.func.count(Upload.id))
        .outerjoin(AidFile, AidFile.upload_id == Upload.id)
        .where(Upload.id.in_(ids), Upload.user_id == owner.id, AidFile.id.is_(None))
    )
    if owned != len(ids):
        raise UploadNotFound(details={"upload_ids": ids})
    _check_count(application, len(ids))
    _insert_files(application, files)


def _check_count(application: AidApplication, adding: int) -> None:
    held = db.session.scalar(
        sa.select(sa.func.count(AidFile.id)).where(AidFile.application_id == application.id)
    )
    if (held or 0) + adding > current_app.config["AID_MAX_FILES"]:
        raise AidTooManyFiles(details={"max": current_app.config["AID_MAX_FILES"]})


def _step(
    application: AidApplication,
    action: str,
    from_status: str | None,
    *,
    staff: StaffAccount | None = None,
    note: str = "",
    details: dict | None = None,
    tell: bool = True,
) -> AidStep:
    """Keep the step in the case's history, audit it, and (a staff step, unless not ``tell``) send it to
    the applicant; the applicant's own steps are answered on their screen."""
    step = AidStep(
        application_id=application.id,
        from_status=from_status,
        to_status=application.status,
        action=action,
        staff_id=staff.id if staff else None,
        by_applicant=staff is None,
        note=note,
        details=details or {},
    )
    db.session.add(step)
    actor = staff if staff is not None else application.applicant
    record(
        actor,
        f"aid_application.{action}",
        target=application,
        community_id=application.community_id,
        details={"from": from_status, "to": application.status},
    )
    if tell and staff is not None:
        notify(
            application.applicant,
            "aid_progress",
            {
                "thing1": application.category.name,
                "phrase2": STATUS_NAMES[application.status],
                "thing3": note or STEP_NOTES.get(action, "请在小程序中查看办理进度"),
                "time4": now(),
            },
            page=f"{PAGE}?id={application.id}",
        )
    return step


STEP_NOTES = {
    "submit": "申请已提交，等待社区受理",
    "resubmit": "补正材料已提交，等待社区受理",
    "accept": "社区已受理，将进行审核",
    "publicize": "已进入公示",
    "forward": "已报街道审批",
    "withdraw": "申请已撤回",
}


def _move(
    application: AidApplication, to: str, seen: str | None, *, allowed_from: Iterable[str] = (), **values
) -> str:
    """Move the case from the status the decider saw (or, with ``seen`` None, from ``allowed_from``) to
    ``to``; returns the status it left. :raises AidWrongStep: it is no longer there."""
    left = application.status
    sources = [seen] if seen is not None else list(allowed_from) or None
    where = (AidApplication.status.in_(sources),) if sources else ()
    transition(
        application, to, error=AidWrongStep(details={"status": application.status}), where=where, **values
    )
    return seen or left


def _pause_clock(application: AidApplication) -> dict:
    if application.clock_resumed_on is None:
        return {}
    used = application.working_days_used + working_days_between(
        application.clock_resumed_on, local(now()).date()
    )
    return {"working_days_used": used, "clock_resumed_on": None, "due_on": None, "flag": None}


def _start_clock(category: AidCategory, used: int) -> dict:
    """The clock's values when it (re)starts today with ``used`` working days spent before."""
    today = local(now()).date()
    left = max(category.deadline_working_days - used, 0)
    return {
        "clock_resumed_on": today,
        "working_days_used": used,
        "due_on": add_working_days(today, left),
        "flag": None,
    }


# -- the applicant ----------------------------------------------------------------------------------------


def apply(
    user: User,
    *,
    community_id: int,
    category_id: int,
    applicant_name: str,
    id_number: str,
    phone: str,
    monthly_income: int,
    situation: str,
    reason: str,
    household: list[dict] | None = None,
    amount_requested: int | None = None,
    emergency_requested: bool = False,
    materials: Iterable[tuple[int, str]] = (),
) -> AidApplication:
    """Apply for the household the user is a verified resident of, with materials already uploaded.

    Three statements: one read (the residence, the category, the uploads), the INSERT (which the unique
    indexes refuse for a second open application), the materials' INSERT. The submission is the first
    entry of the case's history (``AidApplication.submitted_at``), with no step row, audit row or
    message of its own: the applicant sees it on the screen they submitted from.

    :raises AidNotResident: not a verified resident of the community (with an address).
    :raises AidCategoryNotFound: no such active category.
    :raises IdNumberInvalid: the ID number's form or check digit is wrong.
    :raises AidAlreadyOpen: the household or the person has an open application in the category.
    :raises UploadNotFound: a material is not the user's own unused upload.
    """
    number = normal_id_number(id_number)
    files = _checked_files(materials)
    home = Membership
    unused = (
        sa.select(sa.func.count(Upload.id))
        .outerjoin(AidFile, AidFile.upload_id == Upload.id)
        .where(Upload.id.in_([upload_id for upload_id, _ in files]), Upload.user_id == user.id)
        .where(AidFile.id.is_(None))
        .scalar_subquery()
    )
    found = db.session.execute(
        sa.select(AidCategory, home.building_id, home.room, unused)
        .outerjoin(
            home,
            sa.and_(
                home.user_id == user.id,
                home.community_id == community_id,
                home.role == RESIDENT,
                home.building_id.is_not(None),
            ),
        )
        .where(AidCategory.id == category_id)
        .limit(1)
    ).one_or_none()
    if found is None or not found[0].active:
        raise AidCategoryNotFound()
    category, building_id, room, owned = found
    if building_id is None or not room:
        raise AidNotResident()
    if owned != len(files):
        raise UploadNotFound()
    check_amount(category, amount_requested, "amount_requested")
    if emergency_requested and not category.emergency_allowed:
        raise AidStepNotForCategory.for_field("emergency_requested", "该救助类别不适用先行救助")
    sealed = crypto.seal(number, ID_NUMBER_COLUMN)
    values = dict(
        community_id=community_id,
        category_id=category.id,
        applicant_user_id=user.id,
        status=SUBMITTED,
        applicant_name=applicant_name.strip(),
        phone=phone.strip(),
        id_number_key_id=sealed.key_id,
        id_number_sealed=sealed.token,
        id_number_hash=crypto.lookup_hash(number, HASH_PURPOSE),
        id_number_masked=mask_id_number(number),
        building_id=building_id,
        room=room,
        household_key=household_key(community_id, building_id, room),
        household=household or [],
        monthly_income=monthly_income,
        situation=situation,
        reason=reason,
        amount_requested=amount_requested,
        emergency_requested=emergency_requested,
        **_start_clock(category, 0),
    )
    application = db.session.scalar(
        insert_for(db.session, AidApplication)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(AidApplication)
    )
    if application is None:
        raise AidAlreadyOpen()
    set_committed_value(application, "category", category)  # read already: no lazy load to show it
    _insert_files(application, files)
    return application


def _checked_files(materials: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    files = list(materials)
    ids = [upload_id for upload_id, _ in files]
    if len(set(ids)) != len(ids):
        raise UploadNotFound(details={"upload_ids": ids})
    if len(ids) > current_app.config["AID_MAX_FILES"]:
        raise AidTooManyFiles(details={"max": current_app.config["AID_MAX_FILES"]})
    return files


def _insert_files(application: AidApplication, files: list[tuple[int, str]], kind: str = MATERIAL) -> None:
    """One INSERT for the case's new files; an upload another case took meanwhile answers UPLOAD_NOT_FOUND
    (the unique index skips it; the request's failure rolls the rest back)."""
    if not files:
        return
    rows = [
        {"application_id": application.id, "upload_id": upload_id, "kind": kind, "material": material}
        for upload_id, material in files
    ]
    inserted = db.session.execute(
        insert_for(db.session, AidFile).values(rows).on_conflict_do_nothing().returning(AidFile.id)
    ).all()
    if len(inserted) != len(rows):
        raise UploadNotFound()


def resubmit(
    user: User, application: AidApplication, materials: Iterable[tuple[int, str]] = (), note: str = ""
) -> AidApplication:
    """Complete the materials staff listed and hand the case back (the clock runs again).

    :raises AidWrongStep: the case is not waiting for materials.
    """
    _attach(application, materials, user)
    values = _start_clock(application.category, application.working_days_used)
    left = _move(application, SUBMITTED, INCOMPLETE, missing=[], **values)
    _step(application, "resubmit", left, note=note)
    return application


def withdraw(user: User, application: AidApplication, reason: str = "") -> AidApplication:
    """Withdraw an application that is not decided yet.

    :raises AidWrongStep: it was granted, rejected or withdrawn already.
    """
    left = _move(
        application, WITHDRAWN, None, allowed_from=OPEN, flag=None, decided_at=now(), decision_reason=reason
    )
    _step(application, "withdraw", left, note=reason)
    return application


def object_to(user: User, application: AidApplication, content: str) -> AidObjection:
    """Raise an objection to a case in its 公示 period (a member of its community). The objector is
    never shown to the applicant.

    :raises AidNotInPublicity: the case is not in 公示 (or its period is over).
    """
    if RESIDENT not in permissions.member_roles(user, application.community_id):
        raise AidNotResident("仅本社区居民可以对公示提出异议")
    today = local(now()).date()
    if application.status != PUBLICITY or (application.publicity_ends_on or today) < today:
        raise AidNotInPublicity()
    objection = AidObjection(application_id=application.id, user_id=user.id, content=content.strip())
    db.session.add(objection)
    db.session.flush()
    record(
        user,
        "aid_objection.create",
        target=objection,
        community_id=application.community_id,
        details={"application_id": application.id},
    )
    return objection


# -- the community ----------------------------------------------------------------------------------------


@requires(REVIEW_RIGHT)
def accept(staff: StaffAccount, application: AidApplication, seen: str | None = None, note: str = ""):
    """Accept a complete submission for community review."""
    left = _move(application, REVIEW, seen, allowed_from=(SUBMITTED,))
    _step(application, "accept", left, staff=staff, note=note)
    return application


@requires(REVIEW_RIGHT)
def request_materials(
    staff: StaffAccount,
    application: AidApplication,
    missing: list[str],
    seen: str | None = None,
    note: str = "",
):
    """List every missing material at once; the clock pauses until the applicant resubmits.

    :raises AidMissingRequired: nothing listed.
    """
    missing = [item.strip() for item in missing if item and item.strip()]
    if not missing:
        raise AidMissingRequired.for_field("missing")
    values = _pause_clock(application)
    left = _move(application, INCOMPLETE, seen, allowed_from=(SUBMITTED, REVIEW), missing=missing, **values)
    text = note or "请补充：" + "、".join(missing)
    _step(application, "request_materials", left, staff=staff, note=text, details={"missing": missing})
    return application


@requires(REVIEW_RIGHT)
def record_visit(
    staff: StaffAccount, application: AidApplication, notes: str, photos: Iterable[tuple[str, bytes]] = ()
) -> AidApplication:
    """Keep the home visit's notes (入户核查) and photos on a case in community review.

    :raises AidWrongStep: the case is not in community review.
    :raises Unprocessable: a photo is not an image by its content, or too large.
    """
    if application.status != REVIEW:
        raise AidWrongStep(details={"status": application.status})
    photos = list(photos)
    for name, data in photos:
        if content.sniff(data) not in (content.JPEG, content.PNG):
            raise UploadTypeRefused.for_field("photos", f"“{name}”不是 JPEG 或 PNG 图片")
    _check_count(application, len(photos))
    kept = store_uploads(staff, application.community_id, photos)
    db.session.add_all(
        AidFile(application_id=application.id, upload_id=upload.id, kind=VISIT_PHOTO) for upload in kept
    )
    moved = db.session.execute(
        sa.update(AidApplication)
        .where(AidApplication.id == application.id, AidApplication.status == REVIEW)
        .values(visit_notes=notes.strip())
    ).rowcount
    if moved != 1:
        raise AidWrongStep(details={"status": application.status})
    db.session.refresh(application)
    _step(
        application,
        "visit",
        REVIEW,
        staff=staff,
        note=notes.strip(),
        details={"photos": len(kept)},
        tell=False,
    )
    return application


def _require_step(application: AidApplication, seen: str | None, steps: tuple[str, ...]) -> None:
    """The case is (as loaded) at one of ``steps`` and, when given, at the one the decider saw: the
    step's own checks come after this one. :raises AidWrongStep: it is not."""
    if application.status not in steps or (seen is not None and seen != application.status):
        raise AidWrongStep(details={"status": application.status})


def _check_visit(application: AidApplication) -> None:
    if application.category.needs_visit and not application.visit_notes:
        raise AidVisitRequired()


@requires(REVIEW_RIGHT)
def publicize(
    staff: StaffAccount,
    application: AidApplication,
    proposed_amount: int | None = None,
    seen: str | None = None,
    note: str = "",
) -> AidApplication:
    """Open the case's 公示 for the category's number of days, with the proposed aid.

    :raises AidStepNotForCategory: the category has no 公示.
    :raises AidVisitRequired: the category needs the home visit's notes first.
    """
    _require_step(application, seen, (REVIEW,))
    category = application.category
    if category.publicity_days <= 0:
        raise AidStepNotForCategory()
    _check_visit(application)
    check_amount(category, proposed_amount, "proposed_amount")
    today = local(now()).date()
    left = _move(
        application,
        PUBLICITY,
        seen,
        allowed_from=(REVIEW,),
        proposed_amount=proposed_amount,
        publicity_starts_on=today,
        publicity_ends_on=today + timedelta(days=category.publicity_days - 1),
    )
    _step(
        application, "publicize", left, staff=staff, note=note, details={"proposed_amount": proposed_amount}
    )
    return application


@requires(REVIEW_RIGHT)
def forward(
    staff: StaffAccount,
    application: AidApplication,
    proposed_amount: int | None = None,
    seen: str | None = None,
    note: str = "",
) -> AidApplication:
    """Send the case to the street for approval: after its 公示 ended with every objection answered, or
    from review when the category has no 公示.

    :raises AidPublicityNotOver: the 公示 period is still running.
    :raises AidObjectionsUnanswered: an objection raised in 公示 has no answer.
    :raises AidStepNotForCategory: from review, for a category that needs 公示.
    """
    _require_step(application, seen, (REVIEW, PUBLICITY))
    category = application.category
    status = application.status
    if status == REVIEW:
        if category.publicity_days > 0:
            raise AidStepNotForCategory()
        _check_visit(application)
    elif status == PUBLICITY:
        if application.publicity_ends_on and application.publicity_ends_on >= local(now()).date():
            raise AidPublicityNotOver(
                details={"publicity_ends_on": application.publicity_ends_on.isoformat()}
            )
        if queries.unanswered_objections(application):
            raise AidObjectionsUnanswered()
    check_amount(category, proposed_amount, "proposed_amount")
    values: dict[str, Any] = {"proposed_amount": proposed_amount} if proposed_amount is not None else {}
    left = _move(application, STREET_REVIEW, status, **values)
    _step(application, "forward", left, staff=staff, note=note)
    return application


@requires(REVIEW_RIGHT)
def answer_objection(
    staff: StaffAccount, application: AidApplication, objection_id: int, answer: str
) -> AidObjection:
    """Answer an objection (once): what was checked and what it changes.

    :raises AidObjectionNotFound: not an objection to this case.
    :raises AidObjectionAnswered: answered already (also when another staff member answered first).
    """
    objection = db.session.get(AidObjection, objection_id)
    if objection is None or objection.application_id != application.id:
        raise AidObjectionNotFound()
    if not answer.strip():
        raise ReasonRequired.for_field("answer", "请填写答复内容")
    moved = db.session.execute(
        sa.update(AidObjection)
        .where(AidObjection.id == objection.id, AidObjection.answered_at.is_(None))
        .values(answer=answer.strip(), answered_by_id=staff.id, answered_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise AidObjectionAnswered()
    db.session.refresh(objection)
    record(
        staff,
        "aid_objection.answer",
        target=objection,
        community_id=application.community_id,
        details={"application_id": application.id},
    )
    return objection


@requires(REVIEW_RIGHT)
def reject(staff: StaffAccount, application: AidApplication, reason: str, seen: str | None = None):
    """Reject the case with a reason. At the street's step only the street (``aid.approve``) may.

    :raises ReasonRequired: no reason.
    """
    if not reason or not reason.strip():
        raise ReasonRequired.for_field("reason")
    status = seen or application.status
    if status == STREET_REVIEW:
        permissions.require(staff, APPROVE_RIGHT)
    left = _move(
        application,
        REJECTED,
        status,
        decided_at=now(),
        decision_reason=reason.strip(),
        flag=None,
        due_on=None,
    )
    _step(application, "reject", left, staff=staff, note=reason.strip())
    return application


# -- the street -----------------------------------------------------------------------------------------


@requires(APPROVE_RIGHT)
def grant(
    staff: StaffAccount,
    application: AidApplication,
    amount: int | None,
    items: str = "",
    seen: str | None = None,
    note: str = "",
) -> AidApplication:
    """Approve the case: how much (in fen) and what in kind.

    :raises AidAmountOverLimit: above the category's ceiling.
    """
    if not amount and not items.strip():
        raise AidMissingRequired.for_field("amount", "请填写救助金额或实物")
    check_amount(application.category, amount, "amount")
    left = _move(
        application,
        GRANTED,
        seen,
        allowed_from=(STREET_REVIEW,),
        granted_amount=amount,
        granted_items=items.strip(),
        decision_reason=note.strip(),
        decided_at=now(),
        flag=None,
        due_on=None,
    )
    text = note or "批准救助" + (f" {amount / 100:.2f} 元" if amount else "") + (f" {items}" if items else "")
    _step(application, "grant", left, staff=staff, note=text, details={"amount": amount, "items": items})
    return application


@requires(EMERGENCY_RIGHT)
def grant_emergency(staff: StaffAccount, application: AidApplication, amount: int, note: str = ""):
    """先行救助: grant aid at once (materials may follow) where the category allows it; once per case.

    :raises AidStepNotForCategory: the category does not allow it.
    :raises AidEmergencyGranted: granted already.
    :raises AidWrongStep: the case is decided.
    """
    if not application.category.emergency_allowed:
        raise AidStepNotForCategory()
    check_amount(application.category, amount, "amount")
    if application.status not in OPEN:
        raise AidWrongStep(details={"status": application.status})
    moved = db.session.execute(
        sa.update(AidApplication)
        .where(
            AidApplication.id == application.id,
            AidApplication.emergency_granted_at.is_(None),
            AidApplication.status.in_(OPEN),
        )
        .values(emergency_amount=amount, emergency_granted_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(application)
    if moved != 1:
        if application.emergency_granted_at is not None:
            raise AidEmergencyGranted()
        raise AidWrongStep(details={"status": application.status})
    _step(
        application,
        "emergency",
        application.status,
        staff=staff,
        note=note or f"先行救助 {amount / 100:.2f} 元",
        details={"amount": amount},
    )
    return application


# -- the full record ----------------------------------------------------------------------------------------


@requires(REVIEW_RIGHT)
def open_application(staff: StaffAccount, application: AidApplication) -> AidApplication:
    """The full record (name, phone, household, situation, materials) for the case's reviewer; the view is
    audited. The ID number stays masked there (``reveal_id_number`` gives it)."""
    record(
        staff,
        "aid_application.view",
        target=application,
        community_id=application.community_id,
        details={"purpose": "查看完整记录"},
    )
    return application


@requires(REVIEW_RIGHT)
def reveal_id_number(staff: StaffAccount, application: AidApplication, purpose: str = "审核") -> str:
    """The applicant's ID number in full, for the case's reviewer; the view is audited (who, when, why)."""
    record(
        staff,
        "aid_application.view",
        target=application,
        community_id=application.community_id,
        details={"purpose": purpose},
    )
    return crypto.unseal(application.id_number_key_id, application.id_number_sealed, ID_NUMBER_COLUMN)


# -- the clock ---------------------------------------------------------------------------------------------


def working_days_left(application: AidApplication, today: date | None = None) -> int | None:
    """Working days until the deadline (negative when overdue); None while the clock is paused."""
    if application.due_on is None or application.status not in CLOCK_RUNNING:
        return None
    today = today or local(now()).date()
    if application.due_on >= today:
        return working_days_between(today, application.due_on)
    return -working_days_between(application.due_on, today)
