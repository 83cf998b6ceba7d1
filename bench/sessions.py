"""Realistic visitor sessions, made by Session Lab's own session interface on either store.

Every helper here talks to the site through a `send(path, cookie_header=None,
body=None)` function that returns a Reply: over HTTP to a running server
(`over_http`) or in-process to the app (`in_process`, for the profiler).
"""

import http.client
import random
import string
import urllib.parse
from dataclasses import dataclass
from functools import partial
from http.cookies import SimpleCookie

from flask import request, session

from sessionlab import create_app
from sessionlab.forms import CSRF_FIELD

# Characters of the filler that grows a session: random, so zlib cannot shrink it.
FILLER = string.ascii_letters + string.digits
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass
class Reply:
    status: int
    text: str
    set_cookie: str | None


def http_send(base_url, path, cookie_header=None, body=None):
    """One GET (or form POST, when body is given) over HTTP, redirects not followed."""
    headers = {"Cookie": cookie_header} if cookie_header else {}
    if body is not None:
        headers["Content-Type"] = FORM_TYPE
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base_url).netloc, timeout=30)
    try:
        connection.request("GET" if body is None else "POST", path, body, headers)
        response = connection.getresponse()
        return Reply(response.status, response.read().decode(), response.getheader("Set-Cookie"))
    finally:
        connection.close()


def over_http(base_url):
    """A send function for the server at base_url."""
    return partial(http_send, base_url)


def in_process(app):
    """A send function that calls app directly, cookies and all exactly as given."""
    client = app.test_client(use_cookies=False)

    def send(path, cookie_header=None, body=None):
        headers = {"Cookie": cookie_header} if cookie_header else {}
        if body is None:
            response = client.get(path, headers=headers)
        else:
            response = client.post(path, headers=headers, data=body, content_type=FORM_TYPE)
        return Reply(
            response.status_code,
            response.get_data(as_text=True),
            response.headers.get("Set-Cookie"),
        )

    return send


class SessionMaker:
    """Makes visitors' sessions exactly as a Session Lab server with the same key and store would.

    It goes through the app's own session interface, so the same code writes a signed
    cookie on the cookie store and a record (with the id in the cookie) on Redis.
    """

    def __init__(self, secret_key, store_config=None):
        config = {"SECRET_KEY": secret_key, "SESSION_TYPE": "cookie", **(store_config or {})}
        self.app = create_app(config)
        self.name = self.app.config["SESSION_COOKIE_NAME"]

    def headers(self, data, count):
        """The Cookie request headers of count new sessions that each hold data."""
        interface = self.app.session_interface
        # One request context for them all: a new one per session would cost more than the session.
        with self.app.test_request_context():
            return [self.saved(interface, data) for _number in range(count)]

    def saved(self, interface, data):
        """The Cookie header of one new session holding data, saved in the store."""
        new_session = interface.open_session(self.app, request)
        new_session.update(data)
        response = self.app.response_class()
        interface.save_session(self.app, new_session, response)
        value = SimpleCookie(response.headers["Set-Cookie"])[self.name].value
        return f"{self.name}={value}"

    def header(self, data):
        """The Cookie request header carrying a new session that holds data."""
        return self.headers(data, 1)[0]

    def grown(self, data, size):
        """data plus a random filler under "notes", so that its cookie is about size bytes."""
        rng = random.Random(size)
        length = 0
        for _attempt in range(5):
            notes = "".join(rng.choices(FILLER, k=length))
            header = self.header({**data, "notes": notes})
            missing = size - len(header)
            if abs(missing) <= 4:
                break
            length = max(0, length + missing)
        return header

    def first_visit_token(self, send):
        """The CSRF token the site puts in a new visitor's session on a form page."""
        value = SimpleCookie(send("/set_email").set_cookie)[self.name].value
        with self.app.test_request_context(headers={"Cookie": f"{self.name}={value}"}):
            return session["csrf_token"]


def session_data(case, token):
    """What a visitor of this case holds in its session: the case's data and its CSRF token."""
    return {**case.session, "csrf_token": token} if token else case.session


def visitor(case, maker, token, send):
    """The Cookie header and POST body a visitor of this case sends.

    Session Lab's visitors carry the CSRF token the site gave them; a POST
    carries the token from the form on the page it was sent from.
    """
    if case.session is None:
        return None, None
    data = session_data(case, token)
    cookie_header = maker.grown(data, case.size) if case.size else maker.header(data)
    if not case.form:
        return cookie_header, None
    if not case.form_page:  # an app that asks for no CSRF token
        return cookie_header, urllib.parse.urlencode(case.form)
    form_token = CSRF_FIELD.search(send(case.form_page, cookie_header).text).group(1)
    return cookie_header, urllib.parse.urlencode({"csrf_token": form_token, **case.form})


def visitor_pool(case, maker, token, count):
    """The Cookie headers of count visitors of this case, each with a session of its own.

    They share one CSRF token, so that one POST body (its form token) fits them all.
    """
    return maker.headers(session_data(case, token), count)
