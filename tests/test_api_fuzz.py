"""schemathesis drives every operation of the OpenAPI document with generated input: no 5xx, and every
answer (success or error envelope, status, headers) matches the documented schema — an error's code is
one of those its operation documents for that status. Input the document allows is never refused for
its shape (400/422 with a shape code). Business rules the schema cannot express (an opaque cursor, a
building of another community) may still refuse schema-valid input with another 4xx code, so
schemathesis's own "schema-valid input must be accepted" check is left out."""

import contextvars

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cloudplatform.identity.models import CITY_ADMIN
from tests.world import log_in

EXAMPLES_PER_OPERATION = 15
SHAPE_CODES = {"VALIDATION_ERROR", "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE"}


def valid_input_is_not_refused_for_its_shape(ctx, response, case):
    """A request the document allows is never refused for its shape."""
    if (
        case.meta is None
        or not case.meta.generation.mode.is_positive
        or response.status_code not in (400, 415, 422)
    ):
        return None
    code = response.json()["error"]["code"]
    assert code not in SHAPE_CODES, (
        f"schema-valid input refused with {code}: {response.json()['error']['details']}"
    )
    return None


def isolated(app):
    """The app as a WSGI callable whose every request gets its own app context and session, as in
    production (the test keeps one pushed: a request would otherwise share its ``g`` and session)."""

    def call(environ, start_response):
        return contextvars.Context().run(app, environ, start_response)

    return call


def test_every_operation_answers_within_its_contract(app, client, world):
    headers = log_in(client, f"staff-{CITY_ADMIN}")  # the widest scope reaches the deepest code
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    operations.sort(
        key=lambda operation: operation.path.endswith("/auth/logout")
    )  # it revokes the token: last
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(
                headers=headers,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[valid_input_is_not_refused_for_its_shape],
            )

        check()
