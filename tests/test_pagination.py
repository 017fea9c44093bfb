import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.audit.operations import record
from cloudplatform.errors import Unprocessable
from cloudplatform.pagination import Keyset, encode_cursor, keyset_page, like_pattern


@pytest.fixture
def entries(db):
    for i in range(25):
        record(None, f"test.{i}")
    db.session.commit()


def test_pages_cover_every_row_once_newest_first(db, entries):
    seen, cursor = [], None
    while True:
        rows, cursor = keyset_page(db.select(AuditEntry), [AuditEntry.created_at, AuditEntry.id], cursor, 10)
        seen += [r.action for r in rows]
        if cursor is None:
            break
    assert seen == [f"test.{i}" for i in reversed(range(25))]


@pytest.mark.parametrize("entities", [False, True])
@pytest.mark.parametrize("descending", [True, False])
def test_a_keyset_built_once_pages_as_keyset_page(db, entries, descending, entities):
    """The same pages, from statements built once with the limit and the cursor's values bound: of
    columns (the connection's rows) or of an ORM entity (the session's objects)."""
    order = [AuditEntry.created_at, AuditEntry.id]
    where = AuditEntry.action.like(sa.bindparam("pattern"))
    if entities:
        keyset = Keyset(sa.select(AuditEntry).where(where), order, descending=descending)
        values_of, action = (lambda row: [row[0].created_at, row[0].id]), (lambda row: row[0].action)
    else:
        columns = sa.select(AuditEntry.created_at, AuditEntry.id, AuditEntry.action)
        keyset = Keyset(columns.where(where), order, descending=descending)
        values_of, action = None, (lambda row: row.action)
    stmt = sa.select(AuditEntry).where(where)
    built, ad_hoc = [], []
    for pages, page, read in (
        (built, lambda c: keyset.page(c, 7, {"pattern": "test.%"}, values_of), action),
        (
            ad_hoc,
            lambda c: keyset_page(stmt, order, c, 7, descending=descending, params={"pattern": "test.%"}),
            lambda entry: entry.action,
        ),
    ):
        cursor = None
        while True:
            rows, cursor = page(cursor)
            pages.append(([read(r) for r in rows], cursor))
            if cursor is None:
                break
    assert built == ad_hoc
    assert len(built) == 4 and sum(len(actions) for actions, _ in built) == 25
    first, _ = keyset.page(None, 7, {"pattern": "test.%"}, values_of)
    assert all(isinstance(row[0], AuditEntry) for row in first) == entities


def test_last_page_has_no_cursor(db, entries):
    rows, cursor = keyset_page(db.select(AuditEntry), [AuditEntry.id], None, 25)
    assert len(rows) == 25
    assert cursor is None


@pytest.mark.parametrize("cursor", ["garbage!", "WzEsMl0", "bnVsbA", encode_cursor([10**20])])
def test_forged_cursor_is_refused(db, entries, cursor):
    with pytest.raises(Unprocessable) as info:
        keyset_page(db.select(AuditEntry), [AuditEntry.id], cursor, 10)
    assert info.value.code == "INVALID_CURSOR"


@pytest.mark.parametrize(
    "q, pattern", [("老年证", "%老年证%"), ("50%", "%50\\%%"), ("a_b", "%a\\_b%"), ("a\\b", "%a\\\\b%")]
)
def test_like_pattern_takes_the_wildcards_literally(q, pattern):
    assert like_pattern(q) == pattern
