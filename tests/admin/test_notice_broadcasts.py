"""Street-wide and city-wide notices: one form, a copy in every community of the street or city, one row
in the street's and city's list, read rates per community, withdrawn together."""

import re

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    PARTY_MEMBER,
    RESIDENT,
    STREET_ADMIN,
)
from cloudplatform.notify.models import Notification
from cloudplatform.service.notices.errors import BroadcastNotAllowed, StreetNotFound
from cloudplatform.service.notices.models import ALL, BUILDINGS, Notice, NoticeBroadcast
from cloudplatform.service.notices.operations import publish_broadcast
from tests.admin.console import sign_in_as, submit, text
from tests.service.notices.helpers import URL, person
from tests.world import log_in

NEW = "/admin/notices/new"
FORM = {
    "title": "关于开展冬季消防安全检查的通知",
    "body": "街道将于 12 月 10 日起逐户检查，请配合。",
    "audience": "all",
    "publish_at": "",
    "expires_at": "",
    "attachments": "",
}


@pytest.fixture
def residents(world):
    """A resident in each community: 家 (home), 邻 (neighbour, same street), 远 (elsewhere, another)."""
    for name, community in (
        ("home-r", world.home),
        ("neighbour-r", world.neighbour),
        ("far-r", world.elsewhere),
    ):
        person(name, community, RESIDENT, building_id=world.buildings[community.id])
    return world


def feed_titles(client, name: str) -> list[str]:
    response = client.get(URL, headers=log_in(client, name))
    assert response.status_code == 200, response.json
    return [item["title"] for item in response.json["items"]]


def street_broadcast(world, **fields) -> NoticeBroadcast:
    broadcast = publish_broadcast(
        world.staff[STREET_ADMIN],
        "street",
        world.home.street_id,
        fields.pop("title", FORM["title"]),
        FORM["body"],
        fields.pop("audience", ALL),
        **fields,
    )
    db.session.commit()
    return broadcast


def street_form_url(world) -> str:
    return f"{NEW}?scope=street&street_id={world.home.street_id}"


def test_street_admin_broadcast_reaches_each_community_of_the_street_and_no_other(client, residents):
    world = residents
    sign_in_as(client, world.staff[STREET_ADMIN])
    url = street_form_url(world)
    page = text(submit(client, url, FORM, page=url))
    assert "已向" in page and "2 个社区发布通知" in page
    assert feed_titles(client, "home-r") == [FORM["title"]]
    assert feed_titles(client, "neighbour-r") == [FORM["title"]]
    assert feed_titles(client, "far-r") == []
    copies = db.session.scalars(select(Notice).order_by(Notice.community_id)).all()
    assert [n.community_id for n in copies] == [world.home.id, world.neighbour.id]
    assert len({n.broadcast_id for n in copies}) == 1


def test_city_admin_broadcast_reaches_the_whole_city(client, residents):
    world = residents
    sign_in_as(client, world.staff[CITY_ADMIN])
    url = f"{NEW}?scope=city"
    assert "全市通知 · 全市（3 个社区）" in text(client.get(url))
    submit(client, url, FORM | {"push": "y"}, page=url)
    for name in ("home-r", "neighbour-r", "far-r"):
        assert feed_titles(client, name) == [FORM["title"]]
    # pushed as single notices are: one message per resident, leading to their community's copy
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 3


def test_city_admin_may_broadcast_to_another_street(client, residents):
    world = residents
    sign_in_as(client, world.staff[CITY_ADMIN])
    url = f"{NEW}?scope=street&street_id={world.elsewhere.street_id}"
    submit(client, url, FORM, page=url)
    assert feed_titles(client, "far-r") == [FORM["title"]]
    assert feed_titles(client, "home-r") == []


def test_community_admin_cannot_broadcast(client, world):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert client.get(street_form_url(world)).status_code == 403
    response = submit(client, street_form_url(world), FORM, page=NEW)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    with pytest.raises(BroadcastNotAllowed):
        publish_broadcast(world.staff[COMMUNITY_ADMIN], "street", world.home.street_id, "标题", "正文", ALL)


