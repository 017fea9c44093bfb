"""Input no field takes is refused in one place, for every operation of the API: NUL and other control
characters, bidi overrides and lone surrogates anywhere in a body or a query answer 422 naming the field
(and the document's text fields say so); JSON nested too deep or with a number too long to parse answers
400; nothing is kept. On PostgreSQL,
NUL used to reach the database and answer 500."""

import logging
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.schemas import (
    OUT_OF_RANGE_MESSAGE,
    UNSTORABLE_MESSAGE,
    out_of_range_dates,
    unstorable_fields,
)
from cloudplatform.service.messages.models import Message
from miniprogram_api.docs import Blueprint, Parser
from tests.echo import register_echo
from tests.service.demands.api_fixtures import cast, dispatch, order
from tests.service.demands.fixtures import resident_of
from tests.world import log_in

MESSAGES = "/api/v1/services/messages"


def write(client, headers, body: str):
    return client.post(MESSAGES, data=body, headers={**headers, "Content-Type": "application/json"})


def kept() -> int:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(sa.func.count()).select_from(Message))


def refused_fields(response) -> dict:
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "VALIDATION_ERROR"
    return response.json["error"]["details"]["fields"]


def test_text_no_field_takes_is_refused_naming_the_field(client, world):
    me = log_in(client, resident_of(world.home, "周桂兰").nickname)
    start = f'{{"community_id": {world.home.id}, "kind": "suggestion", '
    for content in (
        "\\u0000",
        "\\u0007",
        "\\u001b[31m",
        "\\u0085",
        "\\u202e",
        "\\u2067",
        "\\ud800",
        "\\udfff",
    ):
        response = write(client, me, start + f'"content": "建议{content}增设充电桩"}}')
        assert refused_fields(response) == {"content": [UNSTORABLE_MESSAGE]}, content
    assert kept() == 0
    fine = write(client, me, start + '"content": "建议增设充电桩：\\n1. 东门\\t2. 西门\\r\\n谢谢"}')
    assert fine.status_code == 201, fine.json  # tabs and line breaks are text
    assert kept() == 1


def test_a_key_a_query_and_a_form_field_are_checked_too(client, world):
    me = log_in(client, resident_of(world.home, "周桂兰").nickname)
    keyed = write(client, me, f'{{"community_id": {world.home.id}, "kind\\u0000": "x", "content": "好"}}')
    assert refused_fields(keyed)["_schema"] == [UNSTORABLE_MESSAGE]  # beside the body's other faults
    queried = client.get("/api/v1/communities?q=%E7%81%AB%00", headers=me)
    assert refused_fields(queried) == {"q": [UNSTORABLE_MESSAGE]}
    assert kept() == 0


def test_json_too_deep_or_with_a_number_too_long_is_malformed(client, world):
    me = log_in(client, resident_of(world.home, "周桂兰").nickname)
    for body in ("[" * 100_000 + "]" * 100_000, '{"community_id": 1' + "0" * 5000 + "}"):
        response = write(client, me, body)
        assert response.status_code == 400 and response.json["error"]["code"] == "MALFORMED_JSON"
    assert kept() == 0


def test_paths_name_nested_fields_at_any_depth():
    assert unstorable_fields({"household": [{"name": "王\x00"}, {"name": "李"}]}) == {
        "household.0.name": [UNSTORABLE_MESSAGE]
    }
    deep: dict = {"x": "\u202e"}
    for _ in range(5000):  # no recursion: any depth the parser gave
        deep = {"a": deep}
    assert list(unstorable_fields(deep)) == [".".join(["a"] * 5000 + ["x"])]
    assert unstorable_fields({"text": "中文\t\n\r ok", "n": 3, "none": None}) == {}


def test_a_database_error_keeps_its_parameters_out_of_the_message(db):
    try:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "110101199003077777"})
    except sa.exc.DBAPIError as error:
        assert "110101199003077777" not in str(error)
    else:
        raise AssertionError("the statement should have failed")
    finally:
        db.session.rollback()


