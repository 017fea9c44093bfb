"""The engine's psycopg cursor makes a result's description on first use, and it is psycopg's own."""

import psycopg
import pytest
import sqlalchemy as sa

from cloudplatform.postgres import Cursor


@pytest.mark.postgres
def test_the_description_is_psycopgs_made_when_first_read(db):
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    assert isinstance(cursor, Cursor)
    cursor.execute("SELECT 1 AS one, 'x'::text AS letter")
    description = cursor.description
    assert len(description) == 2
    plain = psycopg.Cursor.description.fget(cursor)
    assert [(c.name, c.type_code) for c in description] == [(c.name, c.type_code) for c in plain]
    assert description[-1].name == "letter" and [c.name for c in description[:1]] == ["one"]
    cursor.execute("SET LOCAL application_name = 'cursor-test'")
    assert cursor.description is None  # no rows, as psycopg says
    cursor.execute("SELECT 2 AS two")
    stale = cursor.description
    cursor.execute("SELECT 3 AS three")
    with pytest.raises(RuntimeError):
        stale[0]  # read after its cursor moved on: never a wrong column


@pytest.mark.postgres
def test_rows_keep_their_column_names(db):
    row = db.session.execute(sa.text("SELECT 1 AS one, 'x' AS letter")).one()
    assert row._asdict() == {"one": 1, "letter": "x"}
