"""Every 困难救助 test runs on a standing clock (Monday 2026-12-07 08:00 in Asia/Shanghai; move it with
``clock.shift``); the helpers are in ``tests.service.aid.fixtures``."""

import pytest
import time_machine

from cloudplatform.service import workdays
from tests.service.aid.fixtures import START


@pytest.fixture(autouse=True)
def calendar(app):
    """Each test reads its own holiday calendar (the app caches it for minutes)."""
    with app.app_context():
        workdays.forget()
    yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
