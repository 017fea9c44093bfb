"""Reads of 群众点单 both front ends share: the resident's demands, the public 四公开 list and view, the
organisation's own demands, and the loaders (a demand outside the caller's reach answers 404)."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page
from cloudplatform.service.demands.errors import DemandNotFound, OrganisationNotFound
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISPATCHED,
    DONE,
    RATED,
    VERIFIED,
    Demand,
    DemandFile,
    DemandStep,
    Organisation,
    OrganisationCommunity,
    OrganisationStaff,
)

DISPATCH, FULFIL = "demand.dispatch", "demand.fulfil"
PUBLIC = (DISPATCHED, ACCEPTED, DONE, VERIFIED, RATED)  # dispatched: its 四公开 facts are set
LIST_LOAD = (sa.orm.joinedload(Demand.organisation),)
DETAIL_LOAD = (
    sa.orm.selectinload(Demand.steps).joinedload(DemandStep.staff),
    sa.orm.selectinload(Demand.files).joinedload(DemandFile.upload),
)


# -- the resident --------------------------------------------------------------------------------------


def my_demands_page(user: User, cursor: str | None, limit: int):
    """The user's demands with their organisation, newest first: (page, cursor). One statement."""
    stmt = sa.select(Demand).where(Demand.user_id == user.id).options(*LIST_LOAD)
    return keyset_page(stmt, [Demand.id], cursor, limit)


def load_own_demand(user: User, demand_id: int) -> Demand:
    """The user's own demand with its steps and files (another's answers 404)."""
    demand = db.session.scalar(
        sa.select(Demand)
        .where(Demand.id == demand_id, Demand.user_id == user.id)
        .options(*LIST_LOAD, *DETAIL_LOAD)
    )
    if demand is None:
        raise DemandNotFound()
    return demand


# -- 四公开 ------------------------------------------------------------------------------------------------


PUBLIC_LIST = (  # a community's dispatched demands (not held), with their organisations
    sa.select(Demand)
    .where(
        Demand.community_id == sa.bindparam("community_id"),
        Demand.status.in_(PUBLIC),
        Demand.held.is_(False),
    )
    .options(*LIST_LOAD)
)
LATEST_STEPS = sa.select(DemandStep).where(  # the latest step of each of some demands
    DemandStep.id.in_(
        sa.select(sa.func.max(DemandStep.id))
        .where(DemandStep.demand_id.in_(sa.bindparam("demand_ids", expanding=True)))
        .group_by(DemandStep.demand_id)
    )
)


def public_page(community_id: int, cursor: str | None, limit: int):
    """The community's dispatched demands (not held), newest first, for anyone, each with only its latest
    step loaded in ``steps``: (page, cursor). Two statements (one for an empty page)."""
    page, next_cursor = keyset_page(
        PUBLIC_LIST, [Demand.id], cursor, limit, params={"community_id": community_id}
    )
    if not page:
        return page, next_cursor
    latest = {
        step.demand_id: step
        for step in db.session.scalars(LATEST_STEPS, {"demand_ids": [d.id for d in page]})
    }
    for demand in page:
        sa.orm.attributes.set_committed_value(
            demand, "steps", [latest[demand.id]] if demand.id in latest else []
        )
    return page, next_cursor


def reloaded(demand: Demand) -> Demand:
    """The demand as it stands now, its organisation, steps and files read afresh (after a step)."""
    return db.session.scalars(
        sa.select(Demand)
        .where(Demand.id == demand.id)
        .options(*LIST_LOAD, *DETAIL_LOAD)
        .execution_options(populate_existing=True)
    ).one()


def load_public_demand(demand_id: int) -> Demand:
    """A dispatched demand's public view (with its steps); any other answers 404."""
    demand = db.session.scalar(
        sa.select(Demand)
        .where(Demand.id == demand_id, Demand.status.in_(PUBLIC), Demand.held.is_(False))
        .options(*LIST_LOAD, sa.orm.selectinload(Demand.steps))
    )
    if demand is None:
        raise DemandNotFound()
    return demand


# -- staff ---------------------------------------------------------------------------------------------


def load_staff_demand(staff: StaffAccount | None, demand_id: int, action: str = DISPATCH) -> Demand:
    """A demand of one of the staff member's communities, for ``action`` (403 without it, 404 outside)."""
    return permissions.load_scoped(Demand, demand_id, staff, action, DemandNotFound)


def staff_demands_page(
    staff: StaffAccount, status: str | None, community_id: int | None, cursor: str | None, limit: int
):
    """Demands of the staff member's communities (of one status and community when given), newest first."""
    staff = permissions.require(staff, DISPATCH)
    stmt = (
        sa.select(Demand)
        .where(scope_filter(staff, Demand.community_id))
        .options(*LIST_LOAD, sa.orm.joinedload(Demand.user))
    )
    if status:
        stmt = stmt.where(Demand.status == status)
    if community_id:
        stmt = stmt.where(Demand.community_id == community_id)
    return keyset_page(stmt, [Demand.id], cursor, limit)


def serving_page(staff: StaffAccount | None, community_id: int, cursor: str | None, limit: int):
    """The active organisations serving one of the staff member's communities (to dispatch to), by id:
    (page, cursor). Another community's answers an empty page."""
    staff = permissions.require(staff, DISPATCH)
    stmt = (
        sa.select(Organisation)
        .join(OrganisationCommunity, OrganisationCommunity.organisation_id == Organisation.id)
        .where(
            OrganisationCommunity.community_id == community_id,
            scope_filter(staff, OrganisationCommunity.community_id),
            Organisation.active.is_(True),
        )
    )
    return keyset_page(stmt, [Organisation.id], cursor, limit, descending=False)


# -- the organisation's workers ------------------------------------------------------------------------


def organisation_of(staff: StaffAccount | None) -> Organisation:
    """The organisation an ``org_staff`` account works for (403 for any other role)."""
    staff = permissions.require(staff, FULFIL)
    organisation = db.session.scalar(
        sa.select(Organisation)
        .join(OrganisationStaff, OrganisationStaff.organisation_id == Organisation.id)
        .where(OrganisationStaff.staff_id == staff.id)
    )
    if organisation is None:
        raise OrganisationNotFound()
    return organisation


def load_org_demand(staff: StaffAccount | None, demand_id: int) -> Demand:
    """A demand dispatched to the worker's organisation (another organisation's answers 404)."""
    organisation = organisation_of(staff)
    demand = db.session.get(Demand, demand_id)
    if demand is None or demand.organisation_id != organisation.id:
        raise DemandNotFound()
    return demand


def org_demands_page(staff: StaffAccount | None, status: str | None, cursor: str | None, limit: int):
    """The demands dispatched to the worker's organisation, newest first: (page, cursor)."""
    organisation = organisation_of(staff)
    stmt = (
        sa.select(Demand)
        .where(Demand.organisation_id == organisation.id)
        .options(*LIST_LOAD, sa.orm.joinedload(Demand.user))
    )
    if status:
        stmt = stmt.where(Demand.status == status)
    return keyset_page(stmt, [Demand.id], cursor, limit)
