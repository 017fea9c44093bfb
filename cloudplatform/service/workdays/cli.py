"""``flask calendar import <year>``: fill a year's holidays and 调休 from the ``chinese_calendar`` package."""

import click
from flask import Flask

from cloudplatform.extensions import db
from cloudplatform.service.workdays.operations import CalendarYearUnknown, import_year


def register_cli(app: Flask) -> None:
    group = click.Group("calendar", help="The holiday calendar (working days).")

    @group.command("import")
    @click.argument("year", type=int)
    def import_command(year):
        """Fill YEAR's holidays and worked weekend days (调休) from the chinese_calendar package."""
        try:
            written = import_year(year)
        except CalendarYearUnknown as error:
            raise click.ClickException(str(error)) from None
        except ImportError:
            missing = "未安装 chinesecalendar 包：pip install 'chinesecalendar>=1.11,<2'"
            raise click.ClickException(missing) from None
        db.session.commit()
        click.echo(f"{year}: {written} days written")

    app.cli.add_command(group)
