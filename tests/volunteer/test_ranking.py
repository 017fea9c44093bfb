"""Star levels and leaderboards: confirmations, corrections and awards move a volunteer's tallies of the
service's month, year and all time in their transaction; a volunteer reaching a star level is told once;
leaderboards of a community, a street or the city rank by hours or points, ties sharing a rank, with the
caller's own line, and leave off those who opted out."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.volunteer.attendance.operations import confirm_attendance, correct_hours
from cloudplatform.volunteer.models import Volunteer, VolunteerTally, star_level
from cloudplatform.volunteer.ranking.operations import credit_minutes
from tests.helpers import count_queries
from tests.volunteer.attendance_fixtures import (
    at,
    attended,
    fresh,
    standing_clock,  # noqa: F401 (the fixture clock)
)
from tests.volunteer.fixtures import resident, rule, volunteer
from tests.volunteer.shift_fixtures import messages
from tests.world import log_in

API = "/api/v1/volunteer"


def tallies(volunteer_id) -> dict[str, tuple[int, int]]:
    _db.session.expire_all()
    return {
        t.period: (t.minutes, t.points)
        for t in _db.session.scalars(
            sa.select(VolunteerTally).where(VolunteerTally.volunteer_id == volunteer_id)
        )
    }


def served(who, minutes, day="2026-12-09"):
    """``minutes`` confirmed for ``who`` on ``day`` (the tallies and total, as a confirmation moves them)."""
    credit_minutes(who.id, minutes, date.fromisoformat(day))
    _db.session.commit()


@pytest.mark.parametrize(
    ("hours", "level"),
    [(0, 0), (99.5, 0), (100, 1), (299, 1), (300, 2), (600, 3), (1000, 4), (1500, 5), (9000, 5)],
)
def test_star_levels_follow_the_national_standard(hours, level):
    assert star_level(int(hours * 60)) == level


def test_confirming_and_correcting_move_the_tallies_of_the_services_month_year_and_all_time(world, clock):
    rule(world.home, points_per_hour=10)
    _, who, own = attended(world, clock)
    at(clock, hours=2)
    grid = world.staff[GRID_WORKER]
    confirm_attendance(grid, own)
    _db.session.commit()
    assert tallies(who.id) == {"all": (120, 20), "2026": (120, 20), "2026-12": (120, 20)}
    correct_hours(grid, fresh(type(own), own.id), 60, "提前离场")
    _db.session.commit()
    assert tallies(who.id) == {"all": (60, 10), "2026": (60, 10), "2026-12": (60, 10)}


def test_reaching_a_star_level_is_told_once(world, clock):
    who = volunteer(world.home, "laozhou")
    served(who, 99 * 60)
    assert messages(who.user_id, "volunteer_star") == []
    served(who, 60)  # 100 hours: one star
    (told,) = messages(who.user_id, "volunteer_star")
    assert told.data["thing1"]["value"] == "★1星志愿者"
    served(who, -60)
    served(who, 60)  # down and up again: not told twice
    assert len(messages(who.user_id, "volunteer_star")) == 1
    assert fresh(Volunteer, who.id).stars_told == 1


def board(client, headers, **query):
    answer = client.get(f"{API}/leaderboard", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_leaderboards_rank_a_community_a_street_and_the_city(app, client, world, clock):
    home = [volunteer(world.home, name) for name in ("zhangsan", "lisi", "wangwu")]
    near = volunteer(world.neighbour, "zhaoliu")  # the same street
    far = volunteer(world.elsewhere, "sunqi")  # another street
    for who, minutes in zip([*home, near, far], (120, 300, 120, 600, 900), strict=True):
        served(who, minutes)
    served(home[0], 600, day="2026-11-20")  # last month: this year and all time only
    headers = log_in(client, "zhangsan")
    month = board(client, headers)
    assert (month["scope"], month["period"], month["by"]) == ("community", "2026-12", "hours")
    assert [(i["name"], i["minutes"], i["rank"]) for i in month["top"]] == [
        ("l***", 300, 1),
        ("w*****", 120, 2),
        ("z*******", 120, 2),  # a tie shares the rank
    ]
    assert (month["me"]["rank"], month["me"]["minutes"], month["me"]["name"]) == (2, 120, "zhangsan")
    year = board(client, headers, period="year")
    assert [i["minutes"] for i in year["top"]] == [720, 300, 120] and year["me"]["rank"] == 1
    street = board(client, headers, scope="street")
    assert street["top"][0]["community_name"] == world.neighbour.name
    assert len(street["top"]) == 4 and street["me"]["rank"] == 3
    city = board(client, headers, scope="city", limit=2)
    assert [i["minutes"] for i in city["top"]] == [900, 600] and city["me"]["rank"] == 4
    with count_queries(app) as statements:
        board(client, headers, scope="city", period="all")
    assert len(statements) <= 4, statements
    # PostgreSQL keeps one plan for a prepared statement only if it costs no more than a plan for the
    # values at hand; a LIMIT it cannot see counts as a tenth of the board, so every request would be
    # planned again at city scale: a board's limits are written into its statements
    limits = [
        re.search(r"LIMIT (\w+)", statement).group(1) for statement in statements if "LIMIT" in statement
    ]
    assert limits == ["20", "1000"], statements


def test_by_points_counts_the_points_service_earned(client, world, clock):
    rule(world.home, points_per_hour=10)
    _, _, own = attended(world, clock)
    at(clock, hours=2)
    confirm_attendance(world.staff[GRID_WORKER], own)
    _db.session.commit()
    other = volunteer(world.home, "nopoints")
    served(other, 600)  # hours without points (no award)
    by_points = board(client, log_in(client, "xiaoli"), by="points")
    assert [(i["points"], i["rank"]) for i in by_points["top"]] == [(20, 1), (0, 2)]
    assert by_points["me"]["rank"] == 1


def test_a_volunteer_who_opts_out_is_left_off_and_may_come_back(client, world, clock):
    first, second = volunteer(world.home, "first"), volunteer(world.home, "second")
    served(first, 300)
    served(second, 120)
    headers = log_in(client, "first")
    answer = client.post(f"{API}/profile/ranking", json={"ranked": False}, headers=headers)
    assert (answer.status_code, answer.json) == (200, {"ranked": False})
    seen = board(client, log_in(client, "second"))
    assert [i["minutes"] for i in seen["top"]] == [120] and seen["me"]["rank"] == 1
    own = board(client, headers)
    assert (own["ranked"], own["me"]["rank"], own["me"]["minutes"]) == (False, None, 300)
    assert client.get(f"{API}/profile", headers=headers).json["ranked"] is False
    served(first, 30)  # a tally made or moved while out stays out
    assert [i["minutes"] for i in board(client, headers, period="year")["top"]] == [120]
    client.post(f"{API}/profile/ranking", json={"ranked": True}, headers=headers)
    assert [i["minutes"] for i in board(client, headers)["top"]] == [330, 120]


def test_bad_requests_are_refused(client, world):
    resident(world.home, "notyet")
    headers = log_in(client, "notyet")
    assert client.get(f"{API}/leaderboard", headers=headers).json["error"]["code"] == "NOT_VOLUNTEER"
    volunteer(world.home, "volunteer")
    headers = log_in(client, "volunteer")
    for query in ({"scope": "district"}, {"period": "week"}, {"by": "stars"}, {"limit": 0}, {"limit": 101}):
        answer = client.get(f"{API}/leaderboard", query_string=query, headers=headers)
        assert answer.status_code == 422, query
    answer = client.post(f"{API}/profile/ranking", json={"ranked": "maybe"}, headers=headers)
    assert answer.status_code == 422
    assert client.get(f"{API}/leaderboard").status_code == 401


def test_far_down_a_board_the_caller_learns_how_many_are_ahead_at_least(client, world, monkeypatch):
    monkeypatch.setattr("cloudplatform.volunteer.ranking.queries.RANK_CAP", 2)
    for name, minutes in (("first", 300), ("second", 240), ("third", 180)):
        served(volunteer(world.home, name), minutes)
    assert board(client, log_in(client, "second"))["me"]["rank"] == 2
    far = board(client, log_in(client, "third"))
    assert (far["me"]["rank"], far["me"]["rank_beyond"], far["me"]["minutes"]) == (None, 2, 180)
    assert [line["rank_beyond"] for line in far["top"]] == [None, None, None]
