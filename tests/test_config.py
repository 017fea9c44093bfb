import base64

import pytest

from cloudplatform import create_app
from cloudplatform.config import ConfigError

GOOD_PRODUCTION = {
    "CLOUDPLATFORM_ENV": "production",
    "SECRET_KEY": "x" * 48,
    "WECHAT_API_BASE": "https://api.weixin.qq.com/",
    "WECHAT_SECRET": "real-secret",
    "DATABASE_URL": "postgresql+psycopg://app@db.internal/cloudplatform",
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


def test_production_refuses_the_wechat_stand_in(production_env):
    production_env.setenv("WECHAT_API_BASE", "http://127.0.0.1:5002/")
    with pytest.raises(ConfigError, match="stand-in"):
        create_app()


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
