"""The benchmark's anchor: a bare Flask app with one JSON route, no database and no hooks; and beside it,
the floors: the same app doing nothing but one Redis round trip, one SQL statement, or both, each through
the client the platform uses (redis-py; a pooled connection of an SQLAlchemy engine, psycopg on
PostgreSQL). An endpoint that needs such round trips costs at least its floor on this stack and machine.
One floor is an endpoint's own: the guide search's, its rate limit's count in Redis and its statement
(the page of published guides that match, title matches first), reading only the values the list shows.

scripts/bench serves it under the same gunicorn settings as the platform, with the platform's
DATABASE_URL and REDIS_URL, and measures it first, so that every endpoint's figures can be read against
what Flask and gunicorn alone cost, and what the round trips add:

    gunicorn --pythonpath scripts bench_bare:app
"""

import functools
import os

import redis
import sqlalchemy as sa
from flask import Flask, request

app = Flask(__name__)
ONE_ROW = sa.text("SELECT id, name FROM community WHERE id = :id")  # a primary key's row
VERSION_KEY = "bench-floor-version"  # read as the platform reads a caller's version
HITS_KEY = "bench-floor-hits"  # counted as a rate limit counts
GUIDE = sa.table(
    "guide",
    *(sa.column(name) for name in ("id", "title", "category", "community_id", "purpose", "bookable_id")),
    sa.column("published", sa.Boolean),
    sa.column("search_text"),
)
PATTERN = sa.bindparam("pattern")
GUIDE_SEARCH = (
    sa.select(
        *(GUIDE.c[name] for name in ("id", "title", "category", "community_id", "purpose", "bookable_id"))
    )
    .where(GUIDE.c.published, GUIDE.c.search_text.ilike(PATTERN))
    .order_by(sa.case((GUIDE.c.title.ilike(PATTERN), 1), else_=0).desc(), GUIDE.c.id.desc())
    .limit(21)  # a page of 20, and whether there is another
)


@functools.cache
def engine() -> sa.Engine:
    return sa.create_engine(os.environ["DATABASE_URL"])


@functools.cache
def client() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


@app.get("/")
def status():
    return {"status": "ok"}


@app.get("/floor/redis")
def one_redis_round_trip():
    return {"version": read_version()}


@app.get("/floor/sql")
def one_statement():
    return one_row()


@app.get("/floor/both")
def both():
    return {**one_row(), "version": read_version()}


@app.get("/floor/guides")
def guide_search():
    client().incr(HITS_KEY)
    with engine().connect() as connection:
        rows = connection.execute(GUIDE_SEARCH, {"pattern": f"%{request.args['q']}%"}).mappings().all()
    return {"items": [dict(row) for row in rows[:20]]}


def read_version() -> str | None:
    version = client().get(VERSION_KEY)
    return version and version.decode()


def one_row() -> dict:
    with engine().connect() as connection:
        row = connection.execute(ONE_ROW, {"id": request.args.get("id", type=int)}).one()
    return {"id": row.id, "name": row.name}
