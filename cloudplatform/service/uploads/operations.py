"""上传文件: check a file by its content, keep it in the storage, and record who uploaded it."""

import hashlib
import os
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.service.uploads import content
from cloudplatform.service.uploads.errors import UploadLimitReached, UploadTooLarge, UploadTypeRefused
from cloudplatform.service.uploads.models import Upload
from cloudplatform.storage import get_storage

MAX_NAME = 255


def clean_name(name: str, content_type: str) -> str:
    """The user's file name without folders or control characters, ending as its content is."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in base if c.isprintable()).strip() or "附件"
    stem, ext = os.path.splitext(base)
    wanted = content.EXTENSIONS[content_type]
    if ext.lower() not in (wanted, ".jpeg" if wanted == ".jpg" else wanted):
        stem, ext = base, wanted
    return stem[: MAX_NAME - len(ext)] + ext


RESIDENT_TYPES_REFUSED = "只能上传 JPEG、PNG 图片或 PDF 文件"
IMAGES_REFUSED = "只能上传 JPEG 或 PNG 图片"


def checked_content(
    name: str, data: bytes, field: str = "files", allowed: tuple[str, ...] | None = None
) -> tuple[str, bytes]:
    """(content type, bytes to keep): allowed by content (of ``allowed``, default every type the console
    takes), within the limits, images re-encoded."""
    config = current_app.config
    if len(data) > config["UPLOAD_MAX_BYTES"]:
        limit = config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
        raise UploadTooLarge.for_field(field, f"“{name}”超过 {limit} MB")
    content_type = content.sniff(data)
    if content_type is None or (allowed is not None and content_type not in allowed):
        message = (
            UploadTypeRefused.message
            if allowed is None
            else IMAGES_REFUSED
            if allowed == IMAGE_TYPES
            else RESIDENT_TYPES_REFUSED
        )
        raise UploadTypeRefused.for_field(field, f"“{name}”：{message}")
    if content_type in (content.JPEG, content.PNG):
        try:
            data = content.reencode(data, content_type, config["UPLOAD_MAX_PIXELS"])
        except content.ImageRefused:
            raise UploadTooLarge.for_field(field, f"“{name}”不是可用的图片，或像素过多") from None
    return content_type, data


def store_upload(uploader: StaffAccount, community_id: int, name: str, data: bytes) -> Upload:
    """Check one file and keep it for one community; the calling operation has checked the right.

    :raises Unprocessable: not an allowed type by its content, too large, or a broken image.
    """
    return store_uploads(uploader, community_id, [(name, data)])[0]


def store_uploads(
    uploader: StaffAccount, community_id: int, files: Iterable[tuple[str, bytes]]
) -> list[Upload]:
    """Check every file first, then keep them all: a refused file leaves none of the others stored.

    The bytes are written before the rows; a request that fails later still leaves unreferenced files
    in the storage (no row names them, so nobody can download them).

    :raises Unprocessable: a file is not an allowed type by its content, too large, or a broken image.
    """
    checked = [(name, *checked_content(name, data)) for name, data in files]
    return [_keep(uploader, community_id, name, content_type, data) for name, content_type, data in checked]


def store_image(uploader: StaffAccount, community_id: int, name: str, data: bytes, field: str) -> Upload:
    """Check one JPEG or PNG image (re-encoded) and keep it for one community, as ``store_upload`` does.

    :raises Unprocessable: not a JPEG or PNG image by its content, too large, or broken (on ``field``).
    """
    content_type, data = checked_content(name, data, field=field, allowed=IMAGE_TYPES)
    return _keep(uploader, community_id, name, content_type, data)


IMAGE_TYPES = (content.JPEG, content.PNG)
RESIDENT_TYPES = (content.JPEG, content.PNG, content.PDF)


def store_user_upload(user: User, name: str, data: bytes) -> Upload:
    """Keep a resident's image or PDF (materials for an application); it stays theirs until a record
    takes it, and only they and that record's reviewers may read it.

    :raises UploadLimitReached: ``RESIDENT_UPLOADS_PER_DAY`` files in the last 24 hours.
    :raises Unprocessable: not an image or PDF by its content, too large, or a broken image.
    """
    since = now() - timedelta(hours=24)
    recent = db.session.scalar(
        sa.select(sa.func.count(Upload.id)).where(Upload.user_id == user.id, Upload.created_at >= since)
    )
    if (recent or 0) >= current_app.config["RESIDENT_UPLOADS_PER_DAY"]:
        raise UploadLimitReached()
    content_type, data = checked_content(name, data, field="file", allowed=RESIDENT_TYPES)
    return _keep(user, None, name, content_type, data)


def _keep(
    uploader: StaffAccount | User, community_id: int | None, name: str, content_type: str, data: bytes
) -> Upload:
    staff = isinstance(uploader, StaffAccount)
    upload = Upload(
        key=get_storage().save(data, content_type),
        original_name=clean_name(name, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        community_id=community_id,
        uploaded_by_id=uploader.id if staff else None,
        user_id=None if staff else uploader.id,
    )
    db.session.add(upload)
    db.session.flush()
    record(
        uploader,
        "upload.create",
        target=upload,
        community_id=community_id,
        details={"name": upload.original_name, "content_type": content_type, "size": upload.size},
    )
    return upload
