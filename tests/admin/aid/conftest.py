"""Every 困难救助 console test runs on a standing clock (Monday 2026-12-07 08:00 in Asia/Shanghai; move it
with ``clock.shift``) and reads its own holiday calendar; the helpers are in ``tests.admin.aid.cases``."""

import pytest
import time_machine

from cloudplatform.service import workdays
from tests.service.aid.fixtures import START


@pytest.fixture(autouse=True)
def calendar(app):
    with app.app_context():
        workdays.forget()
    yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
