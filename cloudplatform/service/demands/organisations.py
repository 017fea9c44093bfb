"""社会组织 as their home community's staff keep them: create and edit an organisation (the communities it
serves, its service areas, 备案号, contact, whether it takes demands) and give it worker accounts (role
``org_staff``, linked to it). Every change is audited."""

from collections.abc import Iterable

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import UsernameTaken, WeakPassword
from cloudplatform.identity.models import ORG_STAFF, Community, StaffAccount
from cloudplatform.identity.operations import MIN_PASSWORD_LENGTH, hasher
from cloudplatform.identity.permissions import in_scope, requires
from cloudplatform.orm import flush_unique
from cloudplatform.service.demands.errors import OrganisationNotFound
from cloudplatform.service.demands.models import (
    CATEGORIES,
    ORGANISATION_KINDS,
    SOCIAL,
    Organisation,
    OrganisationCommunity,
    OrganisationStaff,
)

MANAGE = "organisation.manage"
FIELDS = ("name", "kind", "registration_no", "contact_name", "contact_phone", "active")


def load_organisation(staff: StaffAccount | None, organisation_id: int) -> Organisation:
    """An organisation kept by one of the staff member's communities (403 without the right, 404 outside)."""
    return permissions.load_scoped(Organisation, organisation_id, staff, MANAGE, OrganisationNotFound)


def _served(staff: StaffAccount, home_id: int, community_ids: Iterable[int]) -> list[int]:
    """The home community and the others given that exist and lie in the staff member's scope."""
    wanted = {home_id, *community_ids}
    known = db.session.scalars(sa.select(Community.id).where(Community.id.in_(wanted)))
    return sorted(c for c in known if c == home_id or in_scope(staff, c))


def _serve(organisation: Organisation, community_ids: list[int]) -> None:
    db.session.execute(
        sa.delete(OrganisationCommunity).where(
            OrganisationCommunity.organisation_id == organisation.id,
            OrganisationCommunity.community_id.not_in(community_ids),
        )
    )
    have = set(
        db.session.scalars(
            sa.select(OrganisationCommunity.community_id).where(
                OrganisationCommunity.organisation_id == organisation.id
            )
        )
    )
    db.session.add_all(
        OrganisationCommunity(organisation_id=organisation.id, community_id=c)
        for c in community_ids
        if c not in have
    )


def _clean(fields: dict) -> dict:
    values = {k: fields[k] for k in FIELDS if k in fields}
    for key in ("name", "registration_no", "contact_name", "contact_phone"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if values.get("kind") not in ORGANISATION_KINDS:
        values["kind"] = SOCIAL
    return values


@requires(MANAGE)
def create_organisation(
    staff: StaffAccount,
    community_id: int,
    *,
    service_areas: Iterable[str] = (),
    communities: Iterable[int] = (),
    **fields,
) -> Organisation:
    """A new organisation kept by ``community_id`` (in the staff member's scope, else 404), serving it
    and the other ``communities`` of the scope given."""
    if not in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise OrganisationNotFound()
    organisation = Organisation(
        community_id=community_id,
        service_areas=[a for a in service_areas if a in CATEGORIES],
        **_clean(fields),
    )
    db.session.add(organisation)
    db.session.flush()
    served = _served(staff, community_id, communities)
    _serve(organisation, served)
    record(
        staff,
        "organisation.create",
        target=organisation,
        community_id=community_id,
        details={"name": organisation.name, "communities": served},
    )
    return organisation


@requires(MANAGE)
def update_organisation(
    staff: StaffAccount,
    organisation: Organisation,
    *,
    service_areas: Iterable[str] | None = None,
    communities: Iterable[int] | None = None,
    **fields,
) -> Organisation:
    """Change the organisation's particulars, areas and the communities it serves (its home always)."""
    if not in_scope(staff, organisation.community_id):
        raise OrganisationNotFound()
    for key, value in _clean({"kind": organisation.kind, **fields}).items():
        setattr(organisation, key, value)
    if service_areas is not None:
        organisation.service_areas = [a for a in service_areas if a in CATEGORIES]
    details: dict = {"name": organisation.name, "active": organisation.active}
    if communities is not None:
        # the communities served outside the staff member's scope (added by a wider admin) are kept
        current = db.session.scalars(
            sa.select(OrganisationCommunity.community_id).where(
                OrganisationCommunity.organisation_id == organisation.id
            )
        )
        kept = {c for c in current if not in_scope(staff, c)}
        served = sorted({*_served(staff, organisation.community_id, communities), *kept})
        _serve(organisation, served)
        details["communities"] = served
    record(
        staff,
        "organisation.update",
        target=organisation,
        community_id=organisation.community_id,
        details=details,
    )
    return organisation


@requires(MANAGE)
def add_worker(
    staff: StaffAccount, organisation: Organisation, username: str, display_name: str, password: str
) -> StaffAccount:
    """A console account (role ``org_staff``, no community or street) working for the organisation.

    :raises UsernameTaken: the username is in use.
    :raises WeakPassword: the password is short, or the username.
    """
    if not in_scope(staff, organisation.community_id):
        raise OrganisationNotFound()
    if len(password) < MIN_PASSWORD_LENGTH or password == username.strip():
        raise WeakPassword.for_field("password")
    account = StaffAccount(
        username=username.strip(),
        password_hash=hasher.hash(password),
        display_name=display_name.strip(),
        role=ORG_STAFF,
        community_id=None,
        street_id=None,
    )
    db.session.add(account)
    flush_unique(db.session, UsernameTaken())
    db.session.add(OrganisationStaff(organisation_id=organisation.id, staff_id=account.id))
    db.session.flush()
    record(
        staff,
        "organisation.add_worker",
        target=organisation,
        community_id=organisation.community_id,
        details={"username": account.username, "staff_id": account.id},
    )
    return account
