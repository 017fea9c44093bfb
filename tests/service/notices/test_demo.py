"""The demo notices of 火炬路社区: the kinds a community publishes, with consistent read counts."""

import sqlalchemy as sa

from cloudplatform.demo import load_demo_data
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.service.notices.demo import load_demo
from cloudplatform.service.notices.models import AUDIENCES, Notice, NoticeReceipt
from cloudplatform.service.notices.queries import EXPIRED, status_of
from tests.service.notices.helpers import URL
from tests.world import fresh_code


def demo_notices(db) -> list[Notice]:
    load_demo_data()
    huoju = db.session.scalar(sa.select(Community).where(Community.name == "火炬路社区"))
    admin = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "huoju_admin"))
    notices = load_demo(huoju, admin)
    db.session.commit()
    return notices


def test_demo_has_every_audience_a_pinned_and_an_expired_notice(db):
    notices = demo_notices(db)
    assert 6 <= len(notices) <= 10
    assert {n.audience for n in notices} == set(AUDIENCES)
    assert any(n.pinned for n in notices)
    assert any(status_of(n) == EXPIRED for n in notices)


def test_demo_read_counts_match_the_receipts(db):
    demo_notices(db)
    receipts = dict(
        db.session.execute(
            sa.select(NoticeReceipt.notice_id, sa.func.count()).group_by(NoticeReceipt.notice_id)
        ).all()
    )
    assert receipts
    assert {n.id: n.read_count for n in db.session.scalars(sa.select(Notice))} == {
        n.id: receipts.get(n.id, 0) for n in db.session.scalars(sa.select(Notice))
    }


def test_demo_resident_sees_the_pinned_notice_first_and_unread(client, db):
    notices = demo_notices(db)
    token = client.post("/api/v1/auth/login", json={"code": fresh_code("resident")}).json["token"]
    page = client.get(URL, headers={"Authorization": f"Bearer {token}"}).json
    assert page["items"][0]["id"] == next(n.id for n in notices if n.pinned)
    assert page["unread_count"] == len(page["items"]) >= 5
