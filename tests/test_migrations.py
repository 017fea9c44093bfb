"""The migrations produce exactly the models' schema, and readiness notices when they do not."""

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import local, now
from cloudplatform.service.bookings.models import Closure
from tests.factories import BookableFactory, CommunityFactory


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_upgrade_again(db):
    downgrade(revision="base")
    try:
        assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        upgrade()
    assert {"staff_account", "audit_entry", "idempotency_key"} <= set(db.inspect(db.engine).get_table_names())


def test_readyz_reports_pending_migrations(client, db):
    downgrade(revision="base")
    try:
        response = client.get("/readyz")
    finally:
        upgrade()
    assert response.status_code == 503
    assert response.json["migrations"] == "pending"


def test_readyz_is_ok_on_a_current_database(client, redis_url):
    response = client.get("/readyz")
    assert response.status_code == 200
    redis = {"redis": "ok"} if redis_url else {}  # Redis is reported where configured
    assert response.json == {"status": "ok", "database": "ok", "migrations": "current"} | redis


def test_healthz_answers_without_the_database(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_closures_made_before_their_count_column_take_it_from_the_audit_log(db):
    """2b06cc4fb55c fills Closure.cancelled_bookings from the "bookable.closure" audit entries."""
    bookable = BookableFactory(community_id=CommunityFactory().id)
    db.session.commit()
    downgrade(revision="8bd91ab5c5de")
    try:
        with db.engine.begin() as conn:
            conn.execute(
                db.text("INSERT INTO closure (bookable_id, day, reason) VALUES (:id, '2026-12-08', '')"),
                {"id": bookable.id},
            )
            for day, cancelled in [("2026-12-08", 2), ("2026-12-08", 1), ("2026-12-09", 5)]:
                conn.execute(
                    db.insert(AuditEntry.__table__).values(
                        created_at=now(),
                        actor_type="staff",
                        actor_name="王丽",
                        action="bookable.closure",
                        target_type="Bookable",
                        target_id=str(bookable.id),
                        details={"day": day, "reason": "", "cancelled": cancelled},
                    )
                )
    finally:
        upgrade()
    assert db.session.scalars(db.select(Closure.cancelled_bookings)).all() == [3]


def test_service_confirmed_before_the_tallies_is_tallied_by_their_migration(db, world):
    """51ff51e0f3aa tallies each confirmed sign-up's minutes and points in the periods of its Beijing day,
    and counts star levels already reached as told."""
    from collections import Counter

    from cloudplatform.volunteer.models import EARN, PointAccount, PointEntry, Volunteer, VolunteerTally
    from tests.volunteer.fixtures import project, shift, signup, volunteer

    who = volunteer(world.home, "laozhou")
    youth = project(world.home)
    db.session.add(PointAccount(user_id=who.user_id, balance=30, earned=30, updated_at=now()))
    expected: dict[str, Counter] = {}
    for days, minutes, points in ((-400, 120, 20), (-1, 60, 10), (-1, 30, 0)):
        on = shift(youth, starts_in=timedelta(days=days))
        served = signup(on, who, minutes=minutes, confirmed_at=on.ends_at)
        if points:
            db.session.add(
                PointEntry(
                    user_id=who.user_id,
                    kind=EARN,
                    amount=points,
                    balance_after=0,
                    signup_id=served.id,
                    created_at=now(),
                )
            )
        day = local(on.starts_at)
        for period in ("all", f"{day:%Y}", f"{day:%Y-%m}"):
            expected.setdefault(period, Counter()).update(minutes=minutes, points=points)
    db.session.execute(db.update(Volunteer).values(confirmed_minutes=6210))  # 103.5 hours: one star
    db.session.commit()
    downgrade(revision="ec8b592b664b")
    upgrade()
    db.session.expire_all()
    tallies = {t.period: (t.minutes, t.points) for t in db.session.scalars(db.select(VolunteerTally))}
    assert tallies == {period: (c["minutes"], c["points"]) for period, c in expected.items()}
    assert tallies["all"] == (210, 30) and len(tallies) == 5  # all, two years, two months
    assert db.session.scalar(db.select(Volunteer.stars_told)) == 1
