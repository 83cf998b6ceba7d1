"""The session inspector: the visitor's own cookie and record taken apart, and its controls."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from . import cookie, stores
from .forms import PermanentForm

bp = Blueprint("inspector", __name__)


def facts():
    """Where the session lives, what the browser sent, and what the server holds for it."""
    store = stores.current()
    raw = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    return {
        "store": store.name,
        "location": store.location(),
        "cookie": store.inspect_cookie(raw),
        "record": store.record(raw) if raw else None,
        "data": dict(session),
        "permanent": session.permanent,
        "lifetime_seconds": cookie.lifetime_seconds(),
    }


def show_inspector(errors=(), status=200):
    """Render the inspector page, with error messages when a change was refused."""
    return render_template("inspector/session.html", facts=facts(), errors=errors), status


@bp.get("/session")
def show():
    """Show where the session lives, the cookie's parts, the server's record, expiry and size."""
    return show_inspector()


@bp.get("/session.json")
def show_json():
    """The inspector's facts as JSON."""
    return facts()


@bp.post("/session/permanent")
def set_permanent():
    """Make the session outlive the browser, or not."""
    form = PermanentForm()
    if not form.validate():
        return show_inspector(form.permanent.errors, 400)
    session.permanent = form.permanent.data == "on"
    if session.permanent:
        flash(_("The session is now permanent: it outlives the browser."))
    else:
        flash(_("The session now ends when the browser closes."))
    return redirect(url_for("inspector.show"))


@bp.post("/session/clear")
def clear():
    """Empty the session."""
    # On a server store the record is deleted: a copy of the cookie holds nothing now.
    stores.renew_session_id()
    session.clear()
    # Flask-Session's clear() keeps "remember me"; Flask's forgets it, as a clear should.
    session.permanent = False
    flash(_("Session cleared."))
    return redirect(url_for("inspector.show"))
