"""Many reads of one notice by one user at once, on PostgreSQL: one receipt, counted once."""

import threading

import pytest
from sqlalchemy import func, select

from cloudplatform.identity.models import RESIDENT
from cloudplatform.service.notices.models import Notice, NoticeReceipt
from tests.service.notices.helpers import URL, make_notice, person
from tests.world import log_in

pytestmark = pytest.mark.postgres

READERS = 20


def test_simultaneous_reads_by_one_user_count_once(app, client, db, world):
    notice = make_notice(world.home)
    person("reader", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    headers = log_in(client, "reader")
    url = f"{URL}/{notice.id}"  # read here: the racers' threads have no app context
    barrier = threading.Barrier(READERS)
    statuses = [None] * READERS

    def read(i):
        reader = app.test_client()
        barrier.wait(30)
        statuses[i] = reader.get(url, headers=headers).status_code

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert statuses == [200] * READERS
    db.session.commit()  # a fresh snapshot: what the racers committed
    notice_id = notice.id
    assert db.session.scalar(select(func.count()).where(NoticeReceipt.notice_id == notice_id)) == 1
    assert db.session.scalar(select(Notice.read_count).where(Notice.id == notice_id)) == 1
