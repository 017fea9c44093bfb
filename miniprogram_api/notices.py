"""通知公告 for the caller's communities; opening one records a read receipt."""

from cloudplatform.service.notices import queries, schemas
from cloudplatform.service.notices.errors import NoticeNotFound
from cloudplatform.service.notices.operations import read_notice
from miniprogram_api.auth import current_user, login_required
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("notices", __name__, url_prefix="/api/v1/services", description="服务云：通知公告")


@bp.route("/notices", methods=["GET"])
@login_required
@bp.arguments(schemas.NoticeListArgsSchema, location="query")
@bp.response(200, schemas.NoticePageSchema)
def list_notices(args):
    """通知公告 The notices the caller may read

    Of the caller's communities (or one of them) for an audience the caller is in: pinned first, then
    newest; with how many of them the caller has not opened (`unread_count`, over all pages).
    """
    items, cursor, unread = queries.notice_feed(
        current_user(), args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor, "unread_count": unread}


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
    return queries.FeedItem(notice, read=True)
