"""Session Lab: a Flask site that shows how client-side and server-side sessions work."""

import os
from pathlib import Path

from flask import Flask

from . import (
    cart,
    clocks,
    errors,
    forms,
    greeting,
    home,
    i18n,
    inspector,
    layout,
    preferences,
    security,
    stores,
    templating,
)
from .config import load_config

PACKAGE_DIR = Path(__file__).resolve().parent


def find_asset_dir(name):
    """Return the templates/ or static/ folder: inside an installed package, else the repo's."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent.parent / name


def create_app(config=None):
    """Create and configure the Session Lab app."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        # Where the generated secret key is kept; Flask's default when unset.
        instance_path=os.environ.get("SESSIONLAB_INSTANCE_PATH"),
        template_folder=find_asset_dir("templates"),
        static_folder=find_asset_dir("static"),
    )
    load_config(app, config)
    templating.init_app(app)
    clocks.init_app(app)
    stores.init_app(app)
    security.init_app(app)

    forms.init_app(app)
    i18n.init_app(app)
    layout.init_app(app)
    errors.init_app(app)

    for module in (home, greeting, inspector, cart, preferences):
        app.register_blueprint(module.bp)
    return app
