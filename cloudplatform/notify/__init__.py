"""The outbox of messages to users (WeChat subscribe messages) and their consents."""

from cloudplatform.config import ConfigError


def init_app(app) -> None:
    """Refuse to start without a WeChat template id for every declared template; subscribe the
    outbox to the signals of the packages that may not import it."""
    from cloudplatform.notify import receivers
    from cloudplatform.notify.templates import TEMPLATES

    missing = sorted(set(TEMPLATES) - set(app.config["WECHAT_TEMPLATES"]))
    if missing:
        raise ConfigError(f"WECHAT_TEMPLATES has no template id for {', '.join(missing)}")
    receivers.connect()
