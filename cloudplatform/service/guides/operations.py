"""办事指南: staff write, publish and unpublish the guides of their communities."""

from collections.abc import Iterable

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.errors import NotFound
from cloudplatform.extensions import db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.identity.permissions import in_scope, requires
from cloudplatform.service.bookings.models import Bookable
from cloudplatform.service.guides.errors import BookableNotInCommunity, TooManyAttachments
from cloudplatform.service.guides.models import Guide, GuideUpload
from cloudplatform.service.uploads.operations import store_uploads

ACTION = "guide.manage"
# What staff may set on a guide; community_id is fixed at creation.
FIELDS = {
    "category",
    "title",
    "purpose",
    "eligibility",
    "materials",
    "location",
    "hours",
    "contact_name",
    "contact_phone",
    "bookable_id",
}
SEARCHED = ("title", "purpose", "eligibility", "materials")
MAX_ATTACHMENTS = 10


def search_text_of(guide: Guide) -> str:
    """What the search matches: title, purpose, eligibility and materials, lower-cased, one per line."""
    parts = [guide.title or "", guide.purpose or "", guide.eligibility or "", *(guide.materials or [])]
    return "\n".join(parts).lower()


@requires(ACTION)
def create_guide(
    staff: StaffAccount,
    community_id: int,
    *,
    published: bool = True,
    files: Iterable[tuple[str, bytes]] = (),
    **fields,
) -> Guide:
    """Write a guide for one of the staff member's communities, with ``files`` (name, bytes) attached.

    :raises NotFound: the community is not one of theirs.
    :raises Unprocessable: the linked bookable is not a service of that community.
    """
    if not in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise CommunityNotFound()
    guide = Guide(community_id=community_id, published=published, materials=[])
    apply_fields(guide, fields)
    db.session.add(guide)
    db.session.flush()
    record(staff, "guide.create", target=guide, community_id=community_id, details={"title": guide.title})
    _attach_files(staff, guide, files)
    return guide


@requires(ACTION)
def update_guide(
    staff: StaffAccount, guide: Guide, *, files: Iterable[tuple[str, bytes]] = (), **fields
) -> Guide:
    """Change a guide's text, contact or linked bookable; attach ``files`` (name, bytes) beside its others.

    :raises Unprocessable: the linked bookable is not a service of the guide's community.
    """
    _check_scope(staff, guide)
    changed = sorted(name for name, value in fields.items() if getattr(guide, name) != value)
    apply_fields(guide, fields)
    db.session.flush()
    record(staff, "guide.update", target=guide, community_id=guide.community_id, details={"fields": changed})
    _attach_files(staff, guide, files)
    return guide


@requires(ACTION)
def publish_guide(staff: StaffAccount, guide: Guide) -> Guide:
    """Show the guide to residents again."""
    return _set_published(staff, guide, True)


@requires(ACTION)
def unpublish_guide(staff: StaffAccount, guide: Guide) -> Guide:
    """Hide the guide from residents; staff still see and edit it."""
    return _set_published(staff, guide, False)


def _set_published(staff: StaffAccount, guide: Guide, published: bool) -> Guide:
    _check_scope(staff, guide)
    if guide.published != published:
        guide.published = published
        db.session.flush()
        action = "guide.publish" if published else "guide.unpublish"
        record(staff, action, target=guide, community_id=guide.community_id)
    return guide


def _check_scope(staff: StaffAccount, guide: Guide) -> None:
    if not in_scope(staff, guide.community_id):
        raise NotFound()


def _attach_files(staff: StaffAccount, guide: Guide, files: Iterable[tuple[str, bytes]]) -> None:
    """Upload the files and link them to the guide, at most ``MAX_ATTACHMENTS`` in all."""
    files = list(files)
    if not files:
        return
    present = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(GuideUpload).where(GuideUpload.guide_id == guide.id)
        )
        or 0
    )
    if present + len(files) > MAX_ATTACHMENTS:
        raise TooManyAttachments.for_field("files", f"附件最多 {MAX_ATTACHMENTS} 个")
    for upload in store_uploads(staff, guide.community_id, files):
        db.session.add(GuideUpload(guide_id=guide.id, upload_id=upload.id))
    db.session.flush()


def apply_fields(guide: Guide, fields: dict) -> None:
    """Check the linked bookable, set the given fields, and keep ``search_text`` in step."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"not a guide field: {', '.join(sorted(unknown))}")
    if fields.get("bookable_id") is not None:
        check_bookable(fields["bookable_id"], guide.community_id)
    if "materials" in fields:
        fields["materials"] = [item.strip() for item in fields["materials"] if item and item.strip()]
    for name, value in fields.items():
        setattr(guide, name, value)
    if guide.search_text is None or set(fields) & set(SEARCHED):
        guide.search_text = search_text_of(guide)


def check_bookable(bookable_id: int, community_id: int) -> None:
    """A guide links only to a service of its own community."""
    owner = db.session.scalar(sa.select(Bookable.community_id).where(Bookable.id == bookable_id))
    if owner != community_id:
        raise BookableNotInCommunity.for_field("bookable_id")
