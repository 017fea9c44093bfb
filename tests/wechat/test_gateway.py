"""The gateway drives wechatpy's real request code against the stand-in over loopback HTTP."""

import logging
import socket

import pytest

from cloudplatform.errors import AppError
from cloudplatform.wechat import (
    LoginResult,
    PhoneCodeInvalid,
    PhoneNumber,
    WeChatCodeInvalid,
    WeChatCodeUsed,
    WeChatMessageInvalid,
    WeChatNoConsent,
    WeChatOpenidInvalid,
    WeChatOpenidMismatch,
    WeChatPageInvalid,
    WeChatRateLimited,
    WeChatSceneInvalid,
    WeChatTemplateInvalid,
    WeChatUnavailable,
    WeChatUserInactive,
    WeChatUserRisky,
    get_gateway,
)
from cloudplatform.wechat.standin import openid_for, unionid_for
from tests.wechat.fixtures import APPID, SECRET

LOGIN = "sns/jscode2session"
PHONE = "wxa/business/getuserphonenumber"
SEND = "cgi-bin/message/subscribe/send"
CHECK = "wxa/msg_sec_check"
WXACODE = "wxa/getwxacodeunlimit"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# login


def test_login_returns_openid_unionid_and_session_key(gateway):
    result = gateway.login("dev:alice")

    assert isinstance(result, LoginResult)
    assert result.openid == openid_for(APPID, "alice")
    assert result.unionid == unionid_for("alice")
    assert len(result.session_key) == 24


def test_login_openid_is_stable_across_logins_and_session_key_is_fresh(gateway):
    first = gateway.login("dev:alice:1")
    second = gateway.login("dev:alice:2")

    assert first.openid == second.openid
    assert first.session_key != second.session_key


def test_login_result_repr_hides_the_session_key(gateway):
    result = gateway.login("dev:alice")

    assert result.session_key not in repr(result)


def test_login_does_not_fetch_an_access_token(gateway, wechat_standin):
    gateway.login("dev:alice")

    assert wechat_standin.stats()["token_fetches"] == 0


def test_login_with_invalid_code_is_wechat_code_invalid(gateway):
    with pytest.raises(WeChatCodeInvalid) as caught:
        gateway.login("not-a-dev-code")

    assert (caught.value.status, caught.value.code, caught.value.errcode) == (
        401,
        "WECHAT_CODE_INVALID",
        40029,
    )


def test_login_with_reused_code_is_wechat_code_used(gateway):
    gateway.login("dev:alice")

    with pytest.raises(WeChatCodeUsed) as caught:
        gateway.login("dev:alice")

    assert (caught.value.status, caught.value.code) == (401, "WECHAT_CODE_USED")


def test_login_rate_limited_by_wechat_is_429(gateway, wechat_standin):
    wechat_standin.fail(LOGIN, 45011)

    with pytest.raises(WeChatRateLimited) as caught:
        gateway.login("dev:alice")

    assert (caught.value.status, caught.value.code) == (429, "WECHAT_RATE_LIMITED")


def test_login_of_high_risk_user_is_403(gateway, wechat_standin):
    wechat_standin.fail(LOGIN, 40226)

    with pytest.raises(WeChatUserRisky) as caught:
        gateway.login("dev:alice")

    assert (caught.value.status, caught.value.code) == (403, "WECHAT_USER_RISKY")


def test_system_busy_once_is_retried_and_succeeds(gateway, wechat_standin):
    wechat_standin.fail(LOGIN, -1, times=1)

    result = gateway.login("dev:alice")

    assert result.openid == openid_for(APPID, "alice")
    assert wechat_standin.calls(LOGIN) == 2


def test_system_busy_twice_is_503(gateway, wechat_standin):
    wechat_standin.fail(LOGIN, -1, times=2)

    with pytest.raises(WeChatUnavailable) as caught:
        gateway.login("dev:alice")

    assert (caught.value.status, caught.value.code) == (503, "WECHAT_UNAVAILABLE")
    assert wechat_standin.calls(LOGIN) == 2


def test_unknown_errcode_is_503(gateway, wechat_standin):
    wechat_standin.fail(LOGIN, 40999)

    with pytest.raises(WeChatUnavailable) as caught:
        gateway.login("dev:alice")

    assert caught.value.errcode == 40999


def test_http_error_from_wechat_is_503(gateway, wechat_standin):
    wechat_standin.fail(LOGIN, "http_error")

    with pytest.raises(WeChatUnavailable):
        gateway.login("dev:alice")


