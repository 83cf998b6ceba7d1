"""The attacker: a small site on another origin whose pages attack Session Lab's sessions.

Each page tries one attack on the Session Lab at its target (ATTACKER_TARGET, or the
page's ?target=) and says what it tries and what should happen. Served on another
site (attacker.test in the e2e suite, localhost beside 127.0.0.1 by hand) its requests
are cross-site; served on 127.0.0.1 beside the target, they are same-site.
"""

import os

from flask import Flask

from . import pages

DEFAULT_TARGET = "http://127.0.0.1:8000"


def create_app(target=None):
    """Create the attacker site, aimed at the Session Lab at target."""
    app = Flask(__name__)
    app.config["TARGET"] = target or os.environ.get("ATTACKER_TARGET", DEFAULT_TARGET)
    app.register_blueprint(pages.bp)
    return app
