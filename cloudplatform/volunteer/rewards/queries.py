"""Reads of the 爱心超市 both front ends share: a volunteer's shelf (with what they have left of each
limit) and their redemptions; the staff's scoped loaders, their rewards and the redemption queue."""

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.queries import user_labels
from cloudplatform.locker.models import Cabinet
from cloudplatform.pagination import Keyset, Listed, keyset_page, numbered_page
from cloudplatform.service.uploads.errors import AttachmentNotFound
from cloudplatform.service.uploads.models import Upload
from cloudplatform.volunteer.models import (
    COUNTER,
    LOCKER,
    ON_SHELF,
    RESERVED,
    Redemption,
    Reward,
    RewardCommunity,
    Volunteer,
)
from cloudplatform.volunteer.rewards.errors import RedemptionNotFound, RewardNotFound
from cloudplatform.volunteer.rewards.operations import (
    FULFIL,
    MANAGE,
    cabinets_in_use,
    held_column,
    period_starts,
    redemption_token,
)
from cloudplatform.volunteer.volunteers.errors import NotVolunteer

# -- the volunteer --------------------------------------------------------------------------------------


PLACE = sa.select(  # a volunteer's community and whether it has a cabinet in use
    Volunteer.community_id, sa.exists(cabinets_in_use(Volunteer.community_id)).label("has_cabinet")
).where(Volunteer.user_id == sa.bindparam("user_id"))
SHELF = Keyset(  # a community's rewards on the shelf, newest first, with how many a user holds in its period
    sa.select(Reward, held_column(sa.bindparam("user_id")).label("held"))
    .join(RewardCommunity, RewardCommunity.reward_id == Reward.id)
    .where(RewardCommunity.community_id == sa.bindparam("community_id"), Reward.status == ON_SHELF),
    [Reward.id],
)


def volunteer_place(user: User) -> sa.Row:
    """The caller's (community_id, whether it has a cabinet in use): one statement.

    :raises NotVolunteer: the caller has not registered.
    """
    row = db.session.execute(PLACE, {"user_id": user.id}).first()
    if row is None:
        raise NotVolunteer()
    return row


def shelf_item(reward: Reward, held: int, has_cabinet: bool) -> Listed:
    left = None if reward.per_person is None else max(reward.per_person - held, 0)
    deliveries = [COUNTER, LOCKER] if reward.size is not None and has_cabinet else [COUNTER]
    return Listed(reward, held=held, left=left, deliveries=deliveries)


def shelf_page(user: User, cursor: str | None, limit: int):
    """The rewards on the shelf of the volunteer's community, newest first, each with how many the caller
    holds in its limit's period (``held``), what they have left (``left``; None: no limit) and the
    deliveries possible: two statements (page, next cursor).

    :raises NotVolunteer: the caller has not registered.
    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    place = volunteer_place(user)
    params = {"user_id": user.id, "community_id": place.community_id, **period_starts(now())}
    rows, next_cursor = SHELF.page(cursor, limit, params, values_of=lambda row: [row[0].id])
    return [shelf_item(reward, held, place.has_cabinet) for reward, held in rows], next_cursor


def shelf_reward(user: User, reward_id: int) -> Listed:
    """One reward offered in the volunteer's community (off the shelf too: ``status`` says so), as the
    shelf shows it: two statements.

    :raises NotVolunteer: the caller has not registered.
    :raises RewardNotFound: not offered in their community.
    """
    place = volunteer_place(user)
    row = db.session.execute(
        sa.select(Reward, held_column(user.id).label("held"))
        .join(RewardCommunity, RewardCommunity.reward_id == Reward.id)
        .where(Reward.id == reward_id, RewardCommunity.community_id == place.community_id),
        period_starts(now()),
    ).first()
    if row is None:
        raise RewardNotFound()
    return shelf_item(row[0], row[1], place.has_cabinet)


def shelf_picture(user: User, reward_id: int) -> Upload:
    """The picture of a reward offered in the volunteer's community (a stored upload, by its key).

    :raises NotVolunteer: the caller has not registered.
    :raises RewardNotFound: not offered in their community.
    :raises AttachmentNotFound: the reward has no picture.
    """
    reward = shelf_reward(user, reward_id)
    upload = (
        db.session.scalar(sa.select(Upload).where(Upload.key == reward.picture)) if reward.picture else None
    )
    if upload is None:
        raise AttachmentNotFound()
    return upload


def with_token(redemption: Redemption) -> Listed:
    """A redemption for its volunteer's own eyes: the QR token while it waits at the counter."""
    token = None
    if redemption.status == RESERVED and redemption.delivery == COUNTER:
        token = redemption_token(redemption.id)
    return Listed(redemption, qr_token=token)


