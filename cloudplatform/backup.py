"""Backups (``flask backup create DIR`` / ``flask backup restore DIR``): the database and the uploaded
files in one new folder, restored into a new, empty database and uploads folder.

A backup folder holds ``database.sqlite3`` (SQLite's online backup API: consistent while the app
writes) or ``database.dump`` (``pg_dump -Fc``: one snapshot), ``uploads/`` (the files under
``STORAGE_URL``, copied after the database, so every file a row names is there; a file uploaded in
between is an unreferenced extra) and ``manifest.json``, written last: a folder without it is not a
backup. It holds personal data and the sealed ID numbers, not the keys that open them (``FIELD_KEYS``).
"""

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.engine import URL, make_url

from cloudplatform.extensions import db
from cloudplatform.storage import LocalStorage, get_storage

MANIFEST = "manifest.json"
UPLOADS = "uploads"
FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(click.ClickException):
    """A backup or restore refused or failed; nothing is half-restored without saying so."""


def database_url() -> URL:
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() not in FILES:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")
    if url.get_backend_name() == "sqlite" and (not url.database or url.database == ":memory:"):
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return url


def uploads_root() -> Path:
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        raise BackupError("only a local uploads folder (STORAGE_URL file://) is backed up here")
    return Path(storage.root)


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """pg_dump's and pg_restore's connection string, and the environment carrying the password (never
    on a command line, where other users' ``ps`` would see it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def run(args: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{args[0]} not found (apt-get install postgresql-client)") from None
    if done.returncode:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def migration_revisions() -> list[str]:
    with db.engine.connect() as conn:
        return sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def create_backup(folder: Path) -> dict:
    """Back up the database, then the uploads, into ``folder`` (made here; it must not exist)."""
    url, root = database_url(), uploads_root()
    backend = url.get_backend_name()
    folder.mkdir(mode=0o700, parents=True)
    target = folder / FILES[backend]
    revisions = migration_revisions()
    if backend == "sqlite":
        source = sqlite3.connect(Path(str(url.database)).resolve().as_uri() + "?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        dsn, env = libpq(url)
        run(["pg_dump", "-Fc", "--no-owner", "--no-acl", "-f", str(target), dsn], env)
    if root.is_dir():
        shutil.copytree(root, folder / UPLOADS)
    else:
        (folder / UPLOADS).mkdir()
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": backend,
        "migrations": revisions,
        "uploads": sum(1 for path in (folder / UPLOADS).rglob("*") if path.is_file()),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{folder} is not a finished backup (no readable {MANIFEST})") from None


def ensure_empty_target(url: URL, root: Path) -> None:
    """Restore only into a new database and a new uploads folder: never over live data."""
    if url.get_backend_name() == "sqlite":
        if os.path.exists(str(url.database)) and os.path.getsize(str(url.database)) > 0:
            raise BackupError(f"{url.database} exists: restore into a new database file")
    elif sa.inspect(db.engine).get_table_names():
        raise BackupError(f"database {url.database} has tables: restore into a new, empty database")
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty: restore into a new uploads folder")


def restore_backup(folder: Path) -> dict:
    """Restore the backup in ``folder`` into the configured (new, empty) database and uploads folder."""
    manifest = read_manifest(folder)
    url, root = database_url(), uploads_root()
    backend = url.get_backend_name()
    if manifest["database"] != backend:
        raise BackupError(f"a {manifest['database']} backup cannot be restored into {backend}")
    ensure_empty_target(url, root)
    source_file = folder / FILES[backend]
    if backend == "sqlite":
        db.engine.dispose()
        source = sqlite3.connect(source_file.resolve().as_uri() + "?mode=ro", uri=True)
        restored = sqlite3.connect(str(url.database))
        try:
            source.backup(restored)
        finally:
            restored.close()
            source.close()
    else:
        dsn, env = libpq(url)
        args = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
        run([*args, "-d", dsn, str(source_file)], env)
    shutil.copytree(folder / UPLOADS, root, dirs_exist_ok=True)
    return manifest


def register_cli(app: Flask) -> None:
    group = click.Group("backup", help="Back up and restore the database and the uploaded files.")

    @group.command("create")
    @click.argument("folder", type=click.Path(exists=False, file_okay=False, path_type=Path))
    def create(folder: Path):
        """Back up into FOLDER (a new folder; keep it as private as the database)."""
        if folder.exists():
            raise BackupError(f"{folder} exists: back up into a new folder")
        manifest = create_backup(folder)
        click.echo(
            f"backed up the {manifest['database']} database (migrations {', '.join(manifest['migrations'])})"
            f" and {manifest['uploads']} uploaded files into {folder}"
        )

    @group.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def restore(folder: Path):
        """Restore FOLDER into DATABASE_URL and STORAGE_URL, both new and empty."""
        manifest = restore_backup(folder)
        click.echo(
            f"restored the backup of {manifest['created_at']} ({manifest['uploads']} uploaded files);"
            " run `flask db upgrade` if this code is newer than the backup"
        )

    app.cli.add_command(group)
