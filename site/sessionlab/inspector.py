"""The session inspector: the visitor's own cookie and record taken apart, and its controls."""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from . import clocks, cookie, locks, stores
from .forms import PermanentForm

bp = Blueprint("inspector", __name__)


def deadlines(store, record):
    """When the session ends: idle and absolute deadlines (epoch seconds or None), the
    session's start, and now.

    As this response leaves it: a session that it writes starts its idle clock again
    (and its absolute clock, when it had none).
    """
    writes = store.writes(session)
    now = time.time()
    started = session.get(clocks.START, now if writes else None)
    lifetime = clocks.absolute_lifetime()
    absolute = started + lifetime if started is not None and lifetime else None
    return {
        "idle": store.idle_deadline(session, record, writes),
        "absolute": absolute,
        "started": started,
        "now": now,
    }


def ends_first(clock):
    """Which deadline comes first, "idle" or "absolute", or None when neither runs."""
    idle, absolute = clock["idle"], clock["absolute"]
    if idle is None and absolute is None:
        return None
    # A server store's record expires at the absolute deadline when that comes first.
    if absolute is not None and (idle is None or absolute <= idle):
        return "absolute"
    return "idle"


def facts():
    """Where the session lives, what the browser sent, what the server holds for it, and
    when it ends."""
    store = stores.current()
    raw = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"])
    record = store.record(raw) if raw else None
    clock = deadlines(store, record)
    return {
        "store": store.name,
        "location": store.location(),
        "locking": locks.EXTENSION in current_app.extensions,
        "cookie": store.inspect_cookie(raw),
        "record": record,
        "data": dict(session),
        "permanent": session.permanent,
        "lifetime_seconds": cookie.lifetime_seconds(),
        "absolute_lifetime_seconds": clocks.absolute_lifetime(),
        "started": clocks.iso(clock["started"]),
        "idle_deadline": clocks.iso(clock["idle"]),
        "absolute_deadline": clocks.iso(clock["absolute"]),
        "idle_seconds_left": seconds_left(clock["idle"], clock["now"]),
        "absolute_seconds_left": seconds_left(clock["absolute"], clock["now"]),
        "ends_first": ends_first(clock),
    }


def seconds_left(deadline, now):
    return None if deadline is None else round(max(0, deadline - now), 3)


def show_inspector(errors=(), status=200):
    """Render the inspector page, with error messages when a change was refused."""
    # The page's form token and messages first: taking them changes the session, and the
    # deadlines are those of the session as this response writes it.
    generate_csrf()
    get_flashed_messages()
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