def test_timeout_is_503(make_gateway, wechat_standin):
    gateway = make_gateway(timeout=0.3)
    wechat_standin.fail(LOGIN, "timeout", stall=2)

    with pytest.raises(WeChatUnavailable):
        gateway.login("dev:alice")


def test_unreachable_wechat_is_503(make_gateway):
    gateway = make_gateway(api_base=f"http://127.0.0.1:{free_port()}/")

    with pytest.raises(WeChatUnavailable) as caught:
        gateway.login("dev:alice")

    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no URL in tracebacks


# phone number


def test_phone_number_of_the_mainland_is_its_11_digits_with_country_code_86(gateway):
    number = gateway.phone_number("phone:13800138000")

    assert (number.country_code, number.pure, number.mainland) == ("86", "13800138000", True)


def test_foreign_phone_number_keeps_its_country_code(gateway):
    number = gateway.phone_number("phone:+852-61234567")

    assert (number.country_code, number.pure, number.mainland) == ("852", "61234567", False)
    assert number.international == "+85261234567"


def test_phone_number_repr_hides_the_number(gateway):
    assert "13800138000" not in repr(gateway.phone_number("phone:13800138000"))


def test_phone_number_with_invalid_code_is_422(gateway):
    with pytest.raises(PhoneCodeInvalid) as caught:
        gateway.phone_number("dev:alice")

    assert (caught.value.status, caught.value.code) == (422, "PHONE_CODE_INVALID")


def test_phone_number_with_used_code_is_422(gateway):
    gateway.phone_number("phone:13800138000")

    with pytest.raises(PhoneCodeInvalid):
        gateway.phone_number("phone:13800138000")


# access token


def test_access_token_is_reused_between_calls(gateway, wechat_standin):
    gateway.phone_number("phone:13800138001")
    gateway.phone_number("phone:13800138002")

    assert wechat_standin.stats()["token_fetches"] == 1


def test_expired_access_token_is_refetched_transparently(gateway, wechat_standin):
    gateway.phone_number("phone:13800138001")
    wechat_standin.expire_tokens()

    assert gateway.phone_number("phone:13800138002") == PhoneNumber("86", "13800138002")
    assert wechat_standin.stats()["token_fetches"] == 2
    assert wechat_standin.calls(PHONE) == 3  # refused once with 40001, then retried


def test_token_refused_after_refetch_is_503_not_a_loop(gateway, wechat_standin):
    wechat_standin.fail(PHONE, 40001, times=10)

    with pytest.raises(WeChatUnavailable):
        gateway.phone_number("phone:13800138000")

    assert wechat_standin.stats()["token_fetches"] == 2


def test_wrong_app_secret_is_503(make_gateway):
    gateway = make_gateway(secret="wrong-secret")

    with pytest.raises(WeChatUnavailable):
        gateway.phone_number("phone:13800138000")


# subscribe messages


def test_send_subscribe_is_recorded_by_the_standin(gateway, wechat_standin):
    openid = openid_for(APPID, "alice")

    gateway.send_subscribe(
        openid,
        "tmpl-booking",
        {"thing1": "老年证办理", "time2": "2026年3月1日 09:00"},
        "pages/booking/detail?id=7",
    )

    [message] = wechat_standin.messages()
    assert message["touser"] == openid
    assert message["template_id"] == "tmpl-booking"
    assert message["data"] == {"thing1": {"value": "老年证办理"}, "time2": {"value": "2026年3月1日 09:00"}}
    assert message["page"] == "pages/booking/detail?id=7"


def test_send_subscribe_without_consent_raises_no_consent(gateway, wechat_standin):
    wechat_standin.fail(SEND, 43101)

    with pytest.raises(WeChatNoConsent) as caught:
        gateway.send_subscribe(openid_for(APPID, "alice"), "tmpl-booking", BOOKING, None)

    assert (caught.value.errcode, caught.value.permanent) == (43101, True)
    assert wechat_standin.messages() == []


BOOKING = {"thing1": "老年证办理", "time2": "2026-12-08 09:00"}