def my_redemptions_page(user: User, cursor: str | None, limit: int):
    """The caller's redemptions, newest first, with their rewards: (page, next cursor), one statement.

    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    stmt = sa.select(Redemption).where(Redemption.user_id == user.id).options(joinedload(Redemption.reward))
    items, next_cursor = keyset_page(stmt, [Redemption.id], cursor, limit)
    return [with_token(r) for r in items], next_cursor


def load_own_redemption(user: User, redemption_id: int) -> Redemption:
    """The caller's redemption.

    :raises RedemptionNotFound: none such of theirs.
    """
    redemption = db.session.get(Redemption, redemption_id)
    if redemption is None or redemption.user_id != user.id:
        raise RedemptionNotFound()
    return redemption


# -- staff ----------------------------------------------------------------------------------------------


def load_redemption(staff: StaffAccount | None, redemption_id: int, action: str = FULFIL) -> Redemption:
    """A redemption of the staff member's communities: 403 without the right, 404 outside the scope."""
    return permissions.load_scoped(Redemption, redemption_id, staff, action, RedemptionNotFound)


def load_reward(staff: StaffAccount | None, reward_id: int, action: str = MANAGE) -> Reward:
    """A reward offered in one of the staff member's communities: 403 without the right, 404 otherwise."""
    staff = permissions.require(staff, action)
    reward = db.session.scalar(
        sa.select(Reward).where(
            Reward.id == reward_id,
            sa.exists().where(
                RewardCommunity.reward_id == Reward.id,
                permissions.scope_filter(staff, RewardCommunity.community_id),
            ),
        )
    )
    if reward is None:
        raise RewardNotFound()
    return reward


def reward_communities(reward_ids: list[int]) -> dict[int, list[int]]:
    """Each reward's offering communities (ids, sorted): one statement."""
    found: dict[int, list[int]] = {i: [] for i in reward_ids}
    for reward_id, community_id in db.session.execute(
        sa.select(RewardCommunity.reward_id, RewardCommunity.community_id)
        .where(RewardCommunity.reward_id.in_(reward_ids))
        .order_by(RewardCommunity.reward_id, RewardCommunity.community_id)
    ):
        found[reward_id].append(community_id)
    return found


def staff_rewards(staff: StaffAccount, q: str = "", status: str | None = None, page: int = 1, size: int = 20):
    """The rewards offered in the staff member's communities (console list): numbered page, newest first."""
    stmt = sa.select(Reward).where(
        sa.exists().where(
            RewardCommunity.reward_id == Reward.id,
            permissions.scope_filter(staff, RewardCommunity.community_id),
        )
    )
    if q:
        stmt = stmt.where(
            sa.or_(Reward.name.contains(q, autoescape=True), Reward.donor.contains(q, autoescape=True))
        )
    if status:
        stmt = stmt.where(Reward.status == status)
    return numbered_page(stmt, [Reward.id.desc()], page, size)


def redemption_queue(staff: StaffAccount, status: str | None, cursor: str | None, limit: int):
    """The redemptions of the staff member's communities (``status``: reserved by default; "all" for
    every one), oldest first for the reserved queue, newest first otherwise: (page, next cursor).

    :raises Forbidden: without ``reward.fulfil``.
    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    staff = permissions.require(staff, FULFIL)
    stmt = (
        sa.select(Redemption)
        .where(permissions.scope_filter(staff, Redemption.community_id))
        .options(joinedload(Redemption.reward))
    )
    status = status or RESERVED
    if status != "all":
        stmt = stmt.where(Redemption.status == status)
    items, next_cursor = keyset_page(stmt, [Redemption.id], cursor, limit, descending=status != RESERVED)
    return staff_view(items), next_cursor


def staff_view(redemptions: list[Redemption]) -> list[Listed]:
    """Redemptions with their volunteers' names masked (``volunteer_name``): one statement."""
    labels = user_labels(r.user_id for r in redemptions)
    return [
        Listed(r, volunteer_name=labels[r.user_id].name if r.user_id in labels else f"微信用户{r.user_id}")
        for r in redemptions
    ]


# -- the console ----------------------------------------------------------------------------------------


def redemptions_list(staff: StaffAccount, status: str | None, q: str = "", page: int = 1):
    """The console's redemption queue: those of the staff member's communities in ``status`` (None: every
    one), the waiting ones oldest first, the others newest first; ``q`` a reward's name. Numbered page (two
    statements) of redemptions with their rewards and volunteers' masked names (``volunteer_name``; one
    more)."""
    staff = permissions.require(staff, FULFIL)
    stmt = (
        sa.select(Redemption)
        .join(Reward, Reward.id == Redemption.reward_id)
        .where(permissions.scope_filter(staff, Redemption.community_id))
        .options(joinedload(Redemption.reward))
    )
    if status:
        stmt = stmt.where(Redemption.status == status)
    if q:
        stmt = stmt.where(Reward.name.contains(q, autoescape=True))
    order = [Redemption.id.asc()] if status == RESERVED else [Redemption.id.desc()]
    found = numbered_page(stmt, order, page)
    return dataclasses.replace(found, items=staff_view(found.items))


def cabinets_in_scope(staff: StaffAccount) -> list[tuple[int, int, str]]:
    """The cabinets in use of the staff member's communities: (id, community id, name), one statement."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Cabinet.id, Cabinet.community_id, Cabinet.name)
            .where(permissions.scope_filter(staff, Cabinet.community_id), Cabinet.disabled.is_(False))
            .order_by(Cabinet.id)
        )
    ]
