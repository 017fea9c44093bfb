"""Every failure under /api/ answers the one JSON error envelope with a 4xx (or a bare 500)."""

import pytest
from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import RateLimited
from tests.echo import register_echo


@pytest.fixture
def echo_app(app):
    register_echo(app)
    return app


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    error = response.json["error"]
    assert error["code"] == "NOT_FOUND"
    assert error["message"] == "请求的资源不存在"
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_wrong_method_answers_405_with_allow_header(client):
    response = client.delete("/api/v1/openapi.json")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_malformed_json_answers_400_and_changes_nothing(echo_app, client, db):
    response = client.post("/api/v1/test/echo", data="{bad json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "MALFORMED_JSON"
    assert audit_count(db) == 0


def test_wrong_content_type_answers_415(echo_app, client, db):
    response = client.post(
        "/api/v1/test/echo", data="name=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert audit_count(db) == 0


def test_oversize_body_answers_413(echo_app, client, db):
    echo_app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/api/v1/test/echo", json={"name": "x" * 2000})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert audit_count(db) == 0


def test_validation_error_names_each_bad_field(echo_app, client, db):
    response = client.post("/api/v1/test/echo", json={"name": "", "age": 7.9, "extra": 1})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]["fields"]) == {"name", "age", "extra"}
    assert audit_count(db) == 0


def test_domain_error_rolls_back_the_whole_request(echo_app, client, db):
    response = client.post("/api/v1/test/echo", json={"name": "张三", "fail": "conflict"})
    assert response.status_code == 409
    assert response.json["error"] == {
        "code": "ALREADY_THERE",
        "message": "已存在",
        "details": {},
        "request_id": response.headers["X-Request-ID"],
    }
    assert audit_count(db) == 0


def test_an_app_errors_own_headers_and_details_reach_the_response(app, client):
    """RateLimited carries Retry-After itself; whatever details an error is raised with are sent too."""

    @app.get("/api/v1/test/limited")
    def limited():
        raise RateLimited(details={"limit": "5 per minute"})

    response = client.get("/api/v1/test/limited")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert response.json["error"] == {
        "code": "RATE_LIMITED",
        "message": "操作过于频繁，请稍后再试",
        "details": {"limit": "5 per minute"},
        "request_id": response.headers["X-Request-ID"],
    }


def test_unexpected_error_answers_500_without_internals(echo_app, client, db):
    echo_app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    response = client.post("/api/v1/test/echo", json={"name": "张三", "fail": "crash"})
    assert response.status_code == 500
    assert response.json["error"]["code"] == "INTERNAL_ERROR"
    assert "secret internals" not in response.get_data(as_text=True)
    assert audit_count(db) == 0


def test_success_commits_the_work(echo_app, client, db):
    response = client.post("/api/v1/test/echo", json={"name": "张三", "age": 30})
    assert response.status_code == 201
    assert response.json["name"] == "张三"
    assert audit_count(db) == 1


def test_client_request_id_is_echoed(client):
    response = client.get("/api/v1/nothing", headers={"X-Request-ID": "abcdef123456"})
    assert response.headers["X-Request-ID"] == "abcdef123456"
    assert response.json["error"]["request_id"] == "abcdef123456"


def test_unusable_request_id_is_replaced(client):
    response = client.get("/api/v1/nothing", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"


def test_console_404_is_a_chinese_page(client):
    response = client.get("/admin/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "请求的资源不存在" in response.get_data(as_text=True)


def test_validation_messages_are_chinese(echo_app, client):
    response = client.post("/api/v1/test/echo", json={"age": "x"})
    fields = response.json["error"]["details"]["fields"]
    assert fields == {"name": ["此项必填"], "age": ["应为整数"]}


def test_an_error_class_fixes_its_code_and_message():
    from cloudplatform.service.bookings.errors import SlotFull

    error = SlotFull()
    assert (error.status, error.code, error.message, error.details) == (409, "SLOT_FULL", "该时段已约满", {})


def test_an_error_about_one_field_lists_it_as_422s_do():
    from cloudplatform.identity.errors import ReasonRequired

    error = ReasonRequired.for_field("reason")
    assert error.details == {"fields": {"reason": ["驳回时请填写原因"]}}


def test_a_code_names_exactly_one_class():
    from cloudplatform.errors import Conflict, error_classes

    class Twin(Conflict):
        code = "SLOT_FULL"

    Twin.__module__ = "cloudplatform.twin"  # as if the project declared it
    try:
        with pytest.raises(TypeError, match="SLOT_FULL"):
            error_classes()
    finally:
        Twin.__module__ = __name__  # a test's own classes are not the API's
