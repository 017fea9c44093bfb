"""The stand-in speaks WeChat's JSON and obeys its scripting (checked over loopback HTTP)."""

import time
import urllib.request

import pytest
import requests

from cloudplatform.wechat.standin import openid_for
from tests.wechat.fixtures import APPID, SECRET

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


ALICE = openid_for(APPID, "alice")
TWENTY_ONE = "宝鸡市高新技术产业开发区火炬路街道火炬社区"  # one character over a thing's 20
BOOKING = {"thing1": {"value": "老年证办理"}, "time2": {"value": "2026-12-08 09:00"}}
RESULT = {
    "thing1": {"value": "火炬路社区"},
    "phrase2": {"value": "已通过"},
    "date3": {"value": "2026年12月8日"},
    "character_string4": {"value": "BJ-2026-0001"},
}


@pytest.fixture
def send(http, wechat_standin):
    """POST a subscribe message (tmpl-result to alice unless overridden); WeChat's JSON answer."""
    token = stable_token(http, wechat_standin)["access_token"]

    def send(**fields):
        body = {"touser": ALICE, "template_id": "tmpl-result", "data": RESULT, **fields}
        return http.post(
            wechat_standin.base_url + "cgi-bin/message/subscribe/send",
            params={"access_token": token},
            json=body,
        ).json()

    return send


def with_value(key, value, data=RESULT):
    return {**data, key: {"value": value}}


def test_messages_are_listed_newest_first(send, wechat_standin):
    for n in (1, 2):
        send(template_id="tmpl-booking", data=with_value("thing1", f"第{n}条", BOOKING))

    assert [m["data"]["thing1"]["value"] for m in wechat_standin.messages()] == ["第2条", "第1条"]


def test_a_message_keeping_every_rule_is_recorded(send, wechat_standin):
    answer = send(page="pages/booking/detail?id=7")

    assert (answer["errcode"], answer["msgid"]) == (0, 1)
    [message] = wechat_standin.messages()
    assert (message["touser"], message["data"], message["page"]) == (
        ALICE,
        RESULT,
        "pages/booking/detail?id=7",
    )
    assert (message["miniprogram_state"], message["lang"]) == ("formal", "zh_CN")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (with_value("thing1", TWENTY_ONE), "data.thing1.value"),
        (with_value("thing1", "第一行\n第二行"), "data.thing1.value"),
        (with_value("thing1", ""), "data.thing1.value"),
        (with_value("phrase2", "approved"), "data.phrase2.value"),
        (with_value("phrase2", "已通过OK"), "data.phrase2.value"),
        (with_value("phrase2", "已经审核通过了"), "data.phrase2.value"),  # 7 Chinese characters
        (with_value("date3", "明天"), "data.date3.value"),
        (with_value("date3", "2026-02-30"), "data.date3.value"),
        (with_value("character_string4", "编号0001"), "data.character_string4.value"),
        (with_value("character_string4", "X" * 33), "data.character_string4.value"),
        ({**RESULT, "thing9": {"value": "多余"}}, "data.thing9"),
        ({k: v for k, v in RESULT.items() if k != "date3"}, "data.date3.value"),
        (with_value("thing1", 42), "data.thing1.value"),
        ({**RESULT, "thing1": "没有 value"}, "data.thing1.value"),
    ],
    ids=[
        "thing-21-characters",
        "thing-newline",
        "thing-empty",
        "phrase-letters",
        "phrase-mixed",
        "phrase-7-characters",
        "date-words",
        "date-impossible",
        "string-chinese",
        "string-33-characters",
        "unknown-key",
        "missing-key",
        "value-not-text",
        "no-value-wrapper",
    ],
)
def test_a_value_breaking_its_rule_is_47003_naming_the_field(send, wechat_standin, data, field):
    answer = send(data=data)

    assert answer["errcode"] == 47003
    assert f"argument invalid! {field} invalid" in answer["errmsg"]
    assert wechat_standin.messages() == []


@pytest.mark.parametrize(
    ("value", "taken"),
    [
        ("15:01", True),
        ("2026年12月8日 15:01", True),
        ("2026-12-08 09:00", True),
        ("2026-12-08 09:00~10:00", True),
        ("2026-12-08", False),  # a date alone belongs in a date keyword
        ("25:00", False),
        ("下午三点", False),
        ("2026-12-08 09:00~10:00~11:00", False),
    ],
)
def test_time_is_a_24_hour_time_with_an_optional_date(send, value, taken):
    answer = send(template_id="tmpl-booking", data=with_value("time2", value, BOOKING))

    assert answer["errcode"] == (0 if taken else 47003)


