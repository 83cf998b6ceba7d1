"""The ceiling: a bare Flask route that returns a constant string.

No Flask app served by gunicorn answers faster, so every other figure is
given as a fraction of this one.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def constant():
    """The same few bytes on every request."""
    return "Hello, World!"