@pytest.mark.parametrize(
    ("openid", "template_id", "data", "page", "error", "errcode"),
    [
        ("alice", "tmpl-booking", {**BOOKING, "thing1": "老" * 21}, None, WeChatMessageInvalid, 47003),
        ("alice", "tmpl-booking", {"thing1": "老年证办理"}, None, WeChatMessageInvalid, 47003),
        ("alice", "tmpl-nobody-declared", BOOKING, None, WeChatTemplateInvalid, 40037),
        (None, "tmpl-booking", BOOKING, None, WeChatOpenidInvalid, 40003),
        ("alice", "tmpl-booking", BOOKING, "pages/nowhere/index", WeChatPageInvalid, 41030),
    ],
    ids=["bad-value", "missing-keyword", "unknown-template", "unknown-openid", "undeclared-page"],
)
def test_a_message_wechat_refuses_is_a_permanent_error_tried_once(
    gateway, wechat_standin, openid, template_id, data, page, error, errcode
):
    openid = openid_for(APPID, openid) if openid else "o-not-a-user-of-this-app"

    with pytest.raises(error) as caught:
        gateway.send_subscribe(openid, template_id, data, page)

    assert (caught.value.errcode, caught.value.permanent, caught.value.status) == (errcode, True, 502)
    assert wechat_standin.calls(SEND) == 1
    assert wechat_standin.messages() == []


def test_a_refused_message_keeps_wechats_words_naming_the_field(gateway):
    with pytest.raises(WeChatMessageInvalid) as caught:
        gateway.send_subscribe(openid_for(APPID, "alice"), "tmpl-booking", {**BOOKING, "time2": "明天"}, None)

    assert "data.time2.value" in caught.value.errmsg


@pytest.mark.parametrize("errcode", [-1, "http_error", 45011])
def test_an_outage_while_sending_is_not_permanent(gateway, wechat_standin, errcode):
    wechat_standin.fail(SEND, errcode, times=2)

    with pytest.raises((WeChatUnavailable, WeChatRateLimited)) as caught:
        gateway.send_subscribe(openid_for(APPID, "alice"), "tmpl-booking", BOOKING, None)

    assert caught.value.permanent is False


# content security


@pytest.mark.parametrize(
    ("text", "verdict"),
    [("社区活动很精彩", "pass"), ("有事加微信聊", "review"), ("一起去赌博吧", "risky")],
)
def test_check_text_returns_the_verdict(gateway, text, verdict):
    assert gateway.check_text(openid_for(APPID, "alice"), text, scene=2) == verdict


def test_check_text_checks_every_part_of_a_long_text(gateway, wechat_standin):
    text = "好" * 6000 + "赌博"

    assert gateway.check_text(openid_for(APPID, "alice"), text, scene=3) == "risky"
    assert wechat_standin.calls(CHECK) == 3


def test_check_text_with_unknown_scene_is_value_error(gateway):
    with pytest.raises(ValueError, match="scene"):
        gateway.check_text(openid_for(APPID, "alice"), "你好", scene=9)


def test_check_text_for_a_user_not_seen_lately_is_its_own_403(gateway, wechat_standin):
    wechat_standin.fail(CHECK, 61010)

    with pytest.raises(WeChatUserInactive) as caught:
        gateway.check_text(openid_for(APPID, "alice"), "你好", scene=2)

    assert (caught.value.status, caught.value.code, caught.value.errcode) == (
        403,
        "WECHAT_USER_INACTIVE",
        61010,
    )
    assert "重新打开小程序" in caught.value.message
    assert wechat_standin.calls(CHECK) == 1


def test_check_text_with_another_apps_openid_is_a_401_to_log_in_again(gateway, wechat_standin):
    with pytest.raises(WeChatOpenidMismatch) as caught:
        gateway.check_text(openid_for("wx-another-app", "alice"), "你好", scene=2)

    assert (caught.value.status, caught.value.code, caught.value.errcode) == (
        401,
        "WECHAT_OPENID_MISMATCH",
        43104,
    )
    assert "重新登录" in caught.value.message


def test_check_text_rate_limited_is_429(gateway, wechat_standin):
    wechat_standin.fail(CHECK, 45009)

    with pytest.raises(WeChatRateLimited):
        gateway.check_text(openid_for(APPID, "alice"), "你好", scene=2)


# mini-program codes


def test_wxacode_returns_the_jpeg_wechat_sends(gateway):
    code = gateway.wxacode("cab=12&c=3", "pages/locker/pickup")

    assert code.content_type == "image/jpeg"
    assert code.content.startswith(b"\xff\xd8\xff")


def test_wxacode_returns_a_png_as_png(gateway, wechat_standin):
    wechat_standin.wxacode_format("png")

    code = gateway.wxacode("cab=12&c=3", "pages/locker/pickup")

    assert code.content_type == "image/png"
    assert code.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_wxacode_scene_over_32_characters_is_value_error(gateway, wechat_standin):
    with pytest.raises(ValueError, match="32"):
        gateway.wxacode("x" * 33, "pages/index/index")

    assert wechat_standin.calls(WXACODE) == 0


