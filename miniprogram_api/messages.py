"""服务云 — 建言献策 and 信箱留言: members of a community write to it and read the replies; anyone reads
the suggestions published with their answers; staff reply and publish."""

from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.content import ContentRisky
from cloudplatform.identity.errors import ReasonRequired, StaffOnly
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.service.messages import errors as e
from cloudplatform.service.messages import operations, queries, schemas
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_staff, current_user, login_required, public_rate_limit, rate_limited
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("messages", __name__, url_prefix="/api/v1/services", description="建言献策与信箱留言")
staff_bp = Blueprint(
    "messages_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：建言献策与信箱留言",
    errors=(StaffOnly, Forbidden),
)


@bp.route("/messages", methods=["POST"])
@login_required
@idempotent
@errors(NotFound, ContentRisky)
@bp.arguments(schemas.MessageCreateSchema)
@bp.response(201, schemas.MessageSchema)
def write(data):
    """建言献策 / 信箱留言 Write to one's community

    A suggestion (`suggestion`) or a mailbox message (`mailbox`) to a community the caller belongs to
    (404 NOT_FOUND otherwise). The text goes through WeChat's content check: risky text is refused (422
    CONTENT_RISKY); doubtful text is kept for staff review (`held`). With `publish_consent` a suggestion
    may be published with its answer (never its author). The caller is told when staff reply.
    """
    return operations.write_message(current_user(), **data)


@bp.route("/messages/mine", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.MessageSchema, "MessagePage"))
@read_only
def my_messages(args):
    """我的留言 The caller's messages with their replies

    Newest first, each with where it stands (`status` waiting or replied) and the community's reply.
    """
    items, cursor = queries.my_messages_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/messages/published", methods=["GET"])
@rate_limited(public_rate_limit)
@bp.arguments(schemas.PublishedArgsSchema, location="query")
@bp.response(200, page_schema(schemas.PublishedMessageSchema, "PublishedMessagePage"))
@read_only
def published(args):
    """公开的建言 A community's published suggestions

    Suggestions their authors allowed to be published, with the community's answers, newest first; the
    authors are never named. No login needed.
    """
    items, cursor = queries.published_page(args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


# -- staff ---------------------------------------------------------------------------------------------


@staff_bp.route("/messages", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.InboxArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffMessageSchema, "StaffMessagePage"))
@read_only
def inbox(args):
    """留言收件箱 Messages to the caller's communities

    Of one status and kind when given, newest first, the writer's name masked. Needs `message.reply`
    (community staff up).
    """
    items, cursor = queries.inbox_page(
        current_staff(), args["status"], args["kind"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/messages/<id:message_id>/reply", methods=["POST"])
@login_required
@errors(e.MessageNotFound, e.AlreadyReplied, ReasonRequired)
@staff_bp.arguments(schemas.MessageReplySchema)
@staff_bp.response(200, schemas.StaffMessageSchema)
def reply(data, message_id):
    """回复留言 Answer a message

    Once (409 ALREADY_REPLIED, also when another staff member answered first); the writer is told by a
    subscribe message. Another community's message answers 404 MESSAGE_NOT_FOUND.
    """
    staff = current_staff()
    message = queries.load_staff_message(staff, message_id)
    return operations.reply_to(staff, message, data["reply"])


@staff_bp.route("/messages/<id:message_id>/publish", methods=["POST"])
@login_required
@errors(e.MessageNotFound, e.PublishRefused)
@staff_bp.response(200, schemas.StaffMessageSchema)
def publish(message_id):
    """公开建言及答复 Publish a suggestion with its answer

    A replied suggestion whose author consented (409 PUBLISH_REFUSED otherwise); it then appears in GET
    /services/messages/published without its author. Publishing twice changes nothing.
    """
    staff = current_staff()
    return operations.publish(staff, queries.load_staff_message(staff, message_id))
