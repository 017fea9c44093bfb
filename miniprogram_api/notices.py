"""通知公告 for the caller's communities; opening one records a read receipt."""

from flask import url_for

from cloudplatform.service.notices import queries, schemas
from cloudplatform.service.notices.errors import NoticeNotFound
from cloudplatform.service.notices.models import Notice
from cloudplatform.service.notices.operations import read_notice
from cloudplatform.service.uploads.errors import AttachmentNotFound
from cloudplatform.service.uploads.queries import download
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_user, login_required
from miniprogram_api.docs import Blueprint, errors, serves_files

bp = Blueprint("notices", __name__, url_prefix="/api/v1/services", description="服务云：通知公告")


@bp.route("/notices", methods=["GET"])
@login_required
@bp.arguments(schemas.NoticeListArgsSchema, location="query")
@bp.response(200, schemas.NoticePageSchema)
@read_only
def list_notices(args):
    """通知公告 The notices the caller may read

    Of the caller's communities (or one of them) for an audience the caller is in: pinned first, then
    newest; with how many of them the caller has not opened (`unread_count`, over all pages).
    """
    items, cursor, unread = queries.notice_feed(
        current_user(), args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor, "unread_count": unread}


def attachments_of(notice: Notice) -> list[dict]:
    """The notice's links, then its uploaded files with their download addresses."""
    files = [
        {
            "name": upload.original_name,
            "url": url_for(
                "notices.download_attachment", notice_id=notice.id, upload_id=upload.id, _external=True
            ),
            "size": upload.size,
            "content_type": upload.content_type,
        }
        for upload in queries.notice_uploads(notice)
    ]
    return list(notice.attachments) + files


@bp.route("/notices/<id:notice_id>", methods=["GET"])
@login_required
@errors(NoticeNotFound)
@bp.response(200, schemas.NoticeDetailSchema)
def get_notice(notice_id):
    """通知详情 One notice in full

    With its body and attachments; reading it records a read receipt (counted once).
    """
    notice = queries.load_visible(current_user(), notice_id)
    read_notice(current_user(), notice)
    return queries.NoticeDetail(notice, read=True, attachments=attachments_of(notice))


@bp.route("/notices/<id:notice_id>/attachments/<id:upload_id>", methods=["GET"])
@login_required
@errors(NoticeNotFound, AttachmentNotFound)
@serves_files(bp)
def download_attachment(notice_id, upload_id):
    """下载通知附件 Download a notice's uploaded file

    For whoever may read the notice (`wx.downloadFile` with the `Authorization: Bearer` header); a
    notice the caller may not read, or a file that is not one of its attachments, answers 404.
    """
    notice = queries.load_visible(current_user(), notice_id)
    return download(queries.load_notice_upload(notice, upload_id))
