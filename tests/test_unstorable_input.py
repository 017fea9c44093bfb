"""Input no field takes is refused in one place, for every operation of the API: NUL and other control
characters, bidi overrides and lone surrogates anywhere in a body or a query answer 422 naming the field
(and the document's text fields say so); JSON nested too deep or with a number too long to parse answers
400; nothing is kept. On PostgreSQL,
NUL used to reach the database and answer 500."""

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.schemas import UNSTORABLE_MESSAGE, unstorable_fields
from cloudplatform.service.messages.models import Message
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
