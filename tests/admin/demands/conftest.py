"""Every 群众点单 console test runs on a standing clock (Monday 2026-12-07 08:00 in Asia/Shanghai); the
helpers are in ``tests.admin.demands.cases``."""

import pytest
import time_machine

from tests.service.demands.fixtures import START


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
