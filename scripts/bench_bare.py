"""The benchmark's anchor: a bare Flask app with one JSON route, no database and no hooks.

scripts/bench serves it under the same gunicorn settings as the platform and measures it first, so that
every endpoint's figures can be read against what Flask and gunicorn alone cost on this machine:

    gunicorn --pythonpath scripts bench_bare:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def status():
    return {"status": "ok"}
