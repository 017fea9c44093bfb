"""The city's configuration of 困难救助: its categories (the materials each needs, the steps its review
takes, its deadline and ceiling), changed by city admins (``aid.configure``) and audited."""

import secrets

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import requires
from cloudplatform.service.aid.errors import AidCategoryNotFound
from cloudplatform.service.aid.models import AidCategory

CONFIGURE_RIGHT = "aid.configure"
FIELDS = (
    "name",
    "description",
    "materials",
    "needs_visit",
    "publicity_days",
    "deadline_working_days",
    "emergency_allowed",
    "max_amount",
    "active",
    "sort",
)


def all_categories() -> list[AidCategory]:
    """Every category, the inactive ones too, in their order."""
    return list(db.session.scalars(sa.select(AidCategory).order_by(AidCategory.sort, AidCategory.id)))


def load_category(category_id: int) -> AidCategory:
    """A category by id; 404 when there is none."""
    category = db.session.get(AidCategory, category_id)
    if category is None:
        raise AidCategoryNotFound()
    return category


def _clean(fields: dict) -> dict:
    values = {name: fields[name] for name in FIELDS if name in fields}
    if "materials" in values:
        seen: list[str] = []
        for item in values["materials"]:
            item = item.strip()
            if item and item not in seen:
                seen.append(item)
        values["materials"] = seen
    return values


@requires(CONFIGURE_RIGHT)
def create_category(staff: StaffAccount, **fields) -> AidCategory:
    """Offer a new category of aid (``FIELDS``; amounts in fen)."""
    category = AidCategory(key=f"custom-{secrets.token_hex(6)}", **_clean(fields))
    db.session.add(category)
    db.session.flush()
    record(staff, "aid_category.create", target=category, details={"name": category.name})
    return category


@requires(CONFIGURE_RIGHT)
def update_category(staff: StaffAccount, category: AidCategory, **fields) -> AidCategory:
    """Change a category; cases already submitted keep their deadline, new steps follow the change."""
    values = _clean(fields)
    changed = {name: value for name, value in values.items() if getattr(category, name) != value}
    for name, value in changed.items():
        setattr(category, name, value)
    db.session.flush()
    record(staff, "aid_category.update", target=category, details={"changed": sorted(changed)})
    return category
