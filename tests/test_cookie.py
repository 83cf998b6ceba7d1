"""The signed cookie's payload: Flask's own tagged JSON, written faster."""

import uuid
from datetime import UTC, datetime

from flask.sessions import session_json_serializer
from markupsafe import Markup

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
