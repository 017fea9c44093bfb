"""The OpenAPI document is the mini-program developers' manual: every operation in it — today's and every
one added later — documents itself fully, and the error-code table comes from the error classes."""

import importlib

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from cloudplatform.errors import AppError, error_classes
from cloudplatform.idempotency import MAX_KEY_LENGTH
from tests.echo import register_echo

METHODS = ("get", "post", "put", "patch", "delete")
ALLOWED_BARE_ARRAYS: set[str] = set()  # "GET /path" of a list that may stay an array (none does)
HEADER_PARAMETERS = {"X-Request-ID", "Idempotency-Key"}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def operations(spec):
    """(label, path, operation) of every operation in the document."""
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", path, item[method]


def deref(spec, node):
    """``node`` with every $ref replaced by what it points at (the document has no recursive schemas)."""
    if isinstance(node, list):
        return [deref(spec, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return deref(spec, target)
    return {key: deref(spec, value) for key, value in node.items()}


def parameters(spec, path, operation):
    return [
        deref(spec, p) for p in spec["paths"][path].get("parameters", []) + operation.get("parameters", [])
    ]


def json_bodies(operation):
    """(what, media type) of the operation's JSON request body and JSON success responses."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        yield "request body", body
    for status, response in operation["responses"].items():
        if status.startswith("2") and "application/json" in response.get("content", {}):
            yield f"response {status}", response["content"]["application/json"]


def untyped_properties(schema, where):
    """Where a property (at any depth) has neither a type nor a $ref (nor typed alternatives)."""
    found = []
    for name, prop in schema.get("properties", {}).items():
        alternatives = prop.get("anyOf") or prop.get("oneOf") or prop.get("allOf")
        if alternatives:
            if not all("$ref" in alt or "type" in alt for alt in alternatives):
                found.append(f"{where}.{name}")
        elif "$ref" not in prop and "type" not in prop:
            found.append(f"{where}.{name}")
        found += untyped_properties(prop, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += untyped_properties(schema[key], f"{where}[{key}]")
    for key in ("allOf", "anyOf", "oneOf"):
        for index, sub in enumerate(schema.get(key, [])):
            found += untyped_properties(sub, f"{where}.{key}[{index}]")
    return found


def missing_from_example(schema, example, where):
    """The properties of ``schema`` that ``example`` leaves out, at any depth."""
    if "allOf" in schema:
        return [m for sub in schema["allOf"] for m in missing_from_example(sub, example, where)]
    if schema.get("type") == "array":
        if not example:
            return [f"{where}[] (empty example list)"]
        return missing_from_example(schema["items"], example[0], f"{where}[]")
    missing = []
    for name, prop in schema.get("properties", {}).items():
        if not isinstance(example, dict) or name not in example:
            missing.append(f"{where}.{name}")
        elif example[name] is not None:
            alternatives = [a for a in prop.get("anyOf", []) if a.get("properties")]
            missing += missing_from_example(
                alternatives[0] if alternatives else prop, example[name], f"{where}.{name}"
            )
    return missing


def test_openapi_document_is_valid(app, client):
    register_echo(app)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert "/api/v1/test/echo" in spec["paths"]
    assert "Error" in spec["components"]["schemas"]


def test_docs_page_loads_its_assets_locally(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page.get_data(as_text=True)
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_every_operation_has_a_summary_and_a_description(spec):
    bare = [label for label, _, op in operations(spec) if not op.get("summary") or not op.get("description")]
    assert bare == []


def test_every_property_of_every_schema_has_a_type(spec):
    untyped = []
    for name, schema in spec["components"]["schemas"].items():
        untyped += untyped_properties(schema, name)
    for label, path, operation in operations(spec):
        for parameter in parameters(spec, path, operation):
            if "type" not in parameter["schema"]:
                untyped.append(f"{label} parameter {parameter['name']}")
        for what, media in json_bodies(operation):
            untyped += untyped_properties(media["schema"], f"{label} {what}")
    assert untyped == []


def error_response_problems(errors: dict, table: dict) -> list[str]:
    """What is wrong with an operation's error responses: codes not of the table, undescribed, unexampled."""
    problems = []
    for status, response in errors.items():
        for code in response["x-error-codes"]:
            if code not in table or str(table[code]["status"]) != status:
                problems.append(f"{code} under {status} is not a {status} of the table")
            if f"`{code}`" not in response["description"]:
                problems.append(f"{status}'s description does not name {code}")
        if set(response["content"]["application/json"]["examples"]) != set(response["x-error-codes"]):
            problems.append(f"{status} lacks an example envelope per code")
    return problems


def test_every_operation_documents_its_errors_by_code(spec):
    table = {row["code"]: row for row in spec["x-error-codes"]}
    problems = []
    for label, path, operation in operations(spec):
        errors = {
            status: response
            for status, response in operation["responses"].items()
            if status[0] in "45" and "x-error-codes" in response
        }
        if not any(status.startswith("4") for status in errors):
            problems.append(f"{label}: no 4xx response naming its codes")
        problems += [f"{label}: {problem}" for problem in error_response_problems(errors, table)]
        codes = {code for response in errors.values() for code in response["x-error-codes"]}
        if operation.get("security") and not {"TOKEN_MISSING", "TOKEN_INVALID"} <= codes:
            problems.append(f"{label}: secured but no 401 TOKEN_MISSING / TOKEN_INVALID")
        named = {
            p["name"] for p in parameters(spec, path, operation) if p["in"] != "path"
        } - HEADER_PARAMETERS
        if (named or "requestBody" in operation) and "VALIDATION_ERROR" not in codes:
            problems.append(f"{label}: takes arguments but no 422 VALIDATION_ERROR")
        if "{" in path and "NOT_FOUND" not in codes:
            problems.append(f"{label}: takes an id but no 404 NOT_FOUND")
        if "429" in errors and "Retry-After" not in errors["429"].get("headers", {}):
            problems.append(f"{label}: 429 without Retry-After")
    assert problems == []


def test_every_request_and_response_body_has_a_complete_example_that_fits_it(spec):
    problems = []
    for label, _, operation in operations(spec):
        for what, media in json_bodies(operation):
            if "example" not in media:
                problems.append(f"{label} {what}: no example")
                continue
            schema = deref(spec, media["schema"])
            errors = [e.message for e in OAS30Validator(schema).iter_errors(media["example"])]
            problems += [f"{label} {what}: example does not fit: {message}" for message in errors]
            problems += [
                f"{label} {what}: example lacks {m}"
                for m in missing_from_example(schema, media["example"], "")
            ]
    assert problems == []


def test_error_examples_fit_the_error_schema(spec):
    problems = []
    for label, _, operation in operations(spec):
        for status, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json", {})
            for code, example in media.get("examples", {}).items():
                schema = deref(spec, media["schema"])
                if any(True for _ in OAS30Validator(schema).iter_errors(example["value"])):
                    problems.append(f"{label} {status} {code}")
    assert problems == []


def test_lists_of_get_operations_are_pages(spec):
    problems = []
    for label, _, operation in operations(spec):
        if not label.startswith("GET ") or label in ALLOWED_BARE_ARRAYS:
            continue
        for what, media in json_bodies(operation):
            schema = deref(spec, media["schema"])
            if schema.get("type") == "array":
                problems.append(f"{label} {what}: a bare array, not {{items, next_cursor}}")
            elif "items" in schema.get("properties", {}) and not {"items", "next_cursor"} <= set(
                schema.get("required", [])
            ):
                problems.append(f"{label} {what}: a page without required items and next_cursor")
    assert problems == []


def test_paged_operations_take_cursor_and_limit(spec):
    problems = []
    for label, path, operation in operations(spec):
        pages = [
            m
            for _, m in json_bodies(operation)
            if "next_cursor" in deref(spec, m["schema"]).get("properties", {})
        ]
        names = {p["name"]: p["schema"] for p in parameters(spec, path, operation)}
        if pages and not ({"cursor", "limit"} <= set(names)):
            problems.append(f"{label}: a page without cursor and limit")
        elif pages and (names["cursor"].get("maxLength") is None or names["limit"].get("maximum") != 100):
            problems.append(f"{label}: cursor or limit without their bounds")
    assert problems == []


def test_idempotent_operations_document_the_idempotency_key(app, spec):
    idempotent = set()
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions[rule.endpoint], "idempotent", False):
            path = rule.rule.replace("<id:", "{").replace(">", "}")
            idempotent |= {f"{m} {path}" for m in rule.methods if m.lower() in METHODS}
    documented = {}
    for label, path, operation in operations(spec):
        for parameter in parameters(spec, path, operation):
            if parameter["name"] == "Idempotency-Key":
                documented[label] = parameter
    assert idempotent and set(documented) == idempotent
    for parameter in documented.values():
        assert parameter["in"] == "header"
        assert parameter["schema"]["maxLength"] == MAX_KEY_LENGTH
        assert "24 hours" in parameter["description"]


def test_every_operation_documents_the_request_id_both_ways(spec):
    problems = []
    for label, path, operation in operations(spec):
        if "X-Request-ID" not in {
            p["name"] for p in parameters(spec, path, operation) if p["in"] == "header"
        }:
            problems.append(f"{label}: no X-Request-ID request header")
        for status, response in operation["responses"].items():
            if "X-Request-ID" not in deref(spec, response).get("headers", {}):
                problems.append(f"{label} {status}: no X-Request-ID response header")
    assert problems == []


def test_binary_responses_are_typed(spec):
    qr = spec["paths"]["/api/v1/services/bookings/{booking_id}/qr.png"]["get"]["responses"]["200"]
    assert qr["content"] == {"image/png": {"schema": {"type": "string", "format": "binary"}}}


def test_every_code_of_the_error_table_comes_from_its_class(spec):
    rows = spec["x-error-codes"]
    for row in rows:
        module, _, name = row["class"].rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, AppError)
        assert (cls.code, cls.status, cls.message) == (row["code"], row["status"], row["message"])
        assert f"| `{row['code']}` | {row['status']} | {row['message']} |" in spec["info"]["description"]
    assert [row["code"] for row in rows] == [cls.code for cls in error_classes()]


def test_error_codes_are_unique_and_unchanged_for_clients(spec):
    codes = [row["code"] for row in spec["x-error-codes"]]
    assert len(codes) == len(set(codes))
    assert {"SLOT_FULL", "ALREADY_BOOKED", "BOOKING_LIMIT", "TOO_LATE", "TOO_EARLY", "SLOT_CLOSED"} <= set(
        codes
    )
    assert {"TOKEN_MISSING", "TOKEN_INVALID", "STAFF_ONLY", "MALFORMED_JSON", "INVALID_CURSOR"} <= set(codes)
