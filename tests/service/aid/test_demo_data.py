"""困难救助's demo data: both detailed communities have a case at every step, one overdue and one due
soon, 公示 that residents see, and the demo resident's own cases; the calendar knows 2026."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.demo import load_demo_data
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import Community
from cloudplatform.service.aid.models import (
    DUE_SOON,
    OVERDUE,
    STATUS_NAMES,
    AidApplication,
    AidCategory,
    AidObjection,
    AidStep,
)
from cloudplatform.service.workdays.models import CalendarDay
from tests.world import fresh_code


def test_the_demo_shows_every_step(client, app):
    assert load_demo_data()
    _db.session.commit()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AidCategory)) == 5
    assert _db.session.get(CalendarDay, date(2026, 10, 1)).workday is False

    for name in ("火炬路社区", "金河尚居社区"):
        community = _db.session.scalar(sa.select(Community).where(Community.name == name))
        cases = _db.session.scalars(
            sa.select(AidApplication).where(AidApplication.community_id == community.id)
        ).all()
        assert {c.status for c in cases} >= set(STATUS_NAMES) - {"incomplete", "withdrawn"}
        assert {c.flag for c in cases} >= {OVERDUE, DUE_SOON}
        assert all(c.submitted_at <= c.steps[0].created_at for c in cases if c.steps)
        assert any(c.visit_notes for c in cases)
    statuses = _db.session.scalars(sa.select(AidApplication.status)).all()
    assert set(statuses) == set(STATUS_NAMES)
    answered = AidObjection.answered_at.is_not(None)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AidObjection).where(answered)) > 0
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AidObjection).where(~answered)) > 0
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(AidStep)) > 40

    token = client.post("/api/v1/auth/login", json={"code": fresh_code("resident")}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    huoju = _db.session.scalar(sa.select(Community.id).where(Community.name == "火炬路社区"))
    shown = client.get(f"/api/v1/services/aid-publicity?community_id={huoju}", headers=headers)
    assert shown.status_code == 200, shown.json
    assert len(shown.json["items"]) == 2  # the two whose 公示 runs; the one over is not shown
    mine = client.get("/api/v1/services/aid-applications/mine", headers=headers).json["items"]
    assert sorted(item["status"] for item in mine) == ["granted", "incomplete"]
