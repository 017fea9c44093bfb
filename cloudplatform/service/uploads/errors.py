"""The errors of 上传文件. Their codes are part of the API contract."""

from cloudplatform.errors import NotFound, Unprocessable


class AttachmentNotFound(NotFound):
    """No such attachment on this record (or the record is not the caller's to see)."""

    code, message = "ATTACHMENT_NOT_FOUND", "附件不存在"


class UploadTypeRefused(Unprocessable):
    """(Console) The file is not a PDF, JPEG, PNG, Word (.docx), Excel (.xlsx) or plain text file."""

    code, message = (
        "UPLOAD_TYPE_REFUSED",
        "只能上传 PDF、JPEG、PNG、Word（.docx）、Excel（.xlsx）或纯文本文件",
    )


class UploadTooLarge(Unprocessable):
    """(Console) The file is larger than allowed (``UPLOAD_MAX_BYTES``), or an image has too many pixels."""

    code, message = "UPLOAD_TOO_LARGE", "文件过大"
