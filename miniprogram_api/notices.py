"""通知公告 for the caller's communities; opening one records a read receipt."""

from flask_smorest import Blueprint

from cloudplatform.service.notices import queries, schemas
from cloudplatform.service.notices.operations import read_notice
from miniprogram_api.auth import BEARER_DOC, current_user, login_required

bp = Blueprint("notices", __name__, url_prefix="/api/v1/services", description="服务云：通知公告")


@bp.route("/notices", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.NoticeListArgsSchema, location="query")
@bp.response(200, schemas.NoticePageSchema)
def list_notices(args):
    """Notices the caller may read, pinned first, then newest; with how many are unread."""
    items, cursor, unread = queries.notice_feed(
        current_user(), args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor, "unread_count": unread}


@bp.route("/notices/<id:notice_id>", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.NoticeDetailSchema)
def get_notice(notice_id):
    """One notice in full, with its attachments; reading it records a receipt (once)."""
    notice = queries.load_visible(current_user(), notice_id)
    read_notice(current_user(), notice)
    return queries.FeedItem(notice, read=True)
