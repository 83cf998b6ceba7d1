"""Whether a session still fits in its cookie: the size of the header Flask would send."""

import secrets

import pytest
from flask import session

from sessionlab import cookie

# Sessions the compressor shrinks (a long cart) and one it cannot (random text).
SIZED_SESSIONS = {
    "compressible": {"cart": {f"product-{number}": number for number in range(60)}},
    "incompressible": {"note": secrets.token_urlsafe(600)},
    "small": {"email": "ada@example.com"},
}


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.cookie_only
@pytest.mark.parametrize("permanent", [False, True])
@pytest.mark.parametrize("data", SIZED_SESSIONS.values(), ids=SIZED_SESSIONS)
def test_fits_answers_as_the_exact_size_does(app, request_context, data, permanent):
    exact = cookie.header_size(cookie.serializer().dumps(data), permanent) + cookie.FLASH_HEADROOM
    for limit in range(exact - 3, exact + 3):
        app.config["MAX_COOKIE_SIZE"] = limit
        assert cookie.fits(data, permanent) == (exact <= limit)


@pytest.mark.cookie_only
@pytest.mark.parametrize("partitioned", [False, True], ids=["plain", "partitioned"])
def test_header_size_is_the_length_of_the_header_flask_sends(app, partitioned):
    app.config.update(SESSION_COOKIE_SECURE=partitioned, SESSION_COOKIE_PARTITIONED=partitioned)
    with app.test_request_context("/"):
        session["email"] = "ada@example.com"
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        header = response.headers["Set-Cookie"]
        value = header.split(";")[0].split("=", 1)[1]
        assert cookie.header_size(value) == len(header)
