"""开发用：微信消息记录: what the WeChat stand-in received, for city admins outside production."""

import pytest

from cloudplatform.identity.models import CITY_ADMIN
from cloudplatform.wechat import get_gateway
from cloudplatform.wechat.standin import openid_for
from tests.admin.console import sign_in_as, text
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
    assert f"<td>{template_id}</td>" in page
    assert "phrase2：已通过" in page
    assert "pages/me/residency" in page


def test_unreachable_standin_gets_a_friendly_message(client, city_admin, app):
    app.config["WECHAT_API_BASE"] = "http://127.0.0.1:1/"
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "暂时无法连接微信模拟服务" in text(response)


def test_is_absent_in_production(client, city_admin, app):
    app.config["CLOUDPLATFORM_ENV"] = "production"
    assert client.get(PAGE).status_code == 404
