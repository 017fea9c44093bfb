"""优秀志愿者: staff nominate a year's outstanding volunteers of their community (once each, only those who
appear on public leaderboards), withdraw a nomination until it is published, and publish the year's list;
anyone reads a community's published list, names masked, most hours first."""

from datetime import date

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.volunteer.models import Recognition
from cloudplatform.volunteer.ranking.operations import credit_minutes
from cloudplatform.volunteer.recognition import errors
from cloudplatform.volunteer.recognition.operations import nominate, publish_recognitions, withdraw_nomination
from cloudplatform.volunteer.recognition.queries import year_list
from tests.volunteer.attendance_fixtures import standing_clock  # noqa: F401 (the fixture clock)
from tests.volunteer.fixtures import volunteer

API = "/api/v1/volunteer/recognitions"


def served(community, name, minutes, day=date(2026, 6, 1)):
    who = volunteer(community, name)
    credit_minutes(who.id, minutes, day)
    _db.session.commit()
    return who


def rows() -> list[tuple]:
    _db.session.expire_all()
    return _db.session.execute(
        sa.select(Recognition.volunteer_id, Recognition.year, Recognition.published_at.is_not(None))
    ).all()


def test_staff_nominate_withdraw_and_publish_and_anyone_reads_the_list(client, world, clock):
    admin = world.staff[COMMUNITY_ADMIN]
    zhou, wang, li = (served(world.home, n, m) for n, m in (("周志远", 6600), ("王小明", 1200), ("李四", 60)))
    nominate(admin, zhou, 2026, "  坚持为独居老人送餐 ")
    nominate(admin, wang, 2026)
    third = nominate(admin, li, 2026)
    _db.session.commit()
    assert client.get(API, query_string={"community_id": world.home.id}).json == {
        "community_id": world.home.id,
        "community_name": world.home.name,
        "year": None,
        "volunteers": [],
    }  # nothing published yet
    withdraw_nomination(admin, third)
    assert publish_recognitions(admin, world.home.id, 2026) == 2
    _db.session.commit()
    answer = client.get(API, query_string={"community_id": world.home.id}).json
    assert answer["year"] == 2026
    assert [(v["name"], v["hours"], v["star_level"], v["citation"]) for v in answer["volunteers"]] == [
        ("周**", 110.0, 1, "坚持为独居老人送餐"),
        ("王**", 20.0, 0, ""),
    ]
    assert (
        client.get(API, query_string={"community_id": world.home.id, "year": 2025}).json["volunteers"] == []
    )
    actions = _db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["recognition.nominate"] * 3 + ["recognition.withdraw", "recognition.publish"]
    with pytest.raises(errors.RecognitionPublished):
        withdraw_nomination(
            admin, _db.session.get(Recognition, answer and year_list(world.home.id, 2026, True)[0].id)
        )
    _db.session.rollback()
    with pytest.raises(errors.NothingToPublish):
        publish_recognitions(admin, world.home.id, 2026)


def test_refusals_change_nothing(world, clock):
    admin = world.staff[COMMUNITY_ADMIN]
    zhou = served(world.home, "周志远", 600)
    far = served(world.elsewhere, "远方", 600)
    nominate(admin, zhou, 2026)
    _db.session.commit()
    before = rows()
    for refused, call in (
        (errors.AlreadyNominated, lambda: nominate(admin, zhou, 2026)),
        (errors.InvalidRecognitionYear, lambda: nominate(admin, zhou, 2027)),  # the clock's year is 2026
        (errors.InvalidRecognitionYear, lambda: nominate(admin, zhou, 1999)),
        (CommunityNotFound, lambda: publish_recognitions(admin, world.elsewhere.id, 2026)),
        (Forbidden, lambda: nominate(world.staff[COMMUNITY_STAFF], zhou, 2025)),
    ):
        with pytest.raises(refused):
            call()
        _db.session.rollback()
        assert rows() == before, refused
    zhou.ranked = False  # left the public leaderboards: not published either
    _db.session.commit()
    with pytest.raises(errors.VolunteerNotPublic):
        nominate(admin, zhou, 2025)
    _db.session.rollback()
    nominate(world.staff[STREET_ADMIN], far, 2026) if False else None
    assert rows() == before


def test_the_public_list_refuses_bad_queries(client, world):
    for query in (
        {},
        {"community_id": 0},
        {"community_id": "x"},
        {"community_id": world.home.id, "year": 1999},
    ):
        assert client.get(API, query_string=query).status_code == 422, query
    answer = client.get(API, query_string={"community_id": 999999})
    assert (answer.status_code, answer.json["error"]["code"]) == (404, "COMMUNITY_NOT_FOUND")
