"""优秀志愿者 in the console: a community's year leaderboard (names masked, those off the boards left off)
with a nomination form per line; nominations with their state, withdrawn until published; publishing
makes them public; a grid worker is refused; another community's volunteer answers 404 and nothing
changes."""

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, GRID_WORKER
from cloudplatform.volunteer.models import Recognition
from cloudplatform.volunteer.ranking.operations import credit_minutes
from tests.admin.console import sign_in_as, submit, text
from tests.admin.list_pages import ids_on, row_of
from tests.volunteer.fixtures import START, volunteer

PAGE = "/admin/volunteer/recognition"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def served(community, name, minutes, ranked=True):
    who = volunteer(community, name)
    who.ranked = ranked
    _db.session.commit()
    credit_minutes(who.id, minutes, date(2026, 5, 1))
    _db.session.commit()
    return who


def nominations() -> list[tuple]:
    _db.session.expire_all()
    return _db.session.execute(
        sa.select(
            Recognition.volunteer_id, Recognition.citation, Recognition.published_at.is_not(None)
        ).order_by(Recognition.id)
    ).all()


def test_an_admin_nominates_from_the_years_board_withdraws_and_publishes(client, world):
    zhou, wang = served(world.home, "周志远", 6600), served(world.home, "王小明", 1200)
    served(world.home, "不公开", 9000, ranked=False)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(client.get(PAGE, query_string={"year": 2026}))
    assert ids_on(page, "volunteer") == [str(zhou.id), str(wang.id)]
    assert '<td data-field="name">周**</td>' in row_of(page, "volunteer", zhou.id) and "周志远" not in page
    assert "110.0 小时" in row_of(page, "volunteer", zhou.id)
    for who, citation in ((zhou, "坚持为独居老人送餐"), (wang, "")):
        done = submit(
            client,
            f"{PAGE}/nominate",
            {"volunteer_id": who.id, "year": 2026, "citation": citation},
            page=PAGE,
        )
        assert "已提名为 2026 年度优秀志愿者" in text(done)
    page = text(done)
    assert ids_on(page, "recognition") == [str(r.id) for r in _db.session.scalars(sa.select(Recognition))]
    assert "已提名" in row_of(page, "volunteer", zhou.id) and "待公示" in page
    wang_nomination = _db.session.scalar(sa.select(Recognition.id).where(Recognition.volunteer_id == wang.id))
    assert "已撤回提名" in text(submit(client, f"{PAGE}/{wang_nomination}/withdraw", page=PAGE))
    published = text(
        submit(client, f"{PAGE}/publish", {"community_id": world.home.id, "year": 2026}, page=PAGE)
    )
    assert "已公示 2026 年度优秀志愿者" in published and "已公示（" in published
    assert nominations() == [(zhou.id, "坚持为独居老人送餐", True)]
    public = client.get("/api/v1/volunteer/recognitions", query_string={"community_id": world.home.id})
    assert [v["name"] for v in public.json["volunteers"]] == ["周**"]


def test_refusals_change_nothing(app, client, world):
    far = served(world.elsewhere, "远方", 600)
    hidden = served(world.home, "不公开", 600, ranked=False)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    answer = submit(client, f"{PAGE}/nominate", {"volunteer_id": far.id, "year": 2026}, page=PAGE)
    assert answer.status_code == 404
    refused = text(submit(client, f"{PAGE}/nominate", {"volunteer_id": hidden.id, "year": 2026}, page=PAGE))
    assert "该志愿者已选择不公开展示，不能公示" in refused
    refused = text(
        submit(client, f"{PAGE}/publish", {"community_id": world.home.id, "year": 2026}, page=PAGE)
    )
    assert "没有待公示的优秀志愿者提名" in refused
    assert nominations() == []
    grid = app.test_client()
    sign_in_as(grid, world.staff[GRID_WORKER])
    assert grid.get(PAGE).status_code == 403
