"""The stand-in speaks WeChat's JSON and obeys its scripting (checked over loopback HTTP)."""

import time
import urllib.request

import pytest
import requests

from cloudplatform.wechat.standin import openid_for
from tests.wechat.conftest import APPID, SECRET

TOKEN_PATHS = [
    "wxa/business/getuserphonenumber",
    "cgi-bin/message/subscribe/send",
    "wxa/msg_sec_check",
    "wxa/getwxacodeunlimit",
]


@pytest.fixture
def http(wechat_standin):
    with requests.Session() as session:
        yield session


def stable_token(http, wechat_standin, **overrides):
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET, **overrides}
    return http.post(wechat_standin.base_url + "cgi-bin/stable_token", json=body).json()


def test_serve_standin_gives_a_base_url_ending_in_a_slash(wechat_standin):
    assert wechat_standin.base_url.startswith("http://127.0.0.1:") and wechat_standin.base_url.endswith("/")
    with urllib.request.urlopen(wechat_standin.base_url + "_standin/") as response:  # noqa: S310  (loopback)
        assert response.status == 200


def test_stable_token_is_the_same_while_valid(http, wechat_standin):
    first, second = stable_token(http, wechat_standin), stable_token(http, wechat_standin)

    assert first["access_token"] == second["access_token"]
    assert 0 < second["expires_in"] <= 7200
    assert wechat_standin.stats()["token_fetches"] == 2


def test_stable_token_force_refresh_issues_a_new_token(http, wechat_standin):
    first = stable_token(http, wechat_standin)

    assert stable_token(http, wechat_standin, force_refresh=True)["access_token"] != first["access_token"]


@pytest.mark.parametrize(("field", "errcode"), [("appid", 40013), ("secret", 40125), ("grant_type", 40002)])
def test_stable_token_checks_the_credentials(http, wechat_standin, field, errcode):
    assert stable_token(http, wechat_standin, **{field: "wrong"})["errcode"] == errcode


def test_plain_token_endpoint_issues_a_new_token_each_time(http, wechat_standin):
    params = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    first = http.get(wechat_standin.base_url + "cgi-bin/token", params=params).json()["access_token"]
    second = http.get(wechat_standin.base_url + "cgi-bin/token", params=params).json()["access_token"]

    assert first != second
    assert wechat_standin.state.token_valid(first)  # the old one keeps five minutes of grace


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_token_endpoints_answer_40001_for_an_unknown_token(http, wechat_standin, path):
    answer = http.post(wechat_standin.base_url + path, params={"access_token": "nope"}, json={}).json()

    assert answer["errcode"] == 40001


def test_expired_tokens_answer_40001(http, wechat_standin):
    token = stable_token(http, wechat_standin)["access_token"]
    wechat_standin.expire_tokens()

    answer = http.post(
        wechat_standin.base_url + "wxa/business/getuserphonenumber",
        params={"access_token": token},
        json={"code": "phone:13800138000"},
    ).json()

    assert answer["errcode"] == 40001


def test_jscode2session_checks_the_app_secret(http, wechat_standin):
    params = {"appid": APPID, "secret": "wrong", "js_code": "dev:alice", "grant_type": "authorization_code"}

    assert http.get(wechat_standin.base_url + "sns/jscode2session", params=params).json()["errcode"] == 40125


def test_dev_code_suffix_gives_a_fresh_code_for_the_same_user(http, wechat_standin):
    def login(code):
        params = {"appid": APPID, "secret": SECRET, "js_code": code, "grant_type": "authorization_code"}
        return http.get(wechat_standin.base_url + "sns/jscode2session", params=params).json()

    assert login("dev:alice:a")["openid"] == login("dev:alice:b")["openid"] == openid_for(APPID, "alice")
    assert login("dev:alice:a")["errcode"] == 40163


def test_phone_code_suffix_gives_a_fresh_code_for_the_same_number(http, wechat_standin):
    token = stable_token(http, wechat_standin)["access_token"]

    def phone(code):
        url = wechat_standin.base_url + "wxa/business/getuserphonenumber"
        return http.post(url, params={"access_token": token}, json={"code": code}).json()

    assert phone("phone:13800138000:a")["phone_info"]["phoneNumber"] == "13800138000"
    assert phone("phone:13800138000:b")["phone_info"]["phoneNumber"] == "13800138000"
    assert phone("phone:13800138000:a")["errcode"] == 40029


def test_scripted_failure_answers_n_times_then_stops(http, wechat_standin):
    wechat_standin.fail("sns/jscode2session", 45011, times=2)
    params = {"appid": APPID, "secret": SECRET, "js_code": "dev:alice", "grant_type": "authorization_code"}

    answers = [
        http.get(wechat_standin.base_url + "sns/jscode2session", params=params).json() for _ in range(3)
    ]

    assert [a.get("errcode", 0) for a in answers] == [45011, 45011, 0]


def test_scripting_refuses_a_failure_without_path_or_errcode(wechat_standin):
    assert wechat_standin.client.post("/_standin/failures", json={"errcode": 45011}).status_code == 400
    assert (
        wechat_standin.client.post("/_standin/failures", json={"path": "x", "errcode": "boom"}).status_code
        == 400
    )


def test_timeout_failure_is_woken_by_reset(http, wechat_standin):
    wechat_standin.fail("sns/jscode2session", "timeout", stall=30)
    started = time.monotonic()

    with pytest.raises(requests.Timeout):
        http.get(wechat_standin.base_url + "sns/jscode2session", timeout=0.2)
    wechat_standin.reset()

    assert time.monotonic() - started < 5


def test_messages_are_listed_newest_first(http, wechat_standin):
    token = stable_token(http, wechat_standin)["access_token"]
    for n in (1, 2):
        body = {"touser": "o-user", "template_id": "tmpl", "data": {"thing1": {"value": f"第{n}条"}}}
        http.post(
            wechat_standin.base_url + "cgi-bin/message/subscribe/send",
            params={"access_token": token},
            json=body,
        )

    assert [m["data"]["thing1"]["value"] for m in wechat_standin.messages()] == ["第2条", "第1条"]


def test_subscribe_send_refuses_data_without_values(http, wechat_standin):
    token = stable_token(http, wechat_standin)["access_token"]
    body = {"touser": "o-user", "template_id": "tmpl", "data": {"thing1": "no value wrapper"}}

    answer = http.post(
        wechat_standin.base_url + "cgi-bin/message/subscribe/send", params={"access_token": token}, json=body
    ).json()

    assert answer["errcode"] == 47003
    assert wechat_standin.messages() == []


def test_msg_sec_check_v1_answers_87014_for_risky_content(http, wechat_standin):
    token = stable_token(http, wechat_standin)["access_token"]

    answer = http.post(
        wechat_standin.base_url + "wxa/msg_sec_check",
        params={"access_token": token},
        json={"content": "赌博"},
    ).json()

    assert answer["errcode"] == 87014


def test_reset_forgets_tokens_codes_messages_and_counts(http, wechat_standin):
    token = stable_token(http, wechat_standin)["access_token"]
    wechat_standin.fail("wxa/msg_sec_check", 45011, times=5)

    wechat_standin.reset()

    assert not wechat_standin.state.token_valid(token)
    assert wechat_standin.stats() == {"token_fetches": 0, "calls": {}}
    assert wechat_standin.messages() == []
