"""The seed article's greeting: set, get and delete an email kept in the session."""

from flask import Blueprint, redirect, render_template, request, session, url_for

from . import clocks, locks, stores
from .forms import EmailForm

bp = Blueprint("greeting", __name__)
# Fetch Metadata values of a request that another site, or another origin of this site,
# set off: a link there, a redirect or a script. Browsers send the session cookie with
# such a top-level GET (SameSite=Lax), so without this check any page could sign a
# visitor out.
SENT_FROM_ELSEWHERE = {"cross-site", "same-site"}


@bp.route("/set_email", methods=["GET", "POST"])
def set_email():
    """Ask for an email address and keep it in the session."""
    form = EmailForm()
    if form.validate_on_submit():
        # Signing in: a server store issues a new id, so an id planted before is worthless.
        stores.renew_session_id()
        # A new session, whose absolute clock starts as it is written.
        session.pop(clocks.START, None)
        session["email"] = form.email_address.data
        session.permanent = form.remember.data
        return redirect(url_for("greeting.get_email"))
    if not form.is_submitted():
        form.remember.data = session.permanent
    status = 400 if form.is_submitted() else 200
    return render_template("greeting/set_email.html", form=form), status


@bp.get("/get_email")
def get_email():
    """Greet the visitor by the email in the session, or ask for one."""
    return render_template("greeting/get_email.html")


def sent_from_elsewhere():
    """Whether the browser says another origin set off this request (Sec-Fetch-Site)."""
    # A typed URL says "none", and clients that send no such header (older browsers, curl)
    # keep the article's behaviour.
    return request.headers.get("Sec-Fetch-Site") in SENT_FROM_ELSEWHERE


@bp.route("/delete_email", methods=["GET", "POST"])
@locks.writes_session
def delete_email():
    """Remove the email from the session, as the article does; ask first if another site sent us."""
    if request.method == "GET" and sent_from_elsewhere():
        page = render_template("greeting/confirm_delete.html")
        return page, {"Vary": "Sec-Fetch-Site"}
    # Signing out: a server store drops the old record, so a copy of the cookie holds nothing.
    stores.renew_session_id()
    session.pop("email", None)
    return render_template("greeting/delete_email.html"), {"Vary": "Sec-Fetch-Site"}
