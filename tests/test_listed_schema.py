"""ListedSchema dumps exactly what marshmallow's own dump makes of the same object, whatever its shape."""

from datetime import UTC, datetime
from types import SimpleNamespace

import marshmallow as ma
import pytest
import sqlalchemy as sa
from marshmallow import fields
from marshmallow.utils import get_value

from cloudplatform.schemas import ListedSchema, LocalDateTime


class Place(ListedSchema):
    name = fields.String()


class Item(ListedSchema):
    id = fields.Integer()
    title = fields.String(data_key="heading")
    when = fields.DateTime(attribute="starts_at")
    when_local = LocalDateTime(attribute="starts_at", dump_only=True)
    closed = fields.Boolean()
    note = fields.String(dump_default="无")  # absent from some objects
    extra = fields.String()  # absent from some objects: the key is left out
    place = fields.Nested(Place, allow_none=True)
    place_name = fields.String(attribute="place.name")
    free = fields.Function(lambda obj: get_value(obj, "capacity") - get_value(obj, "booked"))
    tags = fields.List(fields.String())


class Hooked(Item):
    @ma.post_dump
    def mark(self, data, **kwargs):
        return {**data, "hooked": True}


START = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
FULL = {
    "id": 7,
    "title": "证明开具",
    "starts_at": START,
    "closed": False,
    "note": None,
    "extra": "备注",
    "place": SimpleNamespace(name="火炬路社区"),
    "capacity": 3,
    "booked": 1,
    "tags": ["甲", "乙"],
}
SPARSE = {
    "id": 8,
    "title": None,
    "starts_at": None,
    "closed": None,
    "place": None,
    "capacity": 2,
    "booked": 2,
}


def marshmallow_dump(schema: ma.Schema, obj, **kwargs):
    return ma.Schema.dump(schema, obj, **kwargs)


@pytest.mark.parametrize("values", [FULL, SPARSE], ids=["full", "sparse"])
def test_an_object_dumps_as_marshmallow_dumps_it(values):
    obj, schema = SimpleNamespace(**values), Item()
    assert schema.dump(obj) == marshmallow_dump(schema, obj)
    assert schema.dump([obj, obj], many=True) == marshmallow_dump(schema, [obj, obj], many=True)


def test_the_full_object_shows_each_field_as_the_document_says():
    assert Item().dump(SimpleNamespace(**FULL)) == {
        "id": 7,
        "heading": "证明开具",
        "when": "2026-12-08T01:00:00+00:00",
        "when_local": "2026-12-08T09:00:00+08:00",
        "closed": False,
        "note": None,
        "extra": "备注",
        "place": {"name": "火炬路社区"},
        "place_name": "火炬路社区",
        "free": 2,
        "tags": ["甲", "乙"],
    }
    sparse = Item().dump(SimpleNamespace(**SPARSE))
    assert sparse["note"] == "无" and "extra" not in sparse and "tags" not in sparse


def test_a_result_row_dumps_as_marshmallow_dumps_it():
    class Slot(ListedSchema):
        id = fields.Integer()
        name = fields.String(data_key="title")
        free = fields.Function(lambda row: row.capacity - row.booked)
        extra = fields.String()

    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("select 1 as id, '上午' as name, 3 as capacity, 1 as booked")).all()
    schema = Slot()
    expected = [{"id": 1, "title": "上午", "free": 2}]
    assert schema.dump(rows, many=True) == marshmallow_dump(schema, rows, many=True) == expected


@pytest.mark.parametrize(
    "schema", [Item(), Hooked(), Item(only=("id", "place_name"))], ids=["plain", "hooked", "only"]
)
@pytest.mark.parametrize("values", [FULL, SPARSE], ids=["full", "sparse"])
def test_a_dict_and_a_hooked_schema_take_marshmallows_own_path(schema, values):
    assert schema.dump(dict(values)) == marshmallow_dump(schema, dict(values))
    obj = SimpleNamespace(**values)
    assert schema.dump(obj) == marshmallow_dump(schema, obj)
    if isinstance(schema, Hooked):
        assert schema.dump(obj)["hooked"] is True
