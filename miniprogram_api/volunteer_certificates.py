"""志愿服务证明: a volunteer downloads a certificate of their confirmed hours (a PNG whose QR code links to
its public verification) and lists those issued; anyone verifies one by its token, as JSON or, in a
browser, as a small page; staff revoke one with a reason."""

from flask import Response, current_app, render_template, request, url_for

from cloudplatform.clock import local
from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.privacy import mask_name
from cloudplatform.transaction import read_only
from cloudplatform.volunteer.certificates import errors as ce
from cloudplatform.volunteer.certificates import queries, schemas
from cloudplatform.volunteer.certificates.operations import issue_certificate, revoke_certificate
from cloudplatform.volunteer.certificates.render import CertificateText, render_png, star_text
from cloudplatform.volunteer.volunteers import errors as ve
from miniprogram_api.auth import (
    current_staff,
    current_user,
    login_required,
    public_rate_limit,
    rate_limited,
)
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint(
    "volunteer_certificates", __name__, url_prefix="/api/v1/volunteer", description="志愿云：服务证明"
)
staff_bp = Blueprint(
    "volunteer_certificates_staff",
    __name__,
    url_prefix="/api/v1/staff/volunteer",
    description="工作人员：志愿服务证明",
    errors=(StaffOnly, Forbidden),
)
VERIFY_URL_HEADER = "X-Certificate-Verify-Url"
HTML, JSON = "text/html", "application/json"


def certificate_rate_limit() -> str:
    return current_app.config["CERTIFICATE_RATE_LIMIT"]


def wants_html() -> bool:
    """A browser (the QR code opened by a phone's camera or WeChat) prefers HTML to JSON."""
    return request.accept_mimetypes.best_match([JSON, HTML]) == HTML


def verify_url(token: str) -> str:
    """The certificate's public verification address, on the host the caller reached us by."""
    return url_for("volunteer_certificates.verify_certificate", token=token, _external=True)


@bp.route("/me/certificate", methods=["GET"])
@login_required
@rate_limited(certificate_rate_limit, key_func=lambda: f"certificates:{current_user().id}")
@errors(ve.NotVolunteer, ce.InvalidCertificateYear, ce.CertificateFontMissing)
@bp.arguments(schemas.CertificateArgsSchema, location="query")
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="image/png",
    description="the certificate as a PNG image (1240 × 877 pixels)",
    headers={
        VERIFY_URL_HEADER: {
            "description": "the address its QR code carries (to share as a link)",
            "schema": {
                "type": "string",
                "example": "https://baoji.example.cn/api/v1/volunteer/certificates/"
                "q2Vd0s1mN7bX4kP9rT6yW3zA8cE5fH2j",
            },
        }
    },
)
def my_certificate(args):
    """开具志愿服务证明 Issue the caller's service certificate

    Each call issues a new certificate and answers it as a PNG (`wx.downloadFile` with the bearer
    token, then `wx.previewImage` or save it): the volunteer's real name, community, confirmed hours,
    star level (★, by all confirmed hours), the period, the issue date, the certificate's number and a
    QR code of its public verification address (`GET /volunteer/certificates/{token}`, also in the
    `X-Certificate-Verify-Url` header; the token is given only here, never again). Without `year`
    it certifies all confirmed hours since registration; with `year`, the hours of that calendar year's
    shifts up to today. Limited per user (`CERTIFICATE_RATE_LIMIT`, 10 an hour by default). If the
    server cannot draw it now, 503 CERTIFICATE_FONT_MISSING, and nothing is issued.
    """
    certificate, token = issue_certificate(current_user(), args["year"])
    volunteer = certificate.volunteer
    url = verify_url(token)
    registered = local(volunteer.created_at).date()
    png = render_png(
        CertificateText(
            name=volunteer.real_name,
            community=volunteer.community.name,
            minutes=certificate.minutes,
            star_level=certificate.star_level,
            period=queries.period_text(certificate.period_from, certificate.period_to, registered),
            issued_on=local(certificate.created_at).date(),
            number=queries.certificate_number(certificate),
            url=url,
        )
    )
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = (
        f'inline; filename="certificate-{queries.certificate_number(certificate)}.png"'
    )
    response.headers[VERIFY_URL_HEADER] = url
    return response


