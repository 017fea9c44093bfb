"""上传文件: check a file by its content, keep it in the storage, and record who uploaded it."""

import hashlib
import os

from flask import current_app

from cloudplatform.audit.operations import record
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.service.uploads import content
from cloudplatform.service.uploads.errors import UploadTooLarge, UploadTypeRefused
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


def checked_content(name: str, data: bytes) -> tuple[str, bytes]:
    """(content type, bytes to keep): allowed by content, within the limits, images re-encoded."""
    config = current_app.config
    field = "files"
    if len(data) > config["UPLOAD_MAX_BYTES"]:
        limit = config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
        raise UploadTooLarge.for_field(field, f"“{name}”超过 {limit} MB")
    content_type = content.sniff(data)
    if content_type is None:
        raise UploadTypeRefused.for_field(field, f"“{name}”：{UploadTypeRefused.message}")
    if content_type in (content.JPEG, content.PNG):
        try:
            data = content.reencode(data, content_type, config["UPLOAD_MAX_PIXELS"])
        except content.ImageRefused:
            raise UploadTooLarge.for_field(field, f"“{name}”不是可用的图片，或像素过多") from None
    return content_type, data


def store_upload(uploader: StaffAccount, community_id: int, name: str, data: bytes) -> Upload:
    """Check the file and keep it for one community; the calling operation has checked the right.

    The bytes are written before the row; a request that fails afterwards leaves an unreferenced file
    in the storage (no row names it, so nobody can download it).

    :raises Unprocessable: not an allowed type by its content, too large, or a broken image.
    """
    content_type, data = checked_content(name, data)
    upload = Upload(
        key=get_storage().save(data, content_type),
        original_name=clean_name(name, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        community_id=community_id,
        uploaded_by_id=uploader.id,
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
