"""困难救助 test helpers: the five default categories, a verified resident at an address, an uploaded
material, a valid ID number, and the standing clock's start (Monday 2026-12-07 08:00, Asia/Shanghai)."""

import io
from datetime import datetime

from PIL import Image

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import RESIDENT, Membership
from cloudplatform.service.aid.categories import install_default_categories
from cloudplatform.service.aid.models import AidCategory
from cloudplatform.service.uploads.operations import store_user_upload
from tests.world import wechat_user

START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)
ID_NUMBER = "610302199001011232"  # a valid check digit (GB 11643)
OTHER_ID_NUMBER = "610302198505051233"


def categories() -> dict[str, AidCategory]:
    """The default categories by key (临时救助 ``temporary``, 医疗救助 ``medical`` ...)."""
    install_default_categories()
    _db.session.commit()
    return {c.key: c for c in _db.session.scalars(_db.select(AidCategory))}


def resident_at(world, name: str, room: str = "1-101", community=None):
    """A verified resident of ``community`` (default the world's home) living in ``room``."""
    community = community or world.home
    user = wechat_user(name)
    _db.session.add(
        Membership(
            user_id=user.id,
            community_id=community.id,
            role=RESIDENT,
            building_id=world.buildings[community.id],
            room=room,
        )
    )
    _db.session.commit()
    return user


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "PNG")
    return out.getvalue()


def upload_for(user, name: str = "身份证.png") -> int:
    """An image the user uploaded (as the mini-program does), ready to attach; its id."""
    upload = store_user_upload(user, name, png_bytes())
    _db.session.commit()
    return upload.id


def application_fields(world, category: AidCategory, **overrides) -> dict:
    """Everything ``operations.apply`` needs for a plain case in the world's home community."""
    fields = {
        "community_id": world.home.id,
        "category_id": category.id,
        "applicant_name": "李桂芳",
        "id_number": ID_NUMBER,
        "phone": "13800001234",
        "monthly_income": 120000,
        "situation": "丈夫因病去世，独自抚养两个孩子",
        "reason": "孩子住院，医疗费用无力承担",
        "household": [{"name": "王小明", "relation": "子", "age": 9}],
        "amount_requested": 300000,
    }
    fields.update(overrides)
    return fields
