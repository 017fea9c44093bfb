"""办事指南: procedure guides anyone may search and read, without logging in."""

from flask import url_for

from cloudplatform.pagination import page_schema
from cloudplatform.service.guides import queries, schemas
from cloudplatform.service.guides.errors import GuideNotFound
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.uploads.errors import AttachmentNotFound
from cloudplatform.service.uploads.queries import download
from cloudplatform.transaction import read_only
from miniprogram_api.auth import public_rate_limit, rate_limited
from miniprogram_api.docs import Blueprint, errors, serves_files

bp = Blueprint("guides", __name__, url_prefix="/api/v1/services", description="办事指南")


@bp.route("/guides", methods=["GET"])
@rate_limited(public_rate_limit)
@bp.arguments(schemas.GuideListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.GuideListItemSchema, "GuidePage"))
@read_only
def list_guides(args):
    """搜索办事指南 Search the procedure guides

    Published guides, optionally of one community or category; `q` searches their title, purpose,
    eligibility and materials (title matches first), then newest first. No login needed.
    """
    items, cursor = queries.search_guides(**args)
    return {"items": items, "next_cursor": cursor}


@bp.route("/guides/categories", methods=["GET"])
@rate_limited(public_rate_limit)
@bp.arguments(schemas.CategoryArgsSchema, location="query")
@bp.response(200, page_schema(schemas.CategoryCountSchema, "CategoryCountPage"))
@read_only
def list_categories(args):
    """指南分类 The categories of the guides

    The categories of published guides with how many each holds, most first (then by name). No login
    needed.
    """
    items, cursor = queries.category_counts_page(args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/guides/<id:guide_id>", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(GuideNotFound)
@bp.response(200, schemas.GuideSchema)
@read_only
def get_guide(guide_id):
    """办事指南详情 A guide in full

    A published guide: what it is for, who qualifies, what to bring, where, when and whom to call, with
    the service to book for it (`bookable`, or null). No login needed.
    """
    guide, bookable = queries.published_guide(guide_id)
    return {"guide": guide, "bookable": bookable, "attachments": attachments_of(guide)}


def attachments_of(guide: Guide) -> list[dict]:
    return [
        {
            "name": upload.original_name,
            "url": url_for(
                "guides.download_attachment", guide_id=guide.id, upload_id=upload.id, _external=True
            ),
            "size": upload.size,
            "content_type": upload.content_type,
        }
        for upload in queries.guide_uploads(guide)
    ]


@bp.route("/guides/<id:guide_id>/attachments/<id:upload_id>", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(GuideNotFound, AttachmentNotFound)
@serves_files(bp)
def download_attachment(guide_id, upload_id):
    """下载指南附件 Download a file attached to a guide

    A file of a published guide (a form to fill in, a leaflet). No login needed; an unpublished guide,
    or a file that is not one of its attachments, answers 404.
    """
    guide, _ = queries.published_guide(guide_id)
    return download(queries.load_guide_upload(guide, upload_id))
