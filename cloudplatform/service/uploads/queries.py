"""Reads of 上传文件: one upload's bytes, and the response that hands it over."""

from flask import Response

from cloudplatform.service.uploads.models import Upload
from cloudplatform.storage import download_response, get_storage


def read_upload(upload: Upload) -> bytes:
    """The upload's bytes from the storage."""
    return get_storage().open(upload.key)


def download(upload: Upload) -> Response:
    """The upload as a file to save under its original name (never shown inline)."""
    return download_response(read_upload(upload), upload.original_name, upload.content_type)
