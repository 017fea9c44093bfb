"""The errors of 上传文件. Their codes are part of the API contract."""

from cloudplatform.errors import NotFound, RateLimited, Unprocessable


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


class UploadNotFound(NotFound):
    """No such upload of the caller's (another user's file is not found either), or it is attached
    already to another record."""

    code, message = "UPLOAD_NOT_FOUND", "文件不存在或已被使用，请重新上传"


class UploadLimitReached(RateLimited):
    """The caller uploaded ``RESIDENT_UPLOADS_PER_DAY`` files in the last 24 hours."""

    code, message = "UPLOAD_LIMIT_REACHED", "今日上传文件数量已达上限，请明天再试"
