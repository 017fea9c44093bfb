"""志愿云: 服务证明 — the service certificates issued to volunteers of the staff member's communities, newest
first (names masked; search by name, community and status filters), and revoking one with a reason."""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from admin import bp
from admin.auth import current_staff, login_required
from admin.lists import list_args
from admin.party.forms import line
from admin.party.views import attempt
from admin.pickers import chosen_community, community_choice
from cloudplatform.identity import queries as identity
from cloudplatform.identity.permissions import allows, require
from cloudplatform.privacy import mask_name
from cloudplatform.volunteer.certificates import queries
from cloudplatform.volunteer.certificates.operations import revoke_certificate
from cloudplatform.volunteer.certificates.render import star_text

SORTS = ("-issued", "issued", "name", "-name", "-minutes", "minutes")


class RevokeForm(FlaskForm):
    reason = line("撤销原因", 200, required=True)


@bp.get("/volunteer/certificates")
@login_required
def volunteer_certificates():
    """The certificates issued in the staff member's communities, newest first: number, the volunteer
    (masked), community, hours, star level, period, when, valid or revoked (why, by whom); revoke."""
    staff = require(current_staff(), queries.VIEW)
    args = list_args(sorts=SORTS, filters=("community_id", "status"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    status = args.get("status") if args.get("status") in queries.STATUS_NAMES else None
    page = queries.certificates_list(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        status=status,
        sort=args.sort,
        page=args.page,
    )
    return render_template(
        "admin/volunteer/certificates.html",
        page=page,
        args=args,
        choice=choice,
        chosen=chosen,
        statuses=list(queries.STATUS_NAMES.items()),
        names=identity.community_names({c.volunteer.community_id for c in page.items}),
        number=queries.certificate_number,
        stars=star_text,
        may_revoke=allows(staff, queries.REVOKE),
        form=RevokeForm(formdata=None),
    )


@bp.post("/volunteer/certificates/<id:certificate_id>/revoke")
@login_required
def volunteer_certificate_revoke(certificate_id):
    """Revoke a certificate with a reason (audited): its QR code then verifies as revoked."""
    staff = current_staff()
    certificate = queries.load_certificate(staff, certificate_id)
    back = url_for("admin.volunteer_certificates")
    form = RevokeForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    number, name = queries.certificate_number(certificate), mask_name(certificate.volunteer.real_name)
    return attempt(
        lambda: revoke_certificate(staff, certificate, form.reason.data),
        back,
        f"已撤销证明 {number}（{name}）",
    )
