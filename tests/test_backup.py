"""The restore drill (``flask backup create`` / ``restore``), on the pass's database: back up, write
more, restore into a new database and a new uploads folder, and the app started on them is ready and
holds exactly what was there at the backup, its uploaded files readable."""

import json
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from cloudplatform import create_app
from cloudplatform.extensions import db as _db
from cloudplatform.service.uploads.models import Upload
from tests.service.aid.api_fixtures import resident_headers, upload
from tests.service.uploads import files
from tests.standin import STANDIN_APPID, STANDIN_SECRET
from tests.world import log_in


@contextmanager
def new_database(backend, database_url, tmp_path):
    """The URL of a new, empty database beside the test's (dropped afterwards on PostgreSQL)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'restored.db'}"
        return
    url = sa.engine.make_url(database_url)
    new = url.set(database=f"{url.database}_restore")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    drop = sa.text(f'DROP DATABASE IF EXISTS "{new.database}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(sa.text(f'CREATE DATABASE "{new.database}"'))
    try:
        yield new.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()


def run_cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_a_backup_restored_into_a_new_database_holds_what_was_there_and_nothing_after(
    app, client, world, backend, database_url, redis_url, standin, tmp_path
):
    _, me = resident_headers(client, world, "李桂芳")
    kept = upload(client, me, files.PDF, "户口本.pdf")
    assert kept.status_code == 201, kept.json
    folder = tmp_path / "backup"
    code, output = run_cli(app, "backup", "create", str(folder))
    assert code == 0, output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"] == {"sqlite": "sqlite", "postgres": "postgresql"}[backend]
    assert manifest["uploads"] == 1
    later = upload(client, me, files.png(), "后来的.png")
    assert later.status_code == 201, later.json

    with new_database(backend, database_url, tmp_path) as restored_url:
        settings = {
            "DATABASE_URL": restored_url,
            "REDIS_URL": redis_url,
            "TESTING": True,
            "STORAGE_URL": (tmp_path / "restored-uploads").as_uri(),
            "WECHAT_API_BASE": standin,
            "WECHAT_APPID": STANDIN_APPID,
            "WECHAT_SECRET": STANDIN_SECRET,
        }
        restored = create_app(settings)
        with restored.app_context():
            code, output = run_cli(restored, "backup", "restore", str(folder))
            assert code == 0, output
            after = create_app(settings)  # a fresh start on the restored data
            with after.app_context():
                try:
                    served = after.test_client()
                    ready = served.get("/readyz")
                    assert ready.status_code == 200 and ready.json["migrations"] == "current"
                    names = _db.session.scalars(sa.select(Upload.original_name)).all()
                    assert names == ["户口本.pdf"]
                    again = log_in(served, "李桂芳")
                    read = served.get(f"/api/v1/services/uploads/{kept.json['id']}", headers=again)
                    assert read.status_code == 200 and read.data == files.PDF
                    gone = served.get(f"/api/v1/services/uploads/{later.json['id']}", headers=again)
                    assert gone.status_code == 404
                    more = upload(served, again, files.PDF, "恢复后.pdf")  # ids go on after the restored ones
                    assert more.status_code == 201 and more.json["id"] > kept.json["id"], more.json
                finally:
                    _db.session.remove()
                    _db.engine.dispose()
            _db.engine.dispose()


def test_restore_refuses_a_database_in_use_and_a_folder_that_is_no_backup(app, world, tmp_path):
    folder = tmp_path / "backup"
    code, output = run_cli(app, "backup", "create", str(folder))
    assert code == 0, output
    code, output = run_cli(app, "backup", "create", str(folder))
    assert code == 1 and "exists" in output
    code, output = run_cli(app, "backup", "restore", str(folder))
    assert code == 1 and "restore into a new" in output
    (folder / "manifest.json").unlink()
    code, output = run_cli(app, "backup", "restore", str(folder))
    assert code == 1 and "not a finished backup" in output


@pytest.mark.postgres
def test_a_postgresql_backup_is_a_pg_dump_archive(app, tmp_path):
    folder = tmp_path / "backup"
    assert run_cli(app, "backup", "create", str(folder))[0] == 0
    assert (folder / "database.dump").read_bytes().startswith(b"PGDMP")
