"""Demo data for the embedded default, loaded once by the run command (``flask demo load``): each
domain's ``demo`` module in turn. Demo accounts and their dev login codes are listed in the README.
"""

import click
import sqlalchemy as sa
from flask import Flask

from cloudplatform.extensions import db
from cloudplatform.identity import demo as identity_demo
from cloudplatform.identity.demo import TOTAL_COMMUNITIES  # noqa: F401  (tests read it here)
from cloudplatform.identity.models import RESIDENT, City
from cloudplatform.locker import demo as locker_demo
from cloudplatform.party import demo as party_demo
from cloudplatform.party.models import PartyUnit
from cloudplatform.service.aid import demo as aid_demo
from cloudplatform.service.bookings import demo as bookings_demo
from cloudplatform.service.demands import demo as demands_demo
from cloudplatform.service.guides import demo as guides_demo
from cloudplatform.service.notices import demo as notices_demo
from cloudplatform.volunteer import demo as volunteer_demo


def load_demo_data() -> bool:
    """Create the demo records unless they exist; returns whether anything was loaded."""
    if db.session.scalar(sa.select(City.id).limit(1)) is not None:
        return False
    communities, accounts = identity_demo.load_demo()
    huoju, jinhe = communities["火炬路社区"], communities["金河尚居社区"]
    staff = accounts["huoju_staff"]
    bookables = bookings_demo.load_demo(huoju, staff)
    jinhe_bookables = bookings_demo.load_demo(
        jinhe, accounts["jinhe_admin"], names=("证明开具", "活动室预约")
    )
    for community in (huoju, jinhe):
        bookings_demo.refused_reminder(notices_demo.members(community, RESIDENT, 1)[0], "证明开具")
    guides_demo.load_demo(huoju, staff, bookables)
    guides_demo.load_demo(jinhe, accounts["jinhe_admin"], jinhe_bookables)
    notices_demo.load_demo(huoju, staff)
    notices_demo.load_estate_demo(jinhe, accounts["jinhe_admin"])
    notices_demo.load_street_demo(accounts["gaoxin"])
    party_demo.load_demo(huoju, jinhe, staff)
    locker_demo.load_demo(huoju, jinhe, staff)
    aid_demo.load_demo(huoju, jinhe, accounts)
    volunteer_demo.load_demo(huoju, jinhe, staff, accounts["jinhe_admin"])
    power_unit = db.session.scalar(
        sa.select(PartyUnit.id).where(
            PartyUnit.community_id == huoju.id, PartyUnit.name == demands_demo.PARTY_UNIT_NAME
        )
    )
    demands_demo.load_demo(communities, accounts, power_unit)
    return True


def register_cli(app: Flask) -> None:
    group = click.Group("demo", help="Demo data.")

    @group.command("load")
    def load():
        """Load the demo data once (does nothing when it is already there); refused in production."""
        if app.config["CLOUDPLATFORM_ENV"] == "production":
            raise click.ClickException(
                "生产环境不能加载演示数据（演示账号的密码是公开的）: demo data is refused in production"
            )
        loaded = load_demo_data()
        db.session.commit()
        click.echo("demo data loaded" if loaded else "demo data already present")

    app.cli.add_command(group)
