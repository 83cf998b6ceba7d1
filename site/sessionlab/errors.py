"""Styled, translated error pages; no stack trace ever reaches the browser.

Unhandled exceptions reach the HTTPException handler as a 500 (Flask logs them).
"""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("The request could not be understood. Nothing in your session was changed."),
    404: _l("There is no page at this address."),
    405: _l("This page does not accept that kind of request."),
    413: _l("What you sent is larger than this site accepts. Nothing was changed."),
    500: _l("Something went wrong on our side. Your session is safe; please try again."),
}
CSRF_MESSAGE = _l(
    "The form's security token was missing, expired or wrong, so nothing was changed. "
    "Go back, reload the page and send the form again."
)


def render_error(code, message):
    return render_template("errors/error.html", code=code, message=message), code


def handle_http_error(error):
    """Show any HTTP error with its own message, or a general one for its code."""
    general = MESSAGES[500 if error.code >= 500 else 400]
    return render_error(error.code, MESSAGES.get(error.code, general))


def handle_csrf_error(error):
    """A POST without a valid CSRF token changes nothing and says why."""
    return render_error(400, CSRF_MESSAGE)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