def test_street_admin_cannot_target_another_street_or_the_city(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    other = f"{NEW}?scope=street&street_id={world.elsewhere.street_id}"
    assert client.get(other).status_code == 404
    assert submit(client, other, FORM, page=NEW).status_code == 404
    assert client.get(f"{NEW}?scope=city").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    with pytest.raises(StreetNotFound):
        publish_broadcast(world.staff[STREET_ADMIN], "street", world.elsewhere.street_id, "标题", "正文", ALL)


def test_broadcast_offers_only_whole_community_audiences(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    url = street_form_url(world)
    page = text(client.get(url))
    assert re.findall(r'<option value="(\w+)"', page) == ["all", "party_members", "volunteers"]
    assert 'name="building_ids"' not in page and 'name="files"' not in page
    page = text(submit(client, url, FORM | {"audience": BUILDINGS}, page=url))
    assert "街道或全市通知只能发给全体居民、在职党员或志愿者" in page
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_party_member_broadcast_reaches_party_members_only(client, world):
    person("member", world.neighbour, PARTY_MEMBER)
    person("plain", world.neighbour, RESIDENT, building_id=world.buildings[world.neighbour.id])
    street_broadcast(world, audience="party_members")
    assert feed_titles(client, "member") == [FORM["title"]]
    assert feed_titles(client, "plain") == []


def test_withdrawing_the_broadcast_hides_every_copy(client, residents):
    world = residents
    broadcast = street_broadcast(world, push=True)
    sign_in_as(client, world.staff[STREET_ADMIN])
    url = f"/admin/notices/broadcasts/{broadcast.id}"
    page = text(submit(client, f"{url}/withdraw", page=url))
    assert "（所有社区）" in page and '<dd data-field="status">已撤回' in page
    assert feed_titles(client, "home-r") == []
    assert feed_titles(client, "neighbour-r") == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0  # pushes cancelled
    again = text(submit(client, f"{url}/withdraw", page=url))
    assert "该通知已撤回" in again


def test_community_admin_cannot_withdraw_its_copy_alone(client, residents):
    world = residents
    street_broadcast(world)
    copy = db.session.scalar(select(Notice).where(Notice.community_id == world.home.id))
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    detail = f"/admin/notices/{copy.id}"
    page = text(client.get(detail))
    assert "街道通知" in page and "/withdraw" not in page
    page = text(submit(client, f"{detail}/withdraw", page=detail))
    assert "只能由发布方整体撤回" in page
    assert feed_titles(client, "home-r") == [FORM["title"]]


def test_street_admin_cannot_open_the_broadcast_of_another_street(client, world):
    other = publish_broadcast(
        world.staff[CITY_ADMIN], "street", world.elsewhere.street_id, "外街通知", "正文", ALL
    )
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert client.get(f"/admin/notices/broadcasts/{other.id}").status_code == 404
    assert submit(client, f"/admin/notices/broadcasts/{other.id}/withdraw").status_code == 404
    assert (
        db.session.scalar(select(func.count()).select_from(Notice).where(Notice.withdrawn_at.is_not(None)))
        == 0
    )


def test_street_admin_sees_the_city_notice_but_cannot_withdraw_it(client, world):
    city = publish_broadcast(world.staff[CITY_ADMIN], "city", None, "全市通知", "正文", ALL)
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    url = f"/admin/notices/broadcasts/{city.id}"
    page = text(client.get(url))
    assert sorted(re.findall(r'data-community="(\d+)"', page)) == sorted(
        [str(world.home.id), str(world.neighbour.id)]
    )
    assert "/withdraw" not in page
    page = text(submit(client, f"{url}/withdraw", page=url))
    assert "只有街道或市级管理员" in page
    assert (
        db.session.scalar(select(func.count()).select_from(Notice).where(Notice.withdrawn_at.is_not(None)))
        == 0
    )


def test_broadcast_page_shows_read_rates_per_community_linking_to_each_copy(client, residents):
    world = residents
    broadcast = street_broadcast(world)
    person("home-r2", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    home_copy = db.session.scalar(select(Notice).where(Notice.community_id == world.home.id))
    client.get(f"{URL}/{home_copy.id}", headers=log_in(client, "home-r"))
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(f"/admin/notices/broadcasts/{broadcast.id}"))
    rows = dict(re.findall(r'<tr data-community="(\d+)">(.*?)</tr>', page, re.S))
    cells = {c: re.findall(r"<td>(\d+%?)</td>", html) for c, html in rows.items()}
    assert cells == {
        str(world.home.id): ["2", "1", "1", "50%"],
        str(world.neighbour.id): ["1", "0", "1", "0%"],
    }
    assert f'href="/admin/notices/{home_copy.id}"' in page
    chart = re.search(
        r'<figure class="chart" data-chart="community-read-rate">(.*?)</figure>', page, re.S
    ).group(1)
    assert "<svg" in chart and "各社区阅读率" in chart and "50%" in chart
    assert (
        re.search(r'data-stat="audience">(\d+)<', page).group(1),
        re.search(r'data-stat="read">(\d+)<', page).group(1),
    ) == ("3", "1")


def test_street_admins_list_shows_the_broadcast_as_one_row(client, world):
    broadcast = street_broadcast(world)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/notices"))
    assert page.count(f'data-broadcast="{broadcast.id}"') == 1
    assert "data-notice=" not in page
    row = re.search(rf'<tr data-broadcast="{broadcast.id}">(.*?)</tr>', page, re.S).group(1)
    assert "街道通知" in row and "2 个社区" in row
    assert "共 1 条" in page


def test_community_staff_see_their_copy_tagged_as_the_streets(client, world):
    street_broadcast(world)
    copy = db.session.scalar(select(Notice).where(Notice.community_id == world.home.id))
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(client.get("/admin/notices"))
    row = re.search(rf'<tr data-notice="{copy.id}">(.*?)</tr>', page, re.S).group(1)
    assert "街道通知" in row
    assert "data-broadcast=" not in page
    assert "共 1 条" in page


def test_publish_target_page_offers_community_picker_street_and_city(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(client.get(NEW))
    assert 'data-picker="/admin/pick/communities"' in page
    assert 'value="street"' in page and 'value="city"' in page


def test_street_admin_may_choose_only_its_street(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(NEW))
    assert 'value="street"' in page and 'value="city"' not in page
    assert f'name="street_id" value="{world.home.street_id}"' in page
