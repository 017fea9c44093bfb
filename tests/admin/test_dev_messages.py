"""开发用：微信消息记录: what the WeChat stand-in received, for city admins outside production."""

import pytest

from cloudplatform.identity.models import CITY_ADMIN
from cloudplatform.wechat import get_gateway
from cloudplatform.wechat.standin import openid_for
from tests.admin.console import sign_in_as, text
from tests.factories import UserFactory
from tests.standin import STANDIN_APPID

PAGE = "/admin/dev/wechat-messages"


@pytest.fixture
def city_admin(client, world):
    return sign_in_as(client, world.staff[CITY_ADMIN])


def test_shows_a_message_the_standin_recorded(client, city_admin, app):
    openid, template_id = (
        openid_for(STANDIN_APPID, "alice"),
        app.config["WECHAT_TEMPLATES"]["residency_result"],
    )
    values = {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎使用"}
    get_gateway().send_subscribe(openid, template_id, values, "pages/me/residency")
    page = text(client.get(PAGE))
    assert openid in page
    assert f'居民认证结果通知<div class="muted">{template_id}</div>' in page  # the title, then the id
    assert "phrase2：已通过" in page
    assert "pages/me/residency" in page


def test_names_a_known_recipient_masked(client, city_admin, app):
    user = UserFactory(openid=openid_for(STANDIN_APPID, "alice"), nickname="王小明")
    template_id = app.config["WECHAT_TEMPLATES"]["residency_result"]
    values = {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎使用"}
    get_gateway().send_subscribe(user.openid, template_id, values, "pages/me/residency")
    page = text(client.get(PAGE))
    assert f'<td>王**<div class="muted">{user.openid}</div></td>' in page
    assert "王小明" not in page


def test_unreachable_standin_gets_a_friendly_message(client, city_admin, app):
    app.config["WECHAT_API_BASE"] = "http://127.0.0.1:1/"
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "暂时无法连接微信模拟服务" in text(response)


def test_is_absent_in_production(client, city_admin, app):
    app.config["CLOUDPLATFORM_ENV"] = "production"
    assert client.get(PAGE).status_code == 404
