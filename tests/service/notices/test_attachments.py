"""Uploaded notice attachments: listed with the notice, downloaded only by who may read it."""

import pytest

from cloudplatform.identity.models import COMMUNITY_ADMIN, RESIDENT
from cloudplatform.service.notices.models import ALL
from cloudplatform.service.notices.operations import publish_notice
from tests.service.notices.helpers import URL, make_notice, person
from tests.service.uploads import files
from tests.world import log_in

LINK = {"name": "停水区域示意图", "url": "https://example.com/tingshui.pdf"}


@pytest.fixture
def notice(db, world):
    notice = publish_notice(
        world.staff[COMMUNITY_ADMIN],
        world.home.id,
        "关于临时停水的通知",
        "周六停水。",
        ALL,
        attachments=[LINK],
        files=[("停水通知.pdf", files.PDF), ("现场照片.jpg", files.jpeg_with_exif())],
    )
    db.session.commit()
    return notice


@pytest.fixture
def resident(client, world):
    person("resident", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    return log_in(client, "resident")


@pytest.fixture
def stranger(client, world):
    person("stranger", world.elsewhere, RESIDENT, building_id=world.buildings[world.elsewhere.id])
    return log_in(client, "stranger")


def attachments(client, notice, headers) -> list[dict]:
    return client.get(f"{URL}/{notice.id}", headers=headers).json["attachments"]


def test_detail_lists_links_then_files_with_download_urls(client, notice, resident):
    link, pdf, photo = attachments(client, notice, resident)
    assert link == LINK
    assert pdf["name"] == "停水通知.pdf"
    assert pdf["content_type"] == "application/pdf"
    assert pdf["size"] == len(files.PDF)
    assert pdf["url"].startswith(f"http://localhost{URL}/{notice.id}/attachments/")
    assert photo["content_type"] == "image/jpeg"


def test_a_resident_who_may_read_the_notice_downloads_the_file(client, notice, resident):
    pdf = attachments(client, notice, resident)[1]
    response = client.get(pdf["url"], headers=resident)
    assert response.status_code == 200
    assert response.data == files.PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%81%9C%E6%B0%B4%E9%80%9A%E7%9F%A5.pdf"
    )


def test_a_download_needs_a_login(client, notice, resident):
    pdf = attachments(client, notice, resident)[1]
    assert client.get(pdf["url"]).status_code == 401


def test_another_communitys_resident_gets_404(client, notice, resident, stranger):
    pdf = attachments(client, notice, resident)[1]
    response = client.get(pdf["url"], headers=stranger)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOTICE_NOT_FOUND"


def test_a_file_of_another_notice_gets_404(client, world, notice, resident):
    other = make_notice(world.home)
    pdf = attachments(client, notice, resident)[1]
    upload_id = pdf["url"].rsplit("/", 1)[1]
    response = client.get(f"{URL}/{other.id}/attachments/{upload_id}", headers=resident)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "ATTACHMENT_NOT_FOUND"


def test_a_withdrawn_notices_files_are_gone(client, db, notice, resident):
    from cloudplatform.clock import now

    pdf = attachments(client, notice, resident)[1]
    notice.withdrawn_at = now()
    db.session.commit()
    assert client.get(pdf["url"], headers=resident).status_code == 404
