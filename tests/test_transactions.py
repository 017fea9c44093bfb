"""A savepoint opened before the transaction's first write stays inside the transaction: rolling the
transaction back undoes the savepoint's work too (SQLite's driver sends no BEGIN before a SAVEPOINT by
itself: cloudplatform.orm begins it)."""

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import Street
from tests.factories import StreetFactory


def streets() -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(Street))


def test_a_savepoint_before_the_first_write_is_undone_with_its_transaction(app):
    district_id = StreetFactory().district_id
    _db.session.commit()
    before = streets()
    with _db.session.begin_nested():
        _db.session.add(Street(district_id=district_id, name="保存点街道"))
    _db.session.rollback()
    assert streets() == before
    with _db.session.begin_nested():
        _db.session.add(Street(district_id=district_id, name="保存点街道"))
    _db.session.commit()
    assert streets() == before + 1
