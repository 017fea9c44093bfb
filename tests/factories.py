"""factory_boy factories; they commit, as records made before a request must be visible to it."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.operations import hasher

PASSWORD = "correct-horse-battery"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class StaffAccountFactory(BaseFactory):
    class Meta:
        model = StaffAccount

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"工作人员{n}")
    password_hash = factory.LazyFunction(lambda: hasher.hash(PASSWORD))
