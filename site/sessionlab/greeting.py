"""The seed article's greeting: set, get and delete an email kept in the session."""

from flask import Blueprint, redirect, render_template, session, url_for

from . import stores
from .forms import EmailForm

bp = Blueprint("greeting", __name__)


@bp.route("/set_email", methods=["GET", "POST"])
def set_email():
    """Ask for an email address and keep it in the session."""
    form = EmailForm()
    if form.validate_on_submit():
        # Signing in: a server store issues a new id, so an id planted before is worthless.
        stores.renew_session_id()
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


@bp.get("/delete_email")
def delete_email():
    """Remove the email from the session, as the article does, with a GET."""
    # Signing out: a server store drops the old record, so a copy of the cookie holds nothing.
    stores.renew_session_id()
    session.pop("email", None)
    return render_template("greeting/delete_email.html")
