"""A small smorest endpoint registered by tests to exercise the API machinery end to end."""

import marshmallow as ma
from flask_smorest import Blueprint

from cloudplatform.audit.operations import record
from cloudplatform.errors import Conflict
from cloudplatform.extensions import api
from cloudplatform.idempotency import idempotent


class AlreadyThere(Conflict):
    """A test endpoint's own error (not one of the API's: tests define it)."""

    code, message = "ALREADY_THERE", "已存在"


class EchoSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 20))
    age = ma.fields.Integer(strict=True, validate=ma.validate.Range(0, 150))
    fail = ma.fields.String(load_default=None)


class EchoOutSchema(ma.Schema):
    name = ma.fields.String()
    audit_id = ma.fields.Integer()


def register_echo(app, hook=None):
    """POST /api/v1/test/echo writes one audit row and echoes the name; `fail` forces an error."""
    bp = Blueprint("test_echo", __name__, url_prefix="/api/v1/test")

    @bp.route("/echo", methods=["POST"])
    @idempotent
    @bp.arguments(EchoSchema)
    @bp.response(201, EchoOutSchema)
    def echo(data):
        entry = record(None, "test.echo", details={"name": data["name"]})
        if hook is not None:
            hook()
        if data["fail"] == "conflict":
            raise AlreadyThere()
        if data["fail"] == "crash":
            raise RuntimeError("secret internals")
        return {"name": data["name"], "audit_id": entry.id}

    api.register_blueprint(bp)
    return bp
