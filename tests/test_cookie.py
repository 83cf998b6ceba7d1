"""The signed cookie's payload: Flask's own tagged JSON, written faster; its size, bounded."""

import secrets
import uuid
from datetime import UTC, datetime

import pytest
from flask import session
from flask.sessions import session_json_serializer
from markupsafe import Markup

from sessionlab import cookie
from sessionlab.cookie import SessionJSON

# A value of every kind Flask's tags handle, nested as sessions nest them.
SESSION = {
    "email": "ada@example.com",
    "cart": {"mug": 2, "tea": 3},
    "_permanent": True,
    "_flashes": [("message", "Added 2 × Cookie mug to the cart.")],
    "note": Markup("<b>bold</b>"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "at": datetime(2026, 11, 26, 21, 0, tzinfo=UTC),
    "raw": b"\x00\x01",
    "looks_tagged": {" t": ["not", "a", "tuple"]},
    "nothing": None,
    "ratio": 0.5,
}


def test_payload_is_what_flasks_serializer_writes():
    assert SessionJSON().dumps(SESSION) == session_json_serializer.dumps(SESSION)


def test_payload_reads_back_as_the_same_session():
    assert SessionJSON().loads(SessionJSON().dumps(SESSION)) == SESSION


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
@pytest.mark.parametrize("data", SIZED_SESSIONS.values(), ids=SIZED_SESSIONS)
def test_value_bound_is_never_below_the_signed_value(request_context, data):
    assert cookie.value_length_at_most(data) >= len(cookie.serializer().dumps(data))


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
