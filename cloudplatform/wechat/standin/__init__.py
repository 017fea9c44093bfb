"""A local stand-in for WeChat's server API, for development and tests (no WeChat is reachable here).

It speaks WeChat's JSON (errors are HTTP 200 with ``errcode``/``errmsg``) for the calls the gateway
makes, keeps its state in memory, and is predictable:

- login code ``dev:<name>`` (or ``dev:<name>:<anything>``, to get a fresh code for the same user)
  logs in as ``<name>`` with a stable openid and unionid and a fresh session_key; a code works once
  (then 40163); any other code is 40029.
- phone code ``phone:<11 digits>`` (or ``phone:<11 digits>:<anything>``, for a fresh code) gives that
  number, once (``phone:+852-61234567`` a foreign one,
  with its country code); any other code is 40029.
- openids carry a mark of the app they belong to, so the stand-in tells its users (40003 for others).
- content check: a text containing one of ``risky_words`` is risky, else one of ``review_words``
  makes it review, else pass.
- subscribe messages are checked against the declared templates (40037), the keywords' type rules
  (47003, naming the field) and the released pages (41030), then recorded.
- one-time subscription consents, as WeChat keeps them: ``POST /_standin/consents``
  (``{"touser": openid, "template_id": id, "count": 1}``) plays the user tapping 允许 in
  wx.requestSubscribeMessage; from then on the stand-in tracks that user and template: a delivered
  message uses one consent up, and a send with none left answers 43101 (a second send of a message
  already delivered included). A user and template it was never told of are taken as consented (tests
  that do not play the phone's side); ``GET /_standin/consents`` lists what is left.
- mini-program codes are JPEG images; a page with a query or not released is 41030, a bad scene 40169.

Control endpoints for tests and development live under ``/_standin/``: ``POST failures``
(``{"path": "sns/jscode2session", "errcode": 45011, "times": 1}``; errcode ``"timeout"`` stalls
the answer and then answers -1, not having done the call; ``"timeout_after"`` does the call (a message
is delivered, a consent used) and then stalls its answer, as when WeChat's answer is lost on the way;
``"http_error"`` answers HTTP 502; ``"after": N`` lets N calls through before the failures begin;
``"stall"`` seconds, 30 by default), ``POST consents``, ``GET consents``, ``POST expire-tokens``,
``POST wxacode`` (``{"format": "png"}``: mini-program codes as PNG instead of JPEG), ``GET messages``
(newest first), ``GET stats`` (``token_fetches`` and ``calls`` per path), ``POST reset``.

Run it alone with ``python -m cloudplatform.wechat.standin [--port 5002]``. One module per API family
(``tokens``, ``login``, ``phone``, ``messages``, ``security``, ``wxacode``, ``control``), each a
blueprint over the one :class:`StandinState`.
"""

from cloudplatform.wechat.standin.app import create_standin_app, state_of
from cloudplatform.wechat.standin.server import main, serve_standin, stop_standin
from cloudplatform.wechat.standin.state import (
    DEFAULT_REVIEW_WORDS,
    DEFAULT_RISKY_WORDS,
    StandinState,
    openid_for,
    unionid_for,
)
from cloudplatform.wechat.standin.wx import EXTENSION_KEY

__all__ = [
    "DEFAULT_REVIEW_WORDS",
    "DEFAULT_RISKY_WORDS",
    "EXTENSION_KEY",
    "StandinState",
    "create_standin_app",
    "main",
    "openid_for",
    "serve_standin",
    "state_of",
    "stop_standin",
    "unionid_for",
]