def test_wxacode_page_with_a_query_is_value_error(gateway, wechat_standin):
    with pytest.raises(ValueError, match="query"):
        gateway.wxacode("cab=12", "pages/locker/pickup?cab=12")

    assert wechat_standin.calls(WXACODE) == 0


def test_wxacode_of_a_page_not_released_is_page_invalid(gateway, wechat_standin):
    with pytest.raises(WeChatPageInvalid) as caught:
        gateway.wxacode("cab=12", "pages/nowhere/index")

    assert (caught.value.errcode, caught.value.permanent) == (41030, True)
    assert wechat_standin.calls(WXACODE) == 1


def test_wxacode_scene_refused_by_wechat_is_scene_invalid(gateway, wechat_standin):
    wechat_standin.fail(WXACODE, 40169)

    with pytest.raises(WeChatSceneInvalid):
        gateway.wxacode("cab=12", "pages/locker/pickup")


def test_wxacode_over_its_quota_is_429(gateway, wechat_standin):
    wechat_standin.fail(WXACODE, 45009)

    with pytest.raises(WeChatRateLimited) as caught:
        gateway.wxacode("cab=12", "pages/locker/pickup")

    assert (caught.value.status, caught.value.code, caught.value.errcode) == (
        429,
        "WECHAT_RATE_LIMITED",
        45009,
    )


# the app's gateway


def test_get_gateway_is_one_per_app_and_uses_its_config(app_gateway, app, wechat_standin):
    assert get_gateway() is app_gateway
    assert app.extensions["wechat_gateway"] is app_gateway
    assert app_gateway.login("dev:bob").openid == openid_for(APPID, "bob")


@pytest.mark.postgres
def test_access_token_is_shared_between_gateways_through_redis(make_gateway, wechat_standin, redis_url):
    first, second = make_gateway(redis_url=redis_url), make_gateway(redis_url=redis_url)

    first.phone_number("phone:13800138001")
    second.phone_number("phone:13800138002")

    assert wechat_standin.stats()["token_fetches"] == 1


@pytest.mark.postgres
def test_token_refetched_by_one_gateway_serves_the_other_through_redis(
    make_gateway, wechat_standin, redis_url
):
    first, second = make_gateway(redis_url=redis_url), make_gateway(redis_url=redis_url)
    first.phone_number("phone:13800138001")
    wechat_standin.expire_tokens()

    first.phone_number("phone:13800138002")
    second.phone_number("phone:13800138003")

    assert wechat_standin.stats()["token_fetches"] == 2


# errors and logs


def test_wechat_errors_have_distinct_codes_and_chinese_messages():
    classes = [
        WeChatCodeInvalid,
        WeChatCodeUsed,
        WeChatRateLimited,
        WeChatUserRisky,
        WeChatUnavailable,
        PhoneCodeInvalid,
        WeChatNoConsent,
        WeChatMessageInvalid,
        WeChatTemplateInvalid,
        WeChatOpenidInvalid,
        WeChatPageInvalid,
        WeChatSceneInvalid,
        WeChatUserInactive,
        WeChatOpenidMismatch,
    ]
    assert all(issubclass(cls, AppError) for cls in classes)
    assert len({cls.code for cls in classes}) == len(classes)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in cls.message) for cls in classes)


def test_no_log_record_carries_the_secret_a_token_a_session_key_or_a_code(
    app_gateway, wechat_standin, caplog
):
    caplog.set_level(logging.DEBUG)
    openid = openid_for(APPID, "alice")
    session_key = app_gateway.login("dev:alice").session_key
    app_gateway.phone_number("phone:13912345678")
    tokens = wechat_standin.state.issued_tokens()
    wechat_standin.expire_tokens()
    app_gateway.send_subscribe(openid, "tmpl-booking", BOOKING, "pages/index/index")
    app_gateway.check_text(openid, "一起去赌博吧", scene=2)
    app_gateway.wxacode("cab=1", "pages/locker/pickup")
    tokens += wechat_standin.state.issued_tokens()
    with pytest.raises(WeChatCodeUsed):
        app_gateway.login("dev:alice")
    wechat_standin.fail(LOGIN, -1, times=2)
    with pytest.raises(WeChatUnavailable):
        app_gateway.login("dev:carol")

    assert any("access token" in r.getMessage() for r in caplog.records)  # the logs were captured
    assert len(tokens) == 2
    logged = caplog.text + "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in [SECRET, session_key, *tokens, "dev:alice", "dev:carol", "13912345678"]:
        assert secret not in logged
