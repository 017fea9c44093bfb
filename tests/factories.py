"""factory_boy factories; they commit, as records made before a request must be visible to it."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    Building,
    City,
    Community,
    District,
    Grid,
    ResidencyRequest,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.identity.operations import hasher
from cloudplatform.service.bookings.models import Bookable, Booking, BookingSuspension, Slot
from cloudplatform.wechat.standin import openid_for
from tests.standin import STANDIN_APPID

PASSWORD = "correct-horse-battery"
PASSWORD_HASH = hasher.hash(PASSWORD)  # hashed once: argon2id is slow on purpose


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class StaffAccountFactory(BaseFactory):
    class Meta:
        model = StaffAccount

    username = factory.Sequence(lambda n: f"staff{n}")
    role = "city_admin"
    display_name = factory.Sequence(lambda n: f"工作人员{n}")
    password_hash = PASSWORD_HASH


class CityFactory(BaseFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"测试市{n}")


class DistrictFactory(BaseFactory):
    class Meta:
        model = District

    city_id = factory.LazyFunction(lambda: CityFactory().id)
    name = factory.Sequence(lambda n: f"测试区{n}")


class StreetFactory(BaseFactory):
    class Meta:
        model = Street

    district_id = factory.LazyFunction(lambda: DistrictFactory().id)
    name = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(BaseFactory):
    class Meta:
        model = Community

    street_id = factory.LazyFunction(lambda: StreetFactory().id)
    name = factory.Sequence(lambda n: f"测试社区{n}")


class GridFactory(BaseFactory):
    class Meta:
        model = Grid

    community_id = factory.LazyFunction(lambda: CommunityFactory().id)
    name = factory.Sequence(lambda n: f"第{n}网格")


class BuildingFactory(BaseFactory):
    class Meta:
        model = Building

    grid_id = factory.LazyFunction(lambda: GridFactory().id)
    community_id = factory.LazyAttribute(lambda o: db.session.get(Grid, o.grid_id).community_id)
    name = factory.Sequence(lambda n: f"{n}号楼")


class UserFactory(BaseFactory):
    class Meta:
        model = User

    openid = factory.Sequence(lambda n: openid_for(STANDIN_APPID, f"user-{n}"))  # a stand-in user
    nickname = factory.Sequence(lambda n: f"居民{n}")


class ResidencyRequestFactory(BaseFactory):
    class Meta:
        model = ResidencyRequest

    room, real_name = "1单元101", "张秀兰"


class BookableFactory(BaseFactory):
    class Meta:
        model = Bookable

    name = factory.Sequence(lambda n: f"预约事项{n}")


class SlotFactory(BaseFactory):
    class Meta:
        model = Slot


class BookingFactory(BaseFactory):
    class Meta:
        model = Booking

    status = "confirmed"
    qr_token = factory.Sequence(lambda n: f"qr-token-{n:024d}")


class BookingSuspensionFactory(BaseFactory):
    class Meta:
        model = BookingSuspension
