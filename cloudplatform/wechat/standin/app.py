"""The stand-in as one Flask app: one blueprint per API family, sharing one state."""

from collections.abc import Iterable, Mapping

from flask import Flask

from cloudplatform.wechat.standin import control, login, messages, phone, security, tokens, wxacode
from cloudplatform.wechat.standin.state import DEFAULT_REVIEW_WORDS, DEFAULT_RISKY_WORDS, StandinState
from cloudplatform.wechat.standin.wx import EXTENSION_KEY

FAMILIES = (tokens, login, phone, messages, security, wxacode, control)


def create_standin_app(
    appid: str,
    secret: str,
    *,
    risky_words=DEFAULT_RISKY_WORDS,
    review_words=DEFAULT_REVIEW_WORDS,
    templates: Mapping[str, Mapping[str, str]] | None = None,
    pages: Iterable[str] | None = None,
) -> Flask:
    """The stand-in as a Flask app; its state is ``app.extensions["wechat_standin"]``.

    ``templates`` maps each template id the app may send to its keywords and their types
    (``{"tmpl-1": {"thing1": "thing", "time2": "time"}}``), ``pages`` lists the mini-program's
    released pages: both as the app declares them (``cloudplatform.notify.templates``), handed over as
    data, since the stand-in knows no domain. Left out, any template id (its values checked by the
    type their keys name) and any page are taken.
    """
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.extensions[EXTENSION_KEY] = StandinState(
        appid, secret, risky_words, review_words, templates=templates, pages=pages
    )
    for family in FAMILIES:
        app.register_blueprint(family.bp)
    return app


def state_of(app: Flask) -> StandinState:
    return app.extensions[EXTENSION_KEY]
