"""Reads of 上传文件: one upload's bytes, and the response that hands it over."""

import sqlalchemy as sa
from flask import Response

from cloudplatform.extensions import db
from cloudplatform.service.uploads.errors import AttachmentNotFound
from cloudplatform.service.uploads.models import Upload
from cloudplatform.storage import download_response, get_storage


def read_upload(upload: Upload) -> bytes:
    """The upload's bytes from the storage."""
    return get_storage().open(upload.key)


def download(upload: Upload) -> Response:
    """The upload as a file to save under its original name (never shown inline)."""
    return download_response(read_upload(upload), upload.original_name, upload.content_type)


def show(upload: Upload) -> Response:
    """An image inline (never sniffed, never run, never cached by others); any other file as a download."""
    if upload.content_type not in ("image/jpeg", "image/png"):
        return download(upload)
    response = Response(read_upload(upload), content_type=upload.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attached_uploads(owner: sa.orm.InstrumentedAttribute, owner_id: int) -> list[Upload]:
    """The files linked to a record through a link table's ``owner`` column, in upload order."""
    link = owner.class_
    return list(
        db.session.scalars(
            sa.select(Upload)
            .join(link, link.upload_id == Upload.id)
            .where(owner == owner_id)
            .order_by(link.id)
        )
    )


def load_attached_upload(owner: sa.orm.InstrumentedAttribute, owner_id: int, upload_id: int) -> Upload:
    """One of the files linked to the record; 404 ATTACHMENT_NOT_FOUND for any other upload. The caller
    has loaded the record for the viewer."""
    link = owner.class_
    upload = db.session.scalar(
        sa.select(Upload)
        .join(link, link.upload_id == Upload.id)
        .where(owner == owner_id, Upload.id == upload_id)
    )
    if upload is None:
        raise AttachmentNotFound()
    return upload
