"""On PostgreSQL the search's own statement can use the trigram index (three characters and more)."""

import pytest
import sqlalchemy as sa

from cloudplatform.service.guides.queries import search_guides
from tests.service.guides.factories import make_guide


def plan_of_search(db, q: str) -> str:
    """EXPLAIN the statement search_guides(q) executes, with sequential scans priced out (few rows)."""
    executed = []

    def capture(conn, cursor, statement, parameters, *args):
        executed.append((statement, parameters))

    engine = db.engines[None]
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        search_guides(q)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    (statement, parameters), *_ = [e for e in executed if "FROM guide" in e[0]]
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    return "\n".join(row[0] for row in rows)


@pytest.mark.postgres
def test_three_character_search_can_use_the_trigram_index(db, world):
    for i in range(20):
        make_guide(world.home, title=f"测试事项{i}")
    make_guide(world.home, title="老年证办理")
    plan = plan_of_search(db, "老年证")
    assert "ix_guide_search_text_trgm" in plan
