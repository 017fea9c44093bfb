"""schemathesis drives every operation of the OpenAPI document with generated input: no 5xx, and every
answer (success or error envelope) matches the documented schema. Business rules the schema cannot
express (an opaque cursor, a building of another community) may refuse schema-valid input with a 4xx,
so the "schema-valid input must be accepted" check is left out."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cloudplatform.identity.models import CITY_ADMIN
from tests.world import log_in

EXAMPLES_PER_OPERATION = 15


def test_every_operation_answers_within_its_contract(app, client, world):
    headers = log_in(client, f"staff-{CITY_ADMIN}")  # the widest scope reaches the deepest code
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