def test_a_day_outside_1900_to_2099_is_refused_naming_the_field(client, world):
    people = cast(client, world)
    demand_id = order(client, people.me, world.home).json["id"]
    for deadline in ("9999-12-31", "0001-01-01", "1899-12-31", "2100-01-01"):
        response = dispatch(client, people.staff, demand_id, people.organisation.id, deadline=deadline)
        assert refused_fields(response) == {"deadline": [OUT_OF_RANGE_MESSAGE]}, deadline
    assert dispatch(client, people.staff, demand_id, people.organisation.id).status_code == 200


def test_dates_and_times_at_the_edges_of_the_calendar_are_named():
    data = {
        "on": date(9999, 12, 31),
        "at": [datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), datetime(2099, 12, 31, 23, 59)],
        "fine": date(1900, 1, 1),
    }
    assert out_of_range_dates(data) == {"on": [OUT_OF_RANGE_MESSAGE], "at.0": [OUT_OF_RANGE_MESSAGE]}


def test_a_body_that_is_not_json_is_415_whatever_it_says_it_is(client, world):
    me = log_in(client, resident_of(world.home, "周桂兰").nickname)
    body = f'{{"community_id": {world.home.id}, "kind": "suggestion", "content": "增设充电桩"}}'
    for headers in (
        {"Content-Type": "text/plain"},
        {},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"},  # no length said
    ):
        response = client.post(
            MESSAGES,
            data=body,
            headers={**me, **headers},
            environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of a chunked body
        )
        assert response.status_code == 415, (headers, response.json)
        assert response.json["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert kept() == 0


def test_a_database_error_answers_500_without_its_parameters_in_the_log(app, client, db, caplog):
    secret = "13912345678"

    def fail():  # a row the database refuses (PostgreSQL's message would show the row)
        db.session.execute(sa.text('INSERT INTO "user" (openid, phone) VALUES (NULL, :v)'), {"v": secret})

    register_echo(app, hook=fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/v1/test/echo", json={"name": "张三"})
    assert response.status_code == 500
    assert response.json["error"]["code"] == "INTERNAL_ERROR"
    assert "IntegrityError" in caplog.text and 'INSERT INTO "user"' in caplog.text  # logged ...
    assert secret not in caplog.text and secret not in response.get_data(as_text=True)  # ... not its data


def test_every_api_operation_reads_its_input_through_the_one_parser(app):
    """No blueprint of the API bypasses the parser, and every text, date and time the document takes
    says what it refuses (so no current or future schema is left out)."""
    for name, blueprint in app.blueprints.items():
        if (blueprint.url_prefix or "").startswith("/api/") and name != "api-docs":  # the document
            assert isinstance(blueprint, Blueprint), name
            assert isinstance(blueprint.ARGUMENTS_PARSER, Parser), name
    document = app.test_client().get("/api/v1/openapi.json").json
    components = document["components"]["schemas"]
    unsaid: list[str] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            inputs = [(p["name"], p["schema"]) for p in operation.get("parameters", []) if "schema" in p]
            inputs += [
                ("body", m["schema"]) for m in operation.get("requestBody", {}).get("content", {}).values()
            ]
            for name, schema in inputs:
                unsaid += [f"{method} {path} {where}" for where in unsaid_inputs(name, schema, components)]
    assert unsaid == []


def unsaid_inputs(name: str, schema: dict, components: dict) -> list[str]:
    """Text, dates and times in an input schema without a pattern (an enum or a binary says it too)."""
    found, pending, seen = [], [(name, schema)], set()
    while pending:
        where, node = pending.pop()
        if "$ref" in node:
            if node["$ref"] not in seen:
                seen.add(node["$ref"])
                pending.append((where, components[node["$ref"].split("/")[-1]]))
            continue
        if node.get("readOnly"):
            continue
        pending += [(f"{where}.{key}", value) for key, value in node.get("properties", {}).items()]
        pending += [(f"{where}[]", node["items"])] if isinstance(node.get("items"), dict) else []
        pending += [(where, option) for key in ("allOf", "oneOf", "anyOf") for option in node.get(key, [])]
        text = node.get("type") == "string" or "string" in (node.get("type") or [])
        if text and not ({"pattern", "enum"} & node.keys() or node.get("format") == "binary"):
            found.append(where)
    return found
