"""The home page: what a session is, and the visitor's own session state."""

from flask import Blueprint, render_template, session

from .money import current_currency

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Explain sessions and show what this visitor's session holds."""
    return render_template(
        "home/index.html", permanent=session.permanent, currency=current_currency()
    )
