"""Residents' uploads through the API: images kept without their EXIF, each file read back only by its
uploader, logged-in users only. (The refusals: tests/service/aid/test_api_refusals.py.)"""

import io

import sqlalchemy as sa
from PIL import Image

from cloudplatform.extensions import db as _db
from cloudplatform.service.uploads.models import Upload
from tests.service.aid.api_fixtures import resident_headers, upload


def error(response) -> tuple[int, str]:
    return response.status_code, response.json["error"]["code"]


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_image_is_kept_without_its_exif_and_read_back_only_by_its_uploader(client, world):
    _, me = resident_headers(client, world, "李桂芳")
    original = jpeg_with_exif()
    assert b"CameraMaker" in original
    made = upload(client, me, original, "照片/身份证.JPG")
    assert made.status_code == 201, made.json
    assert made.json["content_type"] == "image/jpeg" and made.json["name"] == "身份证.JPG"
    url = f"/api/v1/services/uploads/{made.json['id']}"
    kept = client.get(url, headers=me)
    assert kept.status_code == 200 and kept.data.startswith(b"\xff\xd8\xff")
    assert b"CameraMaker" not in kept.data and "attachment" in kept.headers["Content-Disposition"]
    _, neighbour = resident_headers(client, world, "赵大爷", room="2-202")
    assert error(client.get(url, headers=neighbour)) == (404, "ATTACHMENT_NOT_FOUND")
    assert error(client.get(url)) == (401, "TOKEN_MISSING")


def test_a_stranger_cannot_upload_and_the_file_is_required(client, world):
    assert error(upload(client, {})) == (401, "TOKEN_MISSING")
    _, me = resident_headers(client, world, "李桂芳")
    empty = client.post("/api/v1/services/uploads", data={}, headers=me, content_type="multipart/form-data")
    assert error(empty) == (422, "VALIDATION_ERROR")
    assert _db.session.scalar(sa.select(sa.func.count(Upload.id))) == 0
