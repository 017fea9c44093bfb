"""Uploads are judged by their bytes: allowed kinds kept, anything else refused, images re-encoded."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.service.uploads import content
from cloudplatform.service.uploads.errors import UploadTooLarge, UploadTypeRefused
from cloudplatform.service.uploads.operations import store_upload, store_uploads
from cloudplatform.service.uploads.queries import read_upload
from cloudplatform.storage import KEY, LocalStorage, StorageError, content_disposition, make_storage
from tests.service.uploads import files


@pytest.fixture
def staff(world):
    return world.staff[COMMUNITY_ADMIN]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (files.PDF, content.PDF),
        (files.jpeg_with_exif(), content.JPEG),
        (files.png(), content.PNG),
        (files.docx(), content.DOCX),
        (files.xlsx(), content.XLSX),
        (files.TEXT, content.TEXT),
    ],
    ids=["pdf", "jpeg", "png", "docx", "xlsx", "text"],
)
def test_allowed_kinds_are_recognised_by_content(data, kind):
    assert content.sniff(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        files.HTML_AS_PDF,
        b"<svg onload=alert(1)>",
        files.plain_zip(),
        b"MZ\x90\x00binary",
        b"\x00\x01\x02",
        b"",
    ],
    ids=["html", "svg", "zip", "exe", "binary", "empty"],
)
def test_other_content_is_not_allowed(data):
    assert content.sniff(data) is None


def test_a_pdf_that_is_really_html_is_refused(world, staff):
    with pytest.raises(UploadTypeRefused):
        store_upload(staff, world.home.id, "通知.pdf", files.HTML_AS_PDF)


def test_a_file_over_the_size_limit_is_refused(app, world, staff):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    with pytest.raises(UploadTooLarge):
        store_upload(staff, world.home.id, "大文件.txt", b"a" * 1001)


def test_an_image_with_too_many_pixels_is_refused(app, world, staff):
    app.config["UPLOAD_MAX_PIXELS"] = 100
    with pytest.raises(UploadTooLarge):
        store_upload(staff, world.home.id, "大图.png", files.png((20, 20)))


def test_exif_is_stripped_from_a_jpeg(world, staff):
    original = files.jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif().get(files.MAKE) == "TestCam"
    upload = store_upload(staff, world.home.id, "现场照片.jpg", original)
    kept = Image.open(io.BytesIO(read_upload(upload)))
    assert kept.format == "JPEG"
    assert kept.size == (64, 48)
    assert dict(kept.getexif()) == {}
    assert b"TestCam" not in read_upload(upload)


def test_the_file_is_kept_under_a_random_key_with_its_name_as_metadata(world, staff):
    upload = store_upload(staff, world.home.id, "../../报名表.docx", files.docx())
    assert KEY.match(upload.key)
    assert "报名表" not in upload.key
    assert upload.original_name == "报名表.docx"
    assert upload.content_type == content.DOCX
    assert upload.size == len(files.docx())
    assert len(upload.sha256) == 64
    assert read_upload(upload) == files.docx()


def test_a_name_is_given_the_extension_its_content_has(world, staff):
    upload = store_upload(staff, world.home.id, "说明.html", files.TEXT)
    assert upload.original_name == "说明.html.txt"


def test_an_upload_is_audited(db, world, staff):
    upload = store_upload(staff, world.home.id, "停水通知.pdf", files.PDF)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "upload.create"))
    assert entry.actor_id == staff.id
    assert entry.target_type == "Upload"
    assert entry.target_id == str(upload.id)
    assert entry.community_id == world.home.id
    assert entry.details == {
        "name": "停水通知.pdf",
        "content_type": "application/pdf",
        "size": len(files.PDF),
    }


def test_local_storage_saves_opens_and_deletes(tmp_path):
    storage = LocalStorage(str(tmp_path))
    key = storage.save(b"abc", "text/plain")
    assert storage.open(key) == b"abc"
    storage.delete(key)
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_local_storage_refuses_a_key_it_did_not_make(tmp_path):
    with pytest.raises(StorageError):
        LocalStorage(str(tmp_path)).open("../../etc/passwd")


def test_an_object_storage_url_without_its_backend_is_refused(app):
    with pytest.raises(StorageError, match="s3"):
        make_storage("s3://bucket/uploads", app)


def test_the_download_name_is_given_as_rfc_5987():
    assert content_disposition("停水 通知.pdf") == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%81%9C%E6%B0%B4%20%E9%80%9A%E7%9F%A5.pdf"
    )


def test_a_refused_file_leaves_none_of_its_batch_stored(app, world, staff, tmp_path):
    with pytest.raises(UploadTypeRefused):
        store_uploads(staff, world.home.id, [("a.pdf", files.PDF), ("b.pdf", files.HTML_AS_PDF)])
    assert not (tmp_path / "instance" / "uploads").exists()
