import base64
import re

import pytest
import sqlalchemy as sa

from cloudplatform import create_app
from cloudplatform.config import DEV_SECRET_KEY, ConfigError
from cloudplatform.identity.models import City, User

GOOD_PRODUCTION = {
    "CLOUDPLATFORM_ENV": "production",
    "SECRET_KEY": "K7p2-vQx9Lr4sT1wZ8mN3bC6yH5jD0gF",
    "WECHAT_API_BASE": "https://api.weixin.qq.com/",
    "WECHAT_APPID": "wx8a1b2c3d4e5f6a7b",
    "WECHAT_SECRET": "real-secret",
    "DATABASE_URL": "postgresql+psycopg://app@db.internal/cloudplatform",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "FIELD_KEYS": '{"k2026": "' + base64.b64encode(b"k" * 32).decode() + '"}',
    "FIELD_HASH_KEY": "h" * 48,
}


@pytest.fixture
def production_env(monkeypatch):
    for name, value in GOOD_PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_starts_with_real_settings(production_env):
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_the_default_secret_key(production_env):
    production_env.delenv("SECRET_KEY")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("env", ["Production", "prod", "PRODUCTION", "staging", "test", " production"])
def test_an_unknown_environment_refuses_to_start(monkeypatch, env):
    """A misspelt production must not start as development with the public development key."""
    monkeypatch.setenv("CLOUDPLATFORM_ENV", env)
    with pytest.raises(ConfigError, match="CLOUDPLATFORM_ENV must be development or production"):
        create_app()


@pytest.mark.parametrize(
    ("name", "raw"), [("TRUSTED_PROXIES", "one"), ("LOGIN_TOKEN_TTL_HOURS", "7d"), ("WECHAT_TEMPLATES", "{")]
)
def test_a_setting_that_cannot_be_read_names_itself(monkeypatch, name, raw):
    """A typo in a number or JSON setting stops the start with the setting's name, not a bare ValueError."""
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError, match=f"{name} cannot be read from '{re.escape(raw)}'"):
        create_app()


@pytest.mark.parametrize(
    "key",
    [
        DEV_SECRET_KEY,
        "x" * 48,  # one repeated character
        "K7p2-vQx9Lr4sT1wZ8mN3bC6yH5jD0g",  # 31 bytes
        "一" * 10,  # 30 bytes (10 characters)
    ],
)
def test_production_refuses_a_guessable_secret_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    "base",
    [
        "http://127.0.0.1:5002/",
        "https://127.0.0.1/",
        "https://127.1/",
        "https://0x7f.1/",
        "https://0x7f000001/",
        "https://2130706433/",
        "https://017700000001/",
        "https://127.8.9.10/",
        "https://[::1]:5002/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::]/",
        "https://0.0.0.0/",
        "https://0/",
        "https://localhost/",
        "https://localhost./",
        "https://LOCALHOST:5002/",
        "https://standin.localhost/",
    ],
)
def test_production_refuses_the_wechat_stand_in_in_any_spelling(production_env, base):
    production_env.setenv("WECHAT_API_BASE", base)
    with pytest.raises(ConfigError, match="stand-in"):
        create_app()


def test_production_refuses_a_name_resolving_to_loopback(production_env, monkeypatch):
    """Whatever the name, what it resolves to decides: a resolver (the platform's, answered here as a
    split-horizon DNS would) that points an innocent-looking name at this machine."""
    import socket

    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "wechat.gateway.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    production_env.setenv("WECHAT_API_BASE", "https://wechat.gateway.example/")
    with pytest.raises(ConfigError, match="stand-in"):
        create_app()


@pytest.mark.parametrize(
    "base", ["http://api.weixin.qq.com/", "ftp://api.weixin.qq.com/", "api.weixin.qq.com/"]
)
def test_production_refuses_wechat_without_https(production_env, base):
    production_env.setenv("WECHAT_API_BASE", base)
    with pytest.raises(ConfigError, match="WECHAT_API_BASE"):
        create_app()


def test_production_refuses_the_development_app_id(production_env):
    production_env.delenv("WECHAT_APPID")
    with pytest.raises(ConfigError, match="WECHAT_APPID"):
        create_app()


def test_production_refuses_to_start_without_redis(production_env):
    """Without Redis each worker would count its own rate limits (and keep its own nonces)."""
    production_env.delenv("REDIS_URL")
    with pytest.raises(ConfigError, match="REDIS_URL"):
        create_app()


def test_a_negative_proxy_count_refuses_to_start(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "-1")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        create_app()


def test_demo_data_is_refused_in_production(app, db):
    """The demo accounts' passwords are in the README: production never gets them."""
    app.config["CLOUDPLATFORM_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "生产环境不能加载演示数据" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(City)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_serve_says_it_is_for_development_only(app):
    result = app.test_cli_runner().invoke(args=["serve", "--help"])
    assert result.exit_code == 0
    assert "Development only" in result.output


@pytest.mark.parametrize("name", ["FIELD_KEYS", "FIELD_HASH_KEY"])
def test_production_refuses_the_development_field_keys(production_env, name):
    production_env.delenv(name)
    with pytest.raises(ConfigError, match="FIELD_KEYS"):
        create_app()


def test_production_refuses_sqlite(production_env):
    production_env.setenv("DATABASE_URL", "sqlite:///x.db")
    with pytest.raises(ConfigError, match="PostgreSQL"):
        create_app()


def test_development_defaults_to_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/cloudplatform.db")
