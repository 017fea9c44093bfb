"""Extension objects, created unbound and plugged into the app by create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from cloudplatform.errors import Api
from cloudplatform.orm import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
