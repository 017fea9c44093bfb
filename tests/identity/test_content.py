import pytest
import requests

from cloudplatform.errors import Unprocessable
from cloudplatform.identity.content import HELD, PUBLISHED, screen_text
from cloudplatform.wechat import WeChatUnavailable
from cloudplatform.wechat.standin import DEFAULT_REVIEW_WORDS, DEFAULT_RISKY_WORDS
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
