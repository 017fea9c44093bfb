"""办事指南: procedure guides anyone may search and read, without logging in."""

from flask_smorest import Blueprint

from cloudplatform.extensions import limiter
from cloudplatform.pagination import page_schema
from cloudplatform.service.guides import queries, schemas
from miniprogram_api.auth import public_rate_limit

bp = Blueprint("guides", __name__, url_prefix="/api/v1/services", description="办事指南")


@bp.route("/guides", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.arguments(schemas.GuideListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.GuideListItemSchema, "GuidePage"))
def list_guides(args):
    """Published guides, optionally of one community or category; ``q`` searches them, title matches
    first, then newest first."""
    items, cursor = queries.search_guides(**args)
    return {"items": items, "next_cursor": cursor}


@bp.route("/guides/categories", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.arguments(schemas.CategoryArgsSchema, location="query")
@bp.response(200, schemas.CategoryCountSchema(many=True))
def list_categories(args):
    """The categories of published guides with how many each holds, most first."""
    counts = queries.category_counts(args["community_id"])
    return [{"category": category, "count": count} for category, count in counts]


@bp.route("/guides/<id:guide_id>", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.response(200, schemas.GuideSchema)
def get_guide(guide_id):
    """A published guide in full, with the service to book for it (or null)."""
    guide, bookable = queries.published_guide(guide_id)
    return {"guide": guide, "bookable": bookable}
