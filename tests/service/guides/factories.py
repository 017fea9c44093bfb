"""Guides and bookables made directly in the database, committed (as tests/factories.py does)."""

import itertools

from cloudplatform.extensions import db
from cloudplatform.service.bookings.models import Bookable
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.guides.operations import search_text_of

_numbers = itertools.count(1)


def make_guide(community, **fields) -> Guide:
    """A published guide of ``community``; ``search_text`` follows its fields as the operations keep it."""
    n = next(_numbers)
    values = {
        "category": "综合服务",
        "title": f"测试事项{n}",
        "purpose": "",
        "eligibility": "",
        "materials": [],
        "location": "社区党群服务中心一楼服务大厅",
        "hours": "周一至周五 8:30-12:00，14:30-18:00",
        "contact_name": "王老师",
        "contact_phone": "0917-3456789",
        **fields,
    }
    guide = Guide(community_id=community.id, **values)
    guide.search_text = search_text_of(guide)
    db.session.add(guide)
    db.session.commit()
    return guide


def make_bookable(community, name="证明开具") -> Bookable:
    bookable = Bookable(community_id=community.id, name=name)
    db.session.add(bookable)
    db.session.commit()
    return bookable
