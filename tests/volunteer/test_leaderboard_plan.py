"""Leaderboards at the seed's scale on PostgreSQL: with 200,000 volunteers tallied (all time and this
month, across 100 communities of 10 streets), every statement a leaderboard sends is planned on an index of
``volunteer_tally`` — the top read backwards from the partial index of its scope and measure, the caller's
rank counted within it — never a scan of the table."""

import json

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import User
from cloudplatform.volunteer.models import Volunteer
from cloudplatform.volunteer.ranking.queries import leaderboard
from tests.volunteer.attendance_fixtures import standing_clock  # noqa: F401 (the fixture clock)
from tests.volunteer.fixtures import volunteer

pytestmark = pytest.mark.postgres

VOLUNTEERS = 200_000


def build_city(world) -> None:
    """200,000 users and volunteers in 100 new communities (10 streets) with tallies: the real tables,
    their indexes and statistics."""
    run = _db.session.execute
    run(sa.text("SET LOCAL statement_timeout = 0"))  # building the city is no request: it may take a while
    run(
        sa.text(
            """INSERT INTO street (id, district_id, name)
               SELECT 100000 + s, district_id, '压测街道' || s
               FROM generate_series(1, 10) s, street WHERE street.id = :street"""
        ),
        {"street": world.home.street_id},
    )
    run(
        sa.text(
            """INSERT INTO community (id, street_id, name, address, phone, office_hours, description)
               SELECT 100000 + c, 100001 + c % 10, '压测社区' || c, '', '', '', ''
               FROM generate_series(1, 100) c"""
        )
    )
    run(
        sa.text(
            """INSERT INTO "user" (id, openid, nickname, created_at)
               SELECT 1000000 + i, 'plan-' || i, '志愿者' || i, now() FROM generate_series(1, :n) i"""
        ),
        {"n": VOLUNTEERS},
    )
    run(
        sa.text(
            """INSERT INTO volunteer (id, user_id, community_id, real_name, phone, skills, availability,
                                      terms_version, consented_at, status, confirmed_minutes, ranked,
                                      stars_told, created_at)
               SELECT 1000000 + i, 1000000 + i, 100001 + i % 100, '志愿者' || i, '13900000000', '[]', '',
                      '2026-12', now(), 'active', (i * 7919) % 60000, i % 20 <> 0, 0, now()
               FROM generate_series(1, :n) i"""
        ),
        {"n": VOLUNTEERS},
    )
    run(
        sa.text(
            """INSERT INTO volunteer_tally
                 (volunteer_id, period, community_id, street_id, minutes, points, ranked)
               SELECT v.id, p.period, v.community_id, c.street_id,
                      CASE WHEN p.period = 'all' THEN v.confirmed_minutes ELSE v.confirmed_minutes % 1200 END,
                      (v.confirmed_minutes / 6) % 5000, v.ranked
               FROM volunteer v JOIN community c ON c.id = v.community_id,
                    (VALUES ('all'), ('2026-12')) p(period)
               WHERE v.id > 1000000"""
        )
    )
    _db.session.commit()
    for table in ("volunteer_tally", "volunteer", "community"):
        _db.session.execute(sa.text(f"ANALYZE {table}"))


def plans_of(app, call) -> list[dict]:
    """Run ``call`` and EXPLAIN every statement it sent, with its parameters."""
    sent = []

    def remember(conn, cursor, statement, parameters, *args):
        sent.append((statement, parameters))

    engine = _db.engines[None]
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in sent:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            (plan,) = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
            plans.append(plan["Plan"])
    return plans


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def test_every_leaderboard_statement_reads_an_index_of_the_tallies(app, world, clock):
    build_city(world)
    who = volunteer(world.home, "caller")
    _db.session.execute(sa.update(Volunteer).where(Volunteer.id == who.id).values(community_id=100001))
    _db.session.commit()  # a volunteer of a big community, with no tally: ranked last
    user = _db.session.get(User, who.user_id)
    for scope in ("community", "street", "city"):
        for by, measure in (("hours", "minutes"), ("points", "points")):
            plans = plans_of(app, lambda: leaderboard(user, scope, "month", by))  # noqa: B023
            read = [n for p in plans for n in nodes(p)]
            scans = [
                n for n in read if n["Node Type"] == "Seq Scan" and n["Relation Name"] == "volunteer_tally"
            ]
            assert scans == [], (scope, by, json.dumps(plans, ensure_ascii=False))
            used = {n.get("Index Name") for n in read}
            assert f"ix_volunteer_tally_{scope}_{measure}" in used, (scope, by, used)
