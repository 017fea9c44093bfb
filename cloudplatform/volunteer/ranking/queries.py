"""Leaderboards: the top of a scope's tallies for a period, by hours or by points, each an index range
(``VolunteerTally``'s partial indexes, read backwards), and the caller's own rank."""

import functools
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, User
from cloudplatform.privacy import mask_name
from cloudplatform.volunteer.models import ALL_TIME, Volunteer, VolunteerTally, star_level
from cloudplatform.volunteer.volunteers.errors import NotVolunteer

SCOPE_NAMES = {"community": "本社区", "street": "本街道", "city": "全市"}
PERIOD_NAMES = {"month": "本月", "year": "本年", "all": "累计"}
MEASURES = {"hours": VolunteerTally.minutes, "points": VolunteerTally.points}
LIMIT = 20
RANK_CAP = 1000  # the caller's rank is counted exactly within the first thousand; further down: "1000名以外"


@dataclass
class Ranked:
    """One line of a leaderboard: the rank (ties share one: 1 + how many are ahead), the volunteer's
    masked name, community and star level, and the period's minutes and points."""

    rank: int | None
    volunteer_id: int
    name: str | None
    community_name: str
    star_level: int
    minutes: int
    points: int
    rank_beyond: int | None = None  # the caller's line: more than this many ahead (rank None)


@dataclass
class Board:
    scope: str
    period: str  # the tally period: "all", "2026", "2026-12"
    by: str
    top: list[Ranked]
    me: Ranked | None  # the caller's line: rank None when they opted out or have nothing in the period
    ranked: bool  # the caller appears on public leaderboards


def period_key(period: str, day: date) -> str:
    """The tally period of a leaderboard's ``period`` (month, year, all) on ``day``."""
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "year":
        return f"{day.year:04d}"
    return ALL_TIME


def within(scope: str) -> list[sa.SQLColumnExpression[bool]]:
    """The tallies of a board: of the period bound as ``period``, public, and in the community or street
    bound as ``place_id`` (the city's board: all of them)."""
    rows = [VolunteerTally.period == sa.bindparam("period"), VolunteerTally.ranked]
    if scope == "community":
        rows.append(VolunteerTally.community_id == sa.bindparam("place_id"))
    elif scope == "street":
        rows.append(VolunteerTally.street_id == sa.bindparam("place_id"))
    return rows


@functools.cache
def top_statement(scope: str, by: str) -> sa.Select:
    """The first ``limit`` tallies of a board by ``by``, best first, with each volunteer's name, confirmed
    minutes and community: built once per scope and measure, run with bound values. The limit is written
    into the SQL when it runs (``literal_execute``): with ``LIMIT $n`` PostgreSQL's generic plan of the
    prepared statement guesses a tenth of the board, costs more than a plan for the values at hand and
    is not kept, so each request would be planned again."""
    measure = MEASURES[by]
    return (
        sa.select(VolunteerTally, Volunteer.real_name, Volunteer.confirmed_minutes, Community.name)
        .join(Volunteer, Volunteer.id == VolunteerTally.volunteer_id)
        .join(Community, Community.id == VolunteerTally.community_id)
        .where(*within(scope))
        .order_by(measure.desc(), VolunteerTally.volunteer_id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer, literal_execute=True))
    )


@functools.cache
def own_statement(scope: str, by: str) -> sa.Select:
    """The caller's (``volunteer_id``) tally of the period, with how many of the board are ahead of it,
    counted up to ``rank_cap`` (written into the SQL, as the top's limit): an index range of that length
    at most. Built once per scope and measure."""
    measure = MEASURES[by]
    own_value = (
        sa.select(measure)
        .where(
            VolunteerTally.volunteer_id == sa.bindparam("volunteer_id"),
            VolunteerTally.period == sa.bindparam("period"),
        )
        .scalar_subquery()
    )
    ahead_rows = (
        sa.select(sa.literal(1))
        .where(*within(scope), measure > own_value)
        .order_by(measure.desc(), VolunteerTally.volunteer_id.desc())  # the index's order, from the top
        .limit(sa.bindparam("rank_cap", type_=sa.Integer, literal_execute=True))
        .subquery()
    )
    mine = aliased(VolunteerTally)
    return sa.select(
        mine.minutes,
        mine.points,
        mine.ranked,
        sa.select(sa.func.count()).select_from(ahead_rows).scalar_subquery().label("ahead"),
    ).where(mine.volunteer_id == sa.bindparam("volunteer_id"), mine.period == sa.bindparam("period"))


def top_lines(scope: str, by: str, values: dict) -> list[Ranked]:
    """The top of the board of ``scope`` by ``by`` (hours or points) for the bound ``values`` (period,
    place_id, limit), ranked (ties share a rank), with each volunteer's masked name, community and star
    level. One statement."""
    measure = MEASURES[by]
    top: list[Ranked] = []
    rows = db.session.execute(top_statement(scope, by), values)
    for position, (tally, name, total, community_name) in enumerate(rows, start=1):
        tied = top and getattr(top[-1], measure.key) == getattr(tally, measure.key)
        top.append(
            Ranked(
                top[-1].rank if tied else position,
                tally.volunteer_id,
                mask_name(name),
                community_name,
                star_level(total),
                tally.minutes,
                tally.points,
            )
        )
    return top


def year_in_community(community_id: int, year: int, by: str = "hours", limit: int = LIMIT) -> list[Ranked]:
    """A community's leaderboard of a year, for staff choosing its outstanding volunteers (those who left
    the boards are left off here too: they are not to be shown in public)."""
    return top_lines("community", by, {"period": f"{year:04d}", "place_id": community_id, "limit": limit})


HOME = (
    sa.select(Volunteer, Community)
    .join(Community, Community.id == Volunteer.community_id)
    .where(Volunteer.user_id == sa.bindparam("user_id"))
)


def leaderboard(user: User, scope: str, period: str, by: str, limit: int = LIMIT) -> Board:
    """The leaderboard of the caller's community, street or the city for this month, this year or all
    time, by confirmed hours or service points, and the caller's line: their exact rank within the first
    ``RANK_CAP`` (counting those ahead reads at most that many index entries, however far down the city's
    board they are), else ``rank_beyond``. Three statements, each built once.

    :raises NotVolunteer: the caller has not registered.
    """
    home = db.session.execute(HOME, {"user_id": user.id}).one_or_none()
    if home is None:
        raise NotVolunteer()
    volunteer, community = home
    key = period_key(period, local(now()).date())
    place_id = {"community": community.id, "street": community.street_id}.get(scope)
    top = top_lines(scope, by, {"period": key, "place_id": place_id, "limit": limit})
    own = db.session.execute(
        own_statement(scope, by),
        {"period": key, "place_id": place_id, "volunteer_id": volunteer.id, "rank_cap": RANK_CAP},
    ).one_or_none()
    ahead = own.ahead if own is not None and own.ranked and getattr(own, MEASURES[by].key) > 0 else None
    me = Ranked(
        ahead + 1 if ahead is not None and ahead < RANK_CAP else None,
        volunteer.id,
        volunteer.real_name,
        community.name,
        star_level(volunteer.confirmed_minutes),
        own.minutes if own is not None else 0,
        own.points if own is not None else 0,
        RANK_CAP if ahead is not None and ahead >= RANK_CAP else None,
    )
    return Board(scope, key, by, top, me, volunteer.ranked)
