"""The engine does not ping before each checkout (a round trip saved per request): a connection the
database dropped fails one request with 503, and the pool replaces it for the next."""

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres


def drop_connections(url: str) -> int:
    """Terminate every other session of the database, as a restart or a failover would."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    finally:
        engine.dispose()


def test_a_dropped_connection_answers_503_then_the_next_request_works(client, database_url):
    assert client.get("/api/v1/communities").status_code == 200  # the pool holds a live connection
    assert drop_connections(database_url) >= 1

    lost = client.get("/api/v1/communities")
    assert lost.status_code == 503
    assert "Retry-After" in lost.headers
    assert lost.json["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert lost.json["error"]["message"] == "服务暂时不可用，请稍后再试"

    assert client.get("/api/v1/communities").status_code == 200


def test_the_engine_does_not_ping_before_each_request(app):
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert not options.get("pool_pre_ping")
    assert options["pool_recycle"] <= 3600
