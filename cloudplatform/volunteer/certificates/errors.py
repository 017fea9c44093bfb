"""The errors of service certificates. Their codes are part of the API contract."""

from cloudplatform.errors import AppError, Conflict, NotFound, ServiceUnavailable, Unprocessable


class CertificateNotFound(NotFound):
    """No certificate with that token (a forged or mistyped one), or no certificate of that id in the staff
    member's communities."""

    code, message = "CERTIFICATE_NOT_FOUND", "证明不存在或验证码无效"


class CertificateRevoked(AppError):
    """The certificate was revoked by community staff: it no longer proves anything (``details``: its
    number and ``revoked_at``)."""

    status, code, message = 410, "CERTIFICATE_REVOKED", "该证明已撤销"
    example_details = {"number": "ZY2026-000123", "revoked_at": "2026-12-08T02:00:00+00:00"}


class CertificateAlreadyRevoked(Conflict):
    """The certificate was revoked before (by someone else a moment ago, perhaps)."""

    code, message = "CERTIFICATE_ALREADY_REVOKED", "该证明已撤销，无需重复操作"


class CertificateReasonRequired(Unprocessable):
    """A revocation says why, in at most 200 characters (``details.fields.reason``)."""

    code, message = "CERTIFICATE_REASON_REQUIRED", "请填写撤销原因（200字以内）"


class InvalidCertificateYear(Unprocessable):
    """A certificate's year is in the future (``details.fields.year``): a year's certificate covers a year
    up to today."""

    code, message = "INVALID_CERTIFICATE_YEAR", "年份无效：只能开具今年及以前年份的证明"


class CertificateFontMissing(ServiceUnavailable):
    """The server cannot draw the certificate now (its Chinese font, ``CERTIFICATE_FONT_PATH``, is
    missing); nothing was issued. Try again later; the operator installs the font."""

    code, message = "CERTIFICATE_FONT_MISSING", "证明生成服务暂不可用，请稍后再试"
