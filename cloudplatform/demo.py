"""Demo data for the embedded default: loaded once by the run command (``flask demo load``)."""

import click
from flask import Flask

from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.operations import create_staff_account

# Console accounts listed in the README; development only.
DEMO_STAFF = [
    ("admin", "baoji-demo-2026", "系统管理员"),
]


def load_demo_data() -> bool:
    """Create the demo records unless they exist; returns whether anything was loaded."""
    if db.session.scalar(db.select(StaffAccount.id).limit(1)) is not None:
        return False
    for username, password, name in DEMO_STAFF:
        create_staff_account(username, password, name)
    return True


def register_cli(app: Flask) -> None:
    group = click.Group("demo", help="Demo data.")

    @group.command("load")
    def load():
        """Load the demo data once (does nothing when it is already there)."""
        loaded = load_demo_data()
        db.session.commit()
        click.echo("demo data loaded" if loaded else "demo data already present")

    app.cli.add_command(group)
