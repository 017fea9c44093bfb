"""The content check every module runs on text users publish (WeChat msg_sec_check v2).

risky → refused with CONTENT_RISKY; review → the caller keeps it HELD for staff; pass → PUBLISHED.
"""

from cloudplatform.errors import Unprocessable
from cloudplatform.identity.models import User
from cloudplatform.wechat import get_gateway

PUBLISHED, HELD = "published", "held"
# WeChat's scenes: 1 profile, 2 comment, 3 forum post, 4 social log
SCENE_PROFILE, SCENE_COMMENT, SCENE_FORUM = 1, 2, 3


class ContentRisky(Unprocessable):
    """WeChat's content check found risky text; change it and send again."""

    code, message = "CONTENT_RISKY", "内容含有违规信息，请修改后再提交"


def screen_text(user: User, text: str, scene: int = SCENE_COMMENT) -> str:
    """Return PUBLISHED or HELD for the user's text; refuse risky text."""
    verdict = get_gateway().check_text(user.openid, text, scene)
    if verdict == "risky":
        raise ContentRisky()
    return HELD if verdict == "review" else PUBLISHED
