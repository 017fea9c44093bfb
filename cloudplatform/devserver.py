"""``flask serve``: the embedded default's server, with the scheduler in-process."""

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    def serve(host, port):
        """Serve the mini-program API and the console, and run the scheduler in this process."""
        from werkzeug.serving import run_simple

        from cloudplatform.jobs import build_scheduler
        from cloudplatform.jobs.leader import leader_lock

        lock = leader_lock(app)
        scheduler = build_scheduler(app) if lock.try_acquire() else None
        if scheduler is None:
            click.echo("another scheduler is running; serving without one")
        else:
            scheduler.start()
        click.echo(f"API: http://{host}:{port}/api/v1/docs   console: http://{host}:{port}/admin/")
        try:
            run_simple(host, port, app, threaded=True)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            lock.release()
