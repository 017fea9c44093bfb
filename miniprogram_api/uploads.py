"""上传文件: a logged-in user uploads an image or PDF (materials for an application) and reads back only
their own files; records that take a file (an aid application) serve it to their reviewers."""

from functools import wraps

import marshmallow as ma
from flask import current_app, request
from flask_smorest.fields import Upload as UploadField
from marshmallow import fields, validate

from cloudplatform.errors import PayloadTooLarge, Unprocessable
from cloudplatform.idempotency import idempotent
from cloudplatform.service.aid.queries import load_own_upload
from cloudplatform.service.uploads.errors import (
    AttachmentNotFound,
    UploadLimitReached,
    UploadTooLarge,
    UploadTypeRefused,
)
from cloudplatform.service.uploads.operations import RESIDENT_TYPES, store_user_upload
from cloudplatform.service.uploads.queries import download
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_user, login_required
from miniprogram_api.docs import Blueprint, errors, serves_files

bp = Blueprint("uploads", __name__, url_prefix="/api/v1/services", description="上传文件")

MULTIPART_ALLOWANCE = 64 * 1024  # the multipart envelope around the file(s), on top of their size


def accepts_files(limit: str):
    """Let the view's body be as large as the config's ``limit`` (bytes) plus the multipart envelope,
    where the rest of the API keeps ``MAX_CONTENT_LENGTH`` (1 MB): set before anything reads the body,
    so it goes outside ``login_required``, ``idempotent`` and the arguments."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            request.max_content_length = current_app.config[limit] + MULTIPART_ALLOWANCE
            return view(*args, **kwargs)

        return wrapper

    return decorate


class ResidentUploadSchema(ma.Schema):
    file = UploadField(required=True, metadata={"description": "JPEG, PNG or PDF (judged by its content)"})


class ResidentUploadResultSchema(ma.Schema):
    id = fields.Integer(metadata={"description": "pass it as `upload_id` (used once)", "example": 31})
    name = fields.String(attribute="original_name", metadata={"example": "身份证.png"})
    content_type = fields.String(
        validate=validate.OneOf(list(RESIDENT_TYPES)), metadata={"example": "image/png"}
    )
    size = fields.Integer(
        metadata={"description": "bytes as kept (images re-encoded without EXIF)", "example": 20480}
    )


@bp.route("/uploads", methods=["POST"])
@accepts_files("UPLOAD_MAX_BYTES")
@login_required
@idempotent
@errors(Unprocessable, UploadTypeRefused, UploadTooLarge, PayloadTooLarge, UploadLimitReached)
@bp.arguments(ResidentUploadSchema, location="files")
@bp.response(201, ResidentUploadResultSchema)
def upload(data):
    """上传文件 Upload an image or a PDF

    `multipart/form-data` with the file under `file`: a JPEG, PNG or PDF judged by its content, not its
    name (anything else, e.g. a renamed .exe, answers 422 UPLOAD_TYPE_REFUSED). Images are re-encoded
    without EXIF (no location or camera data is kept). A file over `UPLOAD_MAX_BYTES` (10 MB) answers
    422 UPLOAD_TOO_LARGE, as does an image of too many pixels; a request body over that plus 64 KiB is
    cut off unread with 413 PAYLOAD_TOO_LARGE. At most `RESIDENT_UPLOADS_PER_DAY` (40) files in 24 hours
    (429 UPLOAD_LIMIT_REACHED). The returned `id` is attached to a record once (an aid application's
    `materials`); until then only the uploader can read it (GET /services/uploads/{id}).
    """
    file = data["file"]
    return store_user_upload(current_user(), file.filename or "", file.read())


@bp.route("/uploads/<id:upload_id>", methods=["GET"])
@login_required
@errors(AttachmentNotFound)
@serves_files(bp)
@read_only
def read_upload(upload_id):
    """我上传的文件 Download one's own upload

    Only the uploader reads it here: anyone else's file, or none, answers 404 ATTACHMENT_NOT_FOUND (a
    file attached to an aid application is served to its reviewers through the case).
    """
    return download(load_own_upload(current_user(), upload_id))
