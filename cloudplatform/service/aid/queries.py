"""Reads of 困难救助 both front ends share: the applicant's cases, the staff queue, the public 公示 list,
and the loaders (a case outside the caller's reach answers 404)."""

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page
from cloudplatform.service.aid.errors import AidApplicationNotFound
from cloudplatform.service.aid.models import (
    PUBLICITY,
    AidApplication,
    AidCategory,
    AidFile,
    AidObjection,
    AidStep,
)
from cloudplatform.service.uploads.errors import AttachmentNotFound
from cloudplatform.service.uploads.models import Upload
from cloudplatform.service.uploads.queries import load_attached_upload

REVIEW_RIGHT = "aid.review"
JOINED = (sa.orm.joinedload(AidApplication.category), sa.orm.joinedload(AidApplication.community))
# a list shows neither the household, what is missing nor the category's checklist: their JSON is not
# read (decoding it was a tenth of the review queue's profile); touching one in a list is a programming error
LIST_LOAD = (
    sa.orm.joinedload(AidApplication.category).defer(AidCategory.materials, raiseload=True),
    sa.orm.joinedload(AidApplication.community),
    sa.orm.defer(AidApplication.household, raiseload=True),
    sa.orm.defer(AidApplication.missing, raiseload=True),
)


def categories() -> list[AidCategory]:
    """The active categories, in their order."""
    return list(
        db.session.scalars(
            sa.select(AidCategory)
            .where(AidCategory.active.is_(True))
            .order_by(AidCategory.sort, AidCategory.id)
        )
    )


# -- the applicant ----------------------------------------------------------------------------------------


def my_applications_page(user: User, cursor: str | None, limit: int):
    """The user's applications with their category and community, newest first: (page, cursor)."""
    stmt = sa.select(AidApplication).where(AidApplication.applicant_user_id == user.id).options(*LIST_LOAD)
    return keyset_page(stmt, [AidApplication.id], cursor, limit)


def load_own_application(user: User, application_id: int) -> AidApplication:
    """The user's own application (another's answers 404), with its history, files and objections."""
    application = db.session.scalar(
        sa.select(AidApplication)
        .where(AidApplication.id == application_id, AidApplication.applicant_user_id == user.id)
        .options(*JOINED, *DETAIL_LOAD)
    )
    if application is None:
        raise AidApplicationNotFound()
    return application


DETAIL_LOAD = (
    sa.orm.selectinload(AidApplication.steps).joinedload(AidStep.staff),
    sa.orm.selectinload(AidApplication.files).joinedload(AidFile.upload),
    sa.orm.selectinload(AidApplication.objections),
)


# -- staff -----------------------------------------------------------------------------------------------


def staff_applications_page(
    staff: StaffAccount,
    status: str | None,
    community_id: int | None,
    cursor: str | None,
    limit: int,
):
    """Cases in the staff member's communities (403 without the right), of one status and community when
    given, newest first: (page, cursor)."""
    staff = permissions.require(staff, REVIEW_RIGHT)
    stmt = (
        sa.select(AidApplication)
        .where(scope_filter(staff, AidApplication.community_id, AidApplication.building_id))
        .options(*LIST_LOAD)
    )
    if status:
        stmt = stmt.where(AidApplication.status == status)
    if community_id:
        stmt = stmt.where(AidApplication.community_id == community_id)
    return keyset_page(stmt, [AidApplication.id], cursor, limit)


def load_staff_application(staff: StaffAccount | None, application_id: int) -> AidApplication:
    """A case in one of the staff member's communities (403 without the right, 404 outside)."""
    return permissions.load_scoped(
        AidApplication, application_id, staff, REVIEW_RIGHT, AidApplicationNotFound
    )


def load_file(application: AidApplication, upload_id: int) -> Upload:
    """One of the case's files; any other upload answers 404 ATTACHMENT_NOT_FOUND. The caller has loaded
    the case for the viewer."""
    return load_attached_upload(AidFile.application_id, application.id, upload_id)


def load_own_upload(user: User, upload_id: int) -> Upload:
    """An upload of the user's own (another's answers 404 ATTACHMENT_NOT_FOUND)."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.user_id != user.id:
        raise AttachmentNotFound()
    return upload


# -- 公示 ---------------------------------------------------------------------------------------------------


def publicity_page(community_id: int, cursor: str | None, limit: int):
    """The community's cases in their 公示 period (not ended), newest first: (page, cursor)."""
    today = local(now()).date()
    stmt = (
        sa.select(AidApplication)
        .where(
            AidApplication.community_id == community_id,
            AidApplication.status == PUBLICITY,
            AidApplication.publicity_ends_on >= today,
        )
        .options(sa.orm.joinedload(AidApplication.category), sa.orm.joinedload(AidApplication.building))
    )
    return keyset_page(stmt, [AidApplication.id], cursor, limit)


def load_application(application_id: int) -> AidApplication:
    """A case by id, for an objection (``object_to`` checks it is in 公示); 404 when there is none."""
    application = db.session.get(AidApplication, application_id)
    if application is None:
        raise AidApplicationNotFound()
    return application


def unanswered_objections(application: AidApplication) -> int:
    """How many of the case's objections have no answer yet."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(AidObjection.id)).where(
                AidObjection.application_id == application.id, AidObjection.answered_at.is_(None)
            )
        )
        or 0
    )


# -- the API's pages and reloads ------------------------------------------------------------------------


def categories_page(cursor: str | None, limit: int):
    """The active categories in their order: (page, cursor)."""
    stmt = sa.select(AidCategory).where(AidCategory.active.is_(True))
    return keyset_page(stmt, [AidCategory.sort, AidCategory.id], cursor, limit, descending=False)


def load_staff_record(staff: StaffAccount | None, application_id: int) -> AidApplication:
    """A case in the staff member's communities with its history, files and objections (403 without the
    right, 404 outside)."""
    application = load_staff_application(staff, application_id)
    return reloaded(application)


def reloaded(application: AidApplication) -> AidApplication:
    """The case as it stands now, its history, files and objections read afresh (after a step)."""
    return db.session.scalars(
        sa.select(AidApplication)
        .where(AidApplication.id == application.id)
        .options(*JOINED, *DETAIL_LOAD)
        .execution_options(populate_existing=True)
    ).one()
