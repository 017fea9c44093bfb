"""党建云 service hours: a member's hours by month and their 报到 card; staff read the monthly unit reports
and the figures of their scope."""

from cloudplatform.errors import Forbidden
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.pagination import page_schema
from cloudplatform.party.errors import NotPartyMember, UnitReportBusy
from cloudplatform.party.hours import operations, queries, schemas
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_staff, current_user, login_required
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("party_hours", __name__, url_prefix="/api/v1/party", description="党建云：服务时长")
staff_bp = Blueprint(
    "party_hours_staff",
    __name__,
    url_prefix="/api/v1/staff/party",
    description="工作人员：党建云单位月报与统计",
    errors=(StaffOnly, Forbidden),
)


@bp.route("/me/hours", methods=["GET"])
@login_required
@errors(NotPartyMember)
@bp.arguments(schemas.HoursArgsSchema, location="query")
@bp.response(200, schemas.MyHoursSchema)
@read_only
def my_hours(args):
    """我的服务时长 The caller's service hours and 报到 card

    The service hours credited to the caller in a year (`year`, this year in Beijing time by default):
    each of the twelve months (minutes, hours with one decimal, activities attended, months of post
    service) and the year's total; and the 报到 card: the unit, the community reported to, the report's
    status and this year's hours. A member without hours gets zeros; someone whose report was never
    approved answers 403 NOT_PARTY_MEMBER. A member whose report was revoked or lapsed still sees their
    hours, the card showing that status.
    """
    return queries.my_hours(current_user(), args["year"])


@staff_bp.route("/unit-reports", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.UnitReportArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.UnitReportSchema, "UnitReportPage"))
@read_only
def unit_reports(args):
    """单位月报列表 The monthly unit reports of a month

    The reports of one month (`month` YYYY-MM, last month by default) of the units kept by the caller's
    communities (their community, street or the whole city), by id: members reported, activities
    attended and hours served. The monthly job builds them on the 1st at 06:00 (Beijing time).
    """
    month = schemas.parse_month(args["month"]) if args["month"] else None
    items, cursor = queries.unit_reports_page(
        current_staff(), month, args["cursor"], args["limit"], community_id=args["community_id"]
    )
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/unit-reports/build", methods=["POST"])
@login_required
@errors(UnitReportBusy)
@staff_bp.arguments(schemas.BuildSchema)
@staff_bp.response(200, schemas.BuildResultSchema)
def build_unit_reports(data):
    """生成单位月报 Build a month's unit reports now

    The monthly job builds last month's reports on the 1st; staff build them on demand (this month so
    far, or a month corrected since) for the units their communities keep. A rebuild replaces the
    month's figures; a unit's contact is told only when its report is new or changed.
    """
    return operations.rebuild_unit_reports(current_staff(), schemas.parse_month(data["month"]))


@staff_bp.route("/unit-reports/<id:report_id>", methods=["GET"])
@login_required
@staff_bp.response(200, schemas.UnitReportDetailSchema)
@read_only
def unit_report(report_id):
    """单位月报详情 A unit's monthly report with its members

    A line per member (name masked, community, report status, activities, posts, minutes and hours),
    most hours first. A report of a unit outside the caller's communities answers 404 NOT_FOUND.
    """
    return queries.unit_report(current_staff(), report_id)


@staff_bp.route("/figures", methods=["GET"])
@login_required
@staff_bp.response(200, schemas.PartyDashboardSchema)
@read_only
def figures():
    """党建云统计 The party figures of the caller's scope

    Units reported (with at least one approved member, counted at their home community), members
    reported, activities held (published and ended), hours served and posts claimed: for the caller's
    community, street or the whole city (`total`), per street (street and city admins) and per community.
    """
    return queries.party_figures(current_staff())
