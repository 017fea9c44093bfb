"""Uploading notice attachments on the console's form, and downloading them in scope."""

import io

import pytest
from sqlalchemy import select

from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.service.notices.models import Notice
from cloudplatform.service.notices.queries import notice_uploads
from tests.admin.console import sign_in_as, submit, text
from tests.factories import StaffAccountFactory
from tests.service.uploads import files
from tests.world import wechat_user

NEW = "/admin/notices/new"
FORM = {"title": "关于临时停水的通知", "body": "周六停水。", "audience": "all", "attachments": ""}


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def publish(client, *uploads, **fields):
    data = {**FORM, **fields, "files": [(io.BytesIO(data), name) for name, data in uploads]}
    return submit(client, NEW, data, page=NEW)


def only_notice(db) -> Notice:
    return db.session.scalar(select(Notice))


def test_staff_upload_several_files_with_a_notice(client, db, admin):
    response = publish(client, ("停水通知.pdf", files.PDF), ("报名表.docx", files.docx()))
    assert "已发布通知" in text(response)
    uploads = notice_uploads(only_notice(db))
    assert [u.original_name for u in uploads] == ["停水通知.pdf", "报名表.docx"]
    assert uploads[0].uploaded_by_id == admin.id


def test_https_links_still_work_beside_uploads(client, db, admin):
    publish(client, ("停水通知.pdf", files.PDF), attachments="示意图|https://example.com/a.pdf")
    notice = only_notice(db)
    assert notice.attachments == [{"name": "示意图", "url": "https://example.com/a.pdf"}]
    assert len(notice_uploads(notice)) == 1


def test_a_pdf_that_is_really_html_is_refused_and_nothing_is_published(client, db, admin):
    response = publish(client, ("通知.pdf", files.HTML_AS_PDF))
    assert "只能上传 PDF" in text(response)
    assert only_notice(db) is None


def test_the_form_takes_a_file_larger_than_the_apis_body_limit(app, client, db, admin):
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)  # 2 MB: over MAX_CONTENT_LENGTH (1 MB)
    response = publish(client, ("大文件.pdf", big))
    assert response.status_code == 200
    assert notice_uploads(only_notice(db))[0].size == len(big)


def test_a_file_over_the_upload_limit_is_refused(app, client, db, admin):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    response = publish(client, ("大文件.txt", b"a" * 1001))
    assert "超过" in text(response)
    assert only_notice(db) is None


def test_the_json_api_keeps_its_body_limit(client):
    response = client.post("/api/v1/auth/login", json={"code": "x" * (1024 * 1024)})
    assert response.status_code == 413


def test_the_detail_page_links_the_download(client, db, admin):
    publish(client, ("停水通知.pdf", files.PDF))
    notice = only_notice(db)
    upload = notice_uploads(notice)[0]
    page = text(client.get(f"/admin/notices/{notice.id}"))
    url = f"/admin/notices/{notice.id}/attachments/{upload.id}"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == files.PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_staff_of_another_community_get_404(client, db, world, admin):
    publish(client, ("停水通知.pdf", files.PDF))
    notice = only_notice(db)
    upload = notice_uploads(notice)[0]
    other = StaffAccountFactory(
        role=COMMUNITY_ADMIN,
        user_id=wechat_user("other-admin").id,
        username="u-other",
        community_id=world.elsewhere.id,
    )
    fresh = client.application.test_client()
    sign_in_as(fresh, other)
    assert fresh.get(f"/admin/notices/{notice.id}/attachments/{upload.id}").status_code == 404
