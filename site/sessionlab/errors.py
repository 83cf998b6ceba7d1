"""Styled, translated error pages; no stack trace ever reaches the browser.

Unhandled exceptions reach the 500 handler (Flask logs them with their traceback);
one that says the session store cannot be reached becomes a 503.
"""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from . import locks, sentinel, stores

MESSAGES = {
    400: _l("The request could not be understood. Nothing in your session was changed."),
    404: _l("There is no page at this address."),
    405: _l("This page does not accept that kind of request."),
    413: _l("What you sent is larger than this site accepts. Nothing was changed."),
    500: _l("Something went wrong on our side. Your session is safe; please try again."),
    503: _l(
        "The session store is unavailable, so this page cannot be shown and nothing was "
        "changed. Please try again in a moment."
    ),
}
BUSY_MESSAGE = _l(
    "Another request from your session is still being handled, and this one stopped waiting "
    "for it: nothing was changed. Please try again in a moment."
)
# The 503 when no replica confirmed a session write in time: the master holds the change.
UNCONFIRMED_MESSAGE = _l(
    "The session store could not confirm in time that your change is safely copied, so this "
    "page cannot be shown. The change may still have been kept. Please try again in a moment."
)
# Seconds a client is asked to wait before trying again when the session store is down.
RETRY_AFTER = 5
CSRF_MESSAGE = _l(
    "The form's security token was missing, expired or wrong, so nothing was changed. "
    "Go back, reload the page and send the form again."
)


def render_error(code, message):
    return render_template("errors/error.html", code=code, message=message), code


def service_unavailable(message):
    """The 503 page, asking the client to try again in RETRY_AFTER seconds."""
    page, code = render_error(503, message)
    return page, code, {"Retry-After": str(RETRY_AFTER)}


def handle_http_error(error):
    """Show any HTTP error with its own message, or a general one for its code."""
    if error.code == 503:
        return service_unavailable(MESSAGES[503])
    general = MESSAGES[500 if error.code >= 500 else 400]
    return render_error(error.code, MESSAGES.get(error.code, general))


def handle_session_busy(error):
    """A request that waited too long for its session's lock changes nothing and says why."""
    return service_unavailable(BUSY_MESSAGE)


def handle_server_error(error):
    """A 500, or a 503 when the session store stopped answering during the request (or
    could not confirm that a replica has the change it wrote)."""
    if isinstance(error.original_exception, sentinel.NotReplicated):
        return service_unavailable(UNCONFIRMED_MESSAGE)
    if stores.unreachable(error.original_exception):
        return handle_http_error(ServiceUnavailable())
    return handle_http_error(error)


def handle_csrf_error(error):
    """A POST without a valid CSRF token changes nothing and says why."""
    return render_error(400, CSRF_MESSAGE)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(locks.SessionBusy, handle_session_busy)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
