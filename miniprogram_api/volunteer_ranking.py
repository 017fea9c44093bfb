"""志愿云 II: leaderboards (the caller's community, street or the city; this month, this year or all
time; by hours or points) with the caller's own rank, the volunteer's choice to appear on them, and a
community's published outstanding volunteers of a year (优秀志愿者)."""

from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.transaction import read_only
from cloudplatform.volunteer import schemas
from cloudplatform.volunteer.ranking.operations import set_ranked
from cloudplatform.volunteer.ranking.queries import leaderboard
from cloudplatform.volunteer.recognition.queries import published
from cloudplatform.volunteer.volunteers import errors as ve
from miniprogram_api.auth import current_user, login_required, public_rate_limit, rate_limited
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint(
    "volunteer_ranking", __name__, url_prefix="/api/v1/volunteer", description="志愿云：排行榜与优秀志愿者"
)


@bp.route("/leaderboard", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.arguments(schemas.LeaderboardArgsSchema, location="query")
@bp.response(200, schemas.LeaderboardSchema)
@read_only
def get_leaderboard(args):
    """志愿排行榜 A leaderboard with the caller's rank

    `top`: the first `limit` volunteers of the caller's community (`scope=community`), street or the
    whole city for this month, this year or all time (`period`, Beijing calendar), by confirmed service
    hours or by the points service earned (`by`), names masked; ties share a rank. `me` is the caller's
    own line: `rank` is null when they opted out (`ranked: false`) or served nothing in the period.
    Volunteers who opted out are left off. Hours count from an organiser's confirmation.
    """
    return leaderboard(current_user(), args["scope"], args["period"], args["by"], args["limit"])


@bp.route("/profile/ranking", methods=["POST"])
@login_required
@errors(ve.NotVolunteer)
@bp.arguments(schemas.RankingChoiceSchema)
@bp.response(200, schemas.RankingChoiceSchema)
def choose_ranking(data):
    """排行榜显示设置 Appear on leaderboards or not

    `ranked: false` takes the caller off every public leaderboard at once (their own rank is then
    null); `true` puts them back. Their hours and points are kept either way.
    """
    return set_ranked(current_user(), data["ranked"])


@bp.route("/recognitions", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(CommunityNotFound)
@bp.arguments(schemas.RecognitionArgsSchema, location="query")
@bp.response(200, schemas.RecognitionListSchema)
@read_only
def recognitions(args):
    """优秀志愿者 A community's outstanding volunteers of a year

    The volunteers a community published as its outstanding volunteers (优秀志愿者) of `year` (by
    default the latest year it published), names masked, with their hours that year, star level and
    citation, most hours first. No login needed; limited per address (`PUBLIC_RATE_LIMIT`).
    """
    listed = published(args["community_id"], args["year"])
    if listed is None:
        raise CommunityNotFound()
    return listed
