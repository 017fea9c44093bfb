"""Files attached to guides on the console's form: downloaded by anyone while published, staff in scope."""

import io

import pytest
from sqlalchemy import select

from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.guides.queries import guide_uploads
from tests.admin.console import sign_in_as, submit, text
from tests.admin.test_guides import FORM
from tests.factories import StaffAccountFactory
from tests.service.guides.factories import make_guide
from tests.service.uploads import files
from tests.world import wechat_user

API = "/api/v1/services/guides"


@pytest.fixture
def staff(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_STAFF])


def with_files(*uploads, **fields) -> dict:
    return {**FORM, **fields, "files": [(io.BytesIO(data), name) for name, data in uploads]}


def test_a_new_guide_takes_files(client, db, world, staff):
    submit(
        client, f"/admin/guides/new?community_id={world.home.id}", with_files(("申请表.docx", files.docx()))
    )
    guide = db.session.scalar(select(Guide))
    assert [u.original_name for u in guide_uploads(guide)] == ["申请表.docx"]


def test_editing_a_guide_adds_files_beside_its_others(client, db, world, staff):
    guide = make_guide(world.home)
    url = f"/admin/guides/{guide.id}/edit"
    submit(client, url, with_files(("申请表.docx", files.docx())), page=url)
    submit(client, url, with_files(("流程图.png", files.png())), page=url)
    assert [u.original_name for u in guide_uploads(guide)] == ["申请表.docx", "流程图.png"]
    assert 'data-upload="' in text(client.get(url))


def test_anyone_downloads_a_published_guides_file(client, world, staff):
    guide = make_guide(world.home)
    url = f"/admin/guides/{guide.id}/edit"
    submit(client, url, with_files(("申请表.docx", files.docx())), page=url)
    attachment = client.get(f"{API}/{guide.id}").json["attachments"][0]
    response = client.application.test_client().get(attachment["url"])  # no login, no console session
    assert response.status_code == 200
    assert response.data == files.docx()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unpublished_guides_file_answers_404_to_the_public(client, db, world, staff):
    guide = make_guide(world.home)
    url = f"/admin/guides/{guide.id}/edit"
    submit(client, url, with_files(("申请表.docx", files.docx())), page=url)
    upload = guide_uploads(guide)[0]
    submit(client, f"/admin/guides/{guide.id}/unpublish", page=url)
    public = client.application.test_client()
    assert public.get(f"{API}/{guide.id}/attachments/{upload.id}").status_code == 404
    assert client.get(f"/admin/guides/{guide.id}/attachments/{upload.id}").status_code == 200


def test_staff_of_another_community_get_404(client, db, world, staff):
    guide = make_guide(world.home)
    url = f"/admin/guides/{guide.id}/edit"
    submit(client, url, with_files(("申请表.docx", files.docx())), page=url)
    upload = guide_uploads(guide)[0]
    other = StaffAccountFactory(
        role=COMMUNITY_ADMIN,
        user_id=wechat_user("other-admin").id,
        username="u-other",
        community_id=world.elsewhere.id,
    )
    fresh = client.application.test_client()
    sign_in_as(fresh, other)
    assert fresh.get(f"/admin/guides/{guide.id}/attachments/{upload.id}").status_code == 404


def test_a_refused_file_saves_nothing(client, db, world, staff):
    response = submit(
        client, f"/admin/guides/new?community_id={world.home.id}", with_files(("表.pdf", files.HTML_AS_PDF))
    )
    assert "只能上传 PDF" in text(response)
    assert db.session.scalar(select(Guide)) is None
