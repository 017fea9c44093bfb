"""Every 群众点单 test runs on a standing clock (Monday 2026-12-07 08:00 in Asia/Shanghai; move it with
``clock.shift``); the helpers are in ``tests.service.demands.fixtures``."""

import pytest
import time_machine

from tests.service.demands.fixtures import START


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
