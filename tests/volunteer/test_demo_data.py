"""志愿云's demo data as a user would notice it: the projects and volunteers, points equal to the ledger,
the full shift with its waitlist, and the dev volunteer who logs in and sees shifts."""

from sqlalchemy import func, select

from cloudplatform.demo import load_demo_data
from cloudplatform.identity.models import Community
from cloudplatform.volunteer.models import (
    CATEGORIES,
    DISPUTE_OPEN,
    WAITING,
    HoursDispute,
    PointAccount,
    PointEntry,
    PointRule,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
    VolunteerTeam,
)
from tests.world import fresh_code


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_shows_volunteering_at_work(client, db):
    assert load_demo_data()
    db.session.commit()
    for name in ("火炬路社区", "金河尚居社区"):
        community = db.session.scalar(select(Community).where(Community.name == name))
        projects = db.session.scalars(
            select(VolunteerProject).where(VolunteerProject.community_id == community.id)
        ).all()
        assert len(projects) == 14 and {p.category for p in projects} == set(CATEGORIES)
        assert count(db, Volunteer, Volunteer.community_id == community.id) >= 30
        assert (
            count(
                db,
                VolunteerTeam,
                VolunteerTeam.community_id == community.id,
                VolunteerTeam.leader_id.isnot(None),
            )
            == 3
        )
        assert count(db, PointRule, PointRule.community_id == community.id) == 1
        assert (
            count(
                db,
                HoursDispute,
                HoursDispute.community_id == community.id,
                HoursDispute.status == DISPUTE_OPEN,
            )
            == 1
        )
    # points equal to the ledger, and hours confirmed
    ledger = dict(
        db.session.execute(
            select(PointEntry.user_id, func.sum(PointEntry.amount)).group_by(PointEntry.user_id)
        ).all()
    )
    balances = dict(db.session.execute(select(PointAccount.user_id, PointAccount.balance)).all())
    assert ledger and ledger == balances
    assert count(db, Volunteer, Volunteer.confirmed_minutes > 0) >= 30

    # 火炬路社区's full shifts, one with a waitlist
    full = db.session.scalars(select(Shift).where(Shift.taken == Shift.capacity)).all()
    assert [s.project.name for s in full] == ["智慧老人课堂", "助老送餐"]
    assert count(db, ShiftSignup, ShiftSignup.shift_id == full[1].id, ShiftSignup.status == WAITING) == 3

    # the demo resident is not a volunteer; the dev volunteer logs in and sees shifts, points and hours
    def login(name):
        token = client.post("/api/v1/auth/login", json={"code": fresh_code(name)}).json["token"]
        return {"Authorization": f"Bearer {token}"}

    assert client.get("/api/v1/volunteer/profile", headers=login("resident")).status_code == 403
    dev = login("zhiyuan")
    profile = client.get("/api/v1/volunteer/profile", headers=dev).json
    assert profile["community_name"] == "火炬路社区" and profile["confirmed_minutes"] > 0
    shifts = client.get("/api/v1/volunteer/shifts?limit=100", headers=dev).json["items"]
    statuses = {s["project_name"]: s["my_status"] for s in shifts}
    assert statuses["智慧老人课堂"] == "signed_up"
    assert any(s["taken"] < s["capacity"] for s in shifts)
    points = client.get("/api/v1/volunteer/me/points", headers=dev).json
    assert points["balance"] == sum(e["amount"] for e in points["items"]) > 0
