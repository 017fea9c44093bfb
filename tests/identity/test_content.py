import pytest
import requests

from cloudplatform.errors import Unprocessable
from cloudplatform.identity.content import HELD, PUBLISHED, screen_text
from cloudplatform.wechat import WeChatOpenidMismatch, WeChatUnavailable, WeChatUserInactive
from cloudplatform.wechat.standin import DEFAULT_REVIEW_WORDS, DEFAULT_RISKY_WORDS, openid_for
from tests.factories import UserFactory
from tests.world import wechat_user


@pytest.fixture
def user(db):
    return wechat_user("alice")


def test_plain_text_is_published(user):
    assert screen_text(user, "建议小区增加垃圾分类指引牌") == PUBLISHED


def test_text_for_review_is_held(user):
    assert screen_text(user, f"关于{DEFAULT_REVIEW_WORDS[0]}的意见") == HELD


def test_risky_text_is_refused(user):
    with pytest.raises(Unprocessable) as info:
        screen_text(user, f"出售{DEFAULT_RISKY_WORDS[0]}")
    assert info.value.code == "CONTENT_RISKY"


def test_wechat_outage_is_a_503_not_a_pass(user, standin):
    requests.post(
        standin + "_standin/failures",
        json={"path": "wxa/msg_sec_check", "errcode": -1, "times": 2},
        timeout=5,
    )
    with pytest.raises(WeChatUnavailable) as info:
        screen_text(user, "普通内容")
    assert info.value.status == 503


def test_user_not_seen_lately_is_asked_to_reopen_the_mini_program(user, standin):
    requests.post(
        standin + "_standin/failures", json={"path": "wxa/msg_sec_check", "errcode": 61010}, timeout=5
    ).raise_for_status()
    with pytest.raises(WeChatUserInactive) as info:
        screen_text(user, "普通内容")
    assert (info.value.status, info.value.code) == (403, "WECHAT_USER_INACTIVE")
    assert info.value.message == "您近期未使用小程序，请重新打开小程序后再提交"


def test_openid_of_another_app_is_asked_to_log_in_again(db):
    user = UserFactory(openid=openid_for("wx-another-app", "alice"))
    with pytest.raises(WeChatOpenidMismatch) as info:
        screen_text(user, "普通内容")
    assert (info.value.status, info.value.code) == (401, "WECHAT_OPENID_MISMATCH")
    assert "重新登录" in info.value.message