def test_unknown_template_is_40037(send, wechat_standin):
    assert send(template_id="tmpl-nobody-declared")["errcode"] == 40037
    assert wechat_standin.messages() == []


@pytest.mark.parametrize(
    "touser",
    ["o-not-a-wechat-user", openid_for("wx-another-app", "alice"), ""],
    ids=["made-up", "other-app", "empty"],
)
def test_an_openid_not_of_this_app_is_40003(send, touser):
    assert send(touser=touser)["errcode"] == 40003


@pytest.mark.parametrize(
    "page", ["pages/nowhere/index", "pages/nowhere/index?id=1", "/pages/index/index", ""]
)
def test_a_page_not_released_is_41030(send, wechat_standin, page):
    assert send(page=page)["errcode"] == 41030
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


# content security v2


def check(http, wechat_standin, **fields):
    token = stable_token(http, wechat_standin)["access_token"]
    body = {"version": 2, "openid": ALICE, "scene": 2, "content": "你好", **fields}
    return http.post(
        wechat_standin.base_url + "wxa/msg_sec_check", params={"access_token": token}, json=body
    ).json()


def test_msg_sec_check_v2_gives_a_verdict(http, wechat_standin):
    answer = check(http, wechat_standin, content="一起去赌博吧")

    assert (answer["errcode"], answer["result"]["suggest"]) == (0, "risky")


@pytest.mark.parametrize(
    ("fields", "errcode"),
    [
        ({"openid": openid_for("wx-another-app", "alice")}, 43104),
        ({"openid": "o-not-a-wechat-user"}, 40003),
        ({"scene": 9}, 40129),
        ({"content": "好" * 2501}, 40097),
    ],
    ids=["other-app-openid", "made-up-openid", "bad-scene", "too-long"],
)
def test_msg_sec_check_v2_refusals(http, wechat_standin, fields, errcode):
    assert check(http, wechat_standin, **fields)["errcode"] == errcode


def test_msg_sec_check_answers_61010_when_scripted(http, wechat_standin):
    wechat_standin.fail("wxa/msg_sec_check", 61010)

    assert check(http, wechat_standin)["errcode"] == 61010
    assert check(http, wechat_standin)["errcode"] == 0


# mini-program codes


def wxacode(http, wechat_standin, **fields):
    token = stable_token(http, wechat_standin)["access_token"]
    body = {"scene": "cab=12", "page": "pages/locker/pickup", **fields}
    return http.post(
        wechat_standin.base_url + "wxa/getwxacodeunlimit", params={"access_token": token}, json=body
    )


def test_wxacode_is_a_jpeg_image(http, wechat_standin):
    response = wxacode(http, wechat_standin)

    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8\xff") and response.content.endswith(b"\xff\xd9")


def test_wxacode_can_be_asked_for_png(http, wechat_standin):
    wechat_standin.wxacode_format("png")

    response = wxacode(http, wechat_standin)

    assert response.headers["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    "page",
    ["pages/locker/pickup?cab=12", "pages/nowhere/index", "/pages/locker/pickup"],
    ids=["with-query", "not-released", "leading-slash"],
)
def test_wxacode_page_with_a_query_or_not_released_is_41030(http, wechat_standin, page):
    assert wxacode(http, wechat_standin, page=page).json()["errcode"] == 41030


def test_wxacode_without_check_path_takes_an_unreleased_page(http, wechat_standin):
    response = wxacode(http, wechat_standin, page="pages/nowhere/index", check_path=False)

    assert response.headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "scene", ["x" * 33, "社区=1", "a b", ""], ids=["33-characters", "chinese", "space", "empty"]
)
def test_wxacode_bad_scene_is_40169(http, wechat_standin, scene):
    assert wxacode(http, wechat_standin, scene=scene).json()["errcode"] == 40169


# phone numbers


def phone(http, wechat_standin, code):
    token = stable_token(http, wechat_standin)["access_token"]
    url = wechat_standin.base_url + "wxa/business/getuserphonenumber"
    return http.post(url, params={"access_token": token}, json={"code": code}).json()


def test_mainland_phone_number_has_country_code_86(http, wechat_standin):
    info = phone(http, wechat_standin, "phone:13800138000")["phone_info"]

    assert (info["phoneNumber"], info["purePhoneNumber"], info["countryCode"]) == (
        "13800138000",
        "13800138000",
        "86",
    )


def test_foreign_phone_number_carries_its_country_code(http, wechat_standin):
    info = phone(http, wechat_standin, "phone:+852-61234567")["phone_info"]

    assert (info["phoneNumber"], info["purePhoneNumber"], info["countryCode"]) == (
        "+85261234567",
        "61234567",
        "852",
    )