@bp.route("/me/certificates", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.CertificateSchema, "VolunteerCertificatePage"))
@read_only
def my_certificates(args):
    """我的服务证明 The caller's certificates

    Those issued to the caller, newest first: number, hours, star level, period, when, and whether staff
    revoked it. The images are not kept: download a new one with GET /volunteer/me/certificate.
    """
    items, cursor = queries.own_certificates_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


def page_facts(found: queries.Verified) -> dict:
    """A valid certificate's facts as the verification page shows them (the name masked)."""
    certificate = found.certificate
    issued = local(certificate.created_at).date()
    return {
        "number": queries.certificate_number(certificate),
        "name": mask_name(found.volunteer.real_name),
        "community": found.community.name,
        "hours": f"{certificate.minutes / 60:.1f}",
        "stars": star_text(certificate.star_level),
        "period": queries.period_text(certificate.period_from, certificate.period_to, found.registered_on),
        "issued": f"{issued.year}年{issued.month}月{issued.day}日",
    }


def verification_page(status: int, **context):
    response = Response(
        render_template("certificate_verification.html", status=status, **context),
        status=status,
        mimetype="text/html",
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/certificates/<string(length=32):token>", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(ce.CertificateNotFound, NotFound, ce.CertificateRevoked)
@bp.response(200, schemas.CertificateVerificationSchema)
@bp.doc(
    responses={
        200: {
            "content": {
                HTML: {
                    "schema": {"type": "string"},
                    "example": "<!doctype html>…<h1>志愿服务证明 · 有效</h1>…",
                }
            }
        }
    }
)
@read_only
def verify_certificate(token):
    """验证志愿服务证明 Verify a service certificate

    Public, no login: what the certificate's QR code links to. A valid certificate answers its facts
    with the volunteer's name masked (`valid: true`); a revoked one 410 CERTIFICATE_REVOKED (with its
    number and `revoked_at` in `details`); an unknown or forged token 404 CERTIFICATE_NOT_FOUND (a path
    that is no token at all, 404 NOT_FOUND). A browser (`Accept` preferring `text/html`, as a phone's
    camera or WeChat opening the QR code sends) gets the same as a small Chinese page, with the same
    status: 有效, 该证明已撤销, or 证明不存在. Limited per address (`PUBLIC_RATE_LIMIT`). The token is
    a bearer secret: it proves the certificate to whoever holds it.
    """
    html = wants_html()
    try:
        found = queries.verify(token)
    except ce.CertificateRevoked as error:
        if not html:
            raise
        return verification_page(error.status, revoked=True, number=error.details["number"])
    except ce.CertificateNotFound as error:
        if not html:
            raise
        return verification_page(error.status, missing=True)
    if html:
        return verification_page(200, facts=page_facts(found))
    return found, 200, {"Cache-Control": "no-store", "Vary": "Accept"}


@staff_bp.route("/certificates/<id:certificate_id>/revoke", methods=["POST"])
@login_required
@errors(ce.CertificateReasonRequired, ce.CertificateAlreadyRevoked, ce.CertificateNotFound)
@staff_bp.arguments(schemas.CertificateRevokeSchema)
@staff_bp.response(200, schemas.RevokedCertificateSchema)
def revoke(data, certificate_id):
    """撤销志愿服务证明 Revoke a service certificate

    Of a volunteer of the caller's communities (`certificate.revoke`: community, street and city
    admins), with a reason; once (409 CERTIFICATE_ALREADY_REVOKED after). Its QR code then verifies
    as revoked (410 CERTIFICATE_REVOKED, 该证明已撤销). Audited.
    """
    certificate = queries.load_certificate(current_staff(), certificate_id)
    return revoke_certificate(current_staff(), certificate, data["reason"])
