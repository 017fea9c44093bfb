"""The categories a city starts with (临时救助, 医疗救助, 助残, 助学, 其他), each with its checklist and the
steps its review takes; staff change them in the console (``aid.configure``)."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.service.aid.models import AidCategory

DEFAULTS = (
    {
        "key": "temporary",
        "name": "临时救助",
        "description": "因火灾、交通事故、突发重大疾病等原因，基本生活暂时出现严重困难的家庭",
        "materials": ["身份证", "户口簿", "困难情况说明", "收入证明"],
        "emergency_allowed": True,
        "max_amount": 1_000_000,
    },
    {
        "key": "medical",
        "name": "医疗救助",
        "description": "自付医疗费用超出家庭承受能力的低收入家庭",
        "materials": ["身份证", "户口簿", "诊断证明", "医疗费用票据", "收入证明"],
        "emergency_allowed": True,
        "max_amount": 3_000_000,
    },
    {
        "key": "disability",
        "name": "助残",
        "description": "持证残疾人的生活补贴、康复与辅具",
        "materials": ["身份证", "户口簿", "残疾人证"],
        "max_amount": 500_000,
    },
    {
        "key": "education",
        "name": "助学",
        "description": "困难家庭在校学生的学费与生活费资助",
        "materials": ["身份证", "户口簿", "学籍证明", "收入证明"],
        "max_amount": 800_000,
    },
    {
        "key": "other",
        "name": "其他",
        "description": "以上类别之外的困难",
        "materials": ["身份证", "困难情况说明"],
        "needs_visit": True,
    },
)


def install_default_categories() -> int:
    """Add the default categories the city does not have yet (by key); returns how many were added."""
    have = set(db.session.scalars(sa.select(AidCategory.key)))
    added = [AidCategory(sort=n, **fields) for n, fields in enumerate(DEFAULTS) if fields["key"] not in have]
    db.session.add_all(added)
    db.session.flush()
    return len(added)
