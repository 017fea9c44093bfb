"""publish_notice / withdraw_notice: who may, what must fit together, and who is pushed a message."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from cloudplatform.identity.models import (
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    PARTY_MEMBER,
    RESIDENT,
    STREET_ADMIN,
    VOLUNTEER,
    Building,
)
from cloudplatform.notify.models import SENT, Notification
from cloudplatform.service.notices.models import ALL, BUILDINGS, GRIDS, PARTY_MEMBERS, Notice, NoticeTarget
from cloudplatform.service.notices.operations import publish_notice, withdraw_notice
from tests.service.notices.helpers import join, person


@pytest.fixture
def admin(world):
    return world.staff[COMMUNITY_ADMIN]


def publish(staff, community, audience=ALL, **options):
    return publish_notice(
        staff, community.id, "关于临时停水的通知", "周六 8:00-18:00 停水。", audience, **options
    )


def count(db, model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def refused(db, error_type, call) -> AppError:
    """Run ``call``; it raises ``error_type`` and leaves no notice, target or audit entry behind."""
    with pytest.raises(error_type) as info:
        call()
    assert (count(db, Notice), count(db, NoticeTarget), count(db, AuditEntry)) == (0, 0, 0)
    return info.value


def grid_of(db, building_id) -> int:
    return db.session.get(Building, building_id).grid_id


def test_publish_creates_the_notice_with_its_targets_and_an_audit_entry(db, world, admin):
    building = world.buildings[world.home.id]
    notice = publish(admin, world.home, BUILDINGS, building_ids=[building], pinned=True)
    db.session.commit()
    assert (notice.audience, notice.pinned, notice.read_count, notice.created_by_id) == (
        BUILDINGS,
        True,
        0,
        admin.id,
    )
    assert db.session.scalars(select(NoticeTarget.building_id)).all() == [building]
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.target_id, entry.community_id) == (
        "notice.publish",
        str(notice.id),
        world.home.id,
    )


def test_publish_at_defaults_to_now(db, world, admin):
    before = now()
    notice = publish(admin, world.home)
    assert before <= notice.publish_at <= now()


def test_grid_of_another_community_is_404(db, world, admin):
    other_grid = grid_of(db, world.buildings[world.elsewhere.id])
    error = refused(db, NotFound, lambda: publish(admin, world.home, GRIDS, grid_ids=[other_grid]))
    assert error.code == "GRID_NOT_FOUND"


def test_building_of_another_community_is_404(db, world, admin):
    other = world.buildings[world.neighbour.id]
    error = refused(db, NotFound, lambda: publish(admin, world.home, BUILDINGS, building_ids=[other]))
    assert error.code == "BUILDING_NOT_FOUND"


@pytest.mark.parametrize("audience", [GRIDS, BUILDINGS])
def test_targeted_audience_without_a_target_is_422(db, world, admin, audience):
    error = refused(db, Unprocessable, lambda: publish(admin, world.home, audience))
    assert error.code == "TARGETS_REQUIRED"


def test_targets_for_an_audience_that_takes_none_are_422(db, world, admin):
    building = world.buildings[world.home.id]
    error = refused(db, Unprocessable, lambda: publish(admin, world.home, ALL, building_ids=[building]))
    assert error.code == "TARGETS_NOT_ALLOWED"


def test_expiry_before_publish_is_422(db, world, admin):
    start = now() + timedelta(days=2)
    error = refused(
        db,
        Unprocessable,
        lambda: publish(admin, world.home, publish_at=start, expires_at=start - timedelta(hours=1)),
    )
    assert error.code == "EXPIRY_BEFORE_PUBLISH"
    assert error.details == {"fields": {"expires_at": ["到期时间应晚于发布时间"]}}


def test_expiry_already_past_is_422(db, world, admin):
    error = refused(
        db,
        Unprocessable,
        lambda: publish(
            admin, world.home, publish_at=now() - timedelta(days=3), expires_at=now() - timedelta(days=1)
        ),
    )
    assert error.code == "EXPIRY_PASSED"


def test_unknown_audience_is_422(db, world, admin):
    error = refused(db, Unprocessable, lambda: publish(admin, world.home, "everyone"))
    assert error.code == "INVALID_AUDIENCE"


@pytest.mark.parametrize("url", ["http://example.com/a.pdf", "javascript:alert(1)", "附件"])
def test_attachment_without_an_https_address_is_422(db, world, admin, url):
    error = refused(
        db, Unprocessable, lambda: publish(admin, world.home, attachments=[{"name": "通知.pdf", "url": url}])
    )
    assert error.code == "INVALID_ATTACHMENTS"


def test_publishing_in_another_community_is_404(db, world, admin):
    error = refused(db, NotFound, lambda: publish(admin, world.neighbour))
    assert error.code == "COMMUNITY_NOT_FOUND"


def test_grid_worker_may_not_publish(db, world):
    refused(db, Forbidden, lambda: publish(world.staff[GRID_WORKER], world.home))


def test_street_admin_publishes_in_a_community_of_the_street(db, world):
    notice = publish(world.staff[STREET_ADMIN], world.neighbour)
    assert notice.community_id == world.neighbour.id


def messages_by_user(db) -> dict[int, int]:
    rows = db.session.execute(
        select(Notification.user_id, func.count())
        .where(Notification.template_key == "notice_published")
        .group_by(Notification.user_id)
    )
    return dict(rows.all())


def test_push_queues_messages_only_for_the_audience(db, world, admin):
    member = person("member", world.home, RESIDENT, PARTY_MEMBER, building_id=world.buildings[world.home.id])
    person("resident", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    person("volunteer", world.home, VOLUNTEER)
    person("far-member", world.elsewhere, PARTY_MEMBER)
    publish(admin, world.home, PARTY_MEMBERS, push=True)
    db.session.commit()
    assert messages_by_user(db) == {member.id: 1}


def test_push_to_grids_reaches_residents_of_the_grid_only(db, world, admin):
    inside = person("inside", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    join(inside, world.home, VOLUNTEER)
    person("volunteer", world.home, VOLUNTEER)
    grid = grid_of(db, world.buildings[world.home.id])
    publish(admin, world.home, GRIDS, grid_ids=[grid], push=True)
    db.session.commit()
    assert messages_by_user(db) == {inside.id: 1}


def test_push_sends_one_message_to_a_user_with_several_roles(db, world, admin):
    user = person(
        "busy", world.home, RESIDENT, PARTY_MEMBER, VOLUNTEER, building_id=world.buildings[world.home.id]
    )
    publish(admin, world.home, push=True)
    db.session.commit()
    assert messages_by_user(db) == {user.id: 1}


def test_push_message_names_the_notice_and_leads_to_it(db, world, admin):
    person("resident", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    notice = publish(admin, world.home, push=True)
    message = db.session.scalar(select(Notification))
    assert message.data["thing1"] == {"value": "关于临时停水的通知"}
    assert message.page == f"pages/notices/detail?id={notice.id}"


def test_scheduled_notice_queues_no_push_yet(db, world, admin):
    person("resident", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    publish(admin, world.home, publish_at=now() + timedelta(days=1), push=True)
    db.session.commit()
    assert messages_by_user(db) == {}


def test_withdraw_marks_the_notice_and_audits(db, world, admin):
    notice = publish(admin, world.home)
    withdraw_notice(world.staff[COMMUNITY_STAFF], notice)
    db.session.commit()
    assert notice.withdrawn_at is not None
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "notice.publish",
        "notice.withdraw",
    ]


def test_second_withdraw_is_409(db, world, admin):
    notice = publish(admin, world.home)
    withdraw_notice(admin, notice)
    with pytest.raises(Conflict) as info:
        withdraw_notice(admin, notice)
    assert info.value.code == "ALREADY_WITHDRAWN"


def test_withdraw_cancels_pushes_still_waiting(db, world, admin):
    person("resident", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    person("sent", world.home, VOLUNTEER)
    notice = publish(admin, world.home, push=True)
    db.session.flush()
    delivered = db.session.scalars(select(Notification).order_by(Notification.id)).all()[-1]
    delivered.status = SENT
    withdraw_notice(admin, notice)
    db.session.commit()
    assert db.session.scalars(select(Notification.status)).all() == [SENT]


def test_withdraw_in_another_community_is_404(db, world, admin):
    notice = publish(world.staff[STREET_ADMIN], world.neighbour)
    with pytest.raises(NotFound):
        withdraw_notice(admin, notice)
    assert notice.withdrawn_at is None
