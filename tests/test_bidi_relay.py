"""The WebDriver BiDi relay that Firefox is started through (e2e/bidi_relay.py)."""

import io
import json

from e2e.bidi_relay import frame, masked, read_frame, with_tabs

KEY = b"\x12\x34\x56\x78"


def sent(message):
    """The frame a WebSocket client sends for message, as read_frame reads it."""
    return read_frame(io.BytesIO(frame(0x81, KEY, message)))


def message_of(data):
    """The JSON command in a client's frame."""
    _, key, payload, _ = read_frame(io.BytesIO(data))
    return json.loads(masked(payload, key))


def command(method, **params):
    return json.dumps({"id": 7, "method": method, "params": params}).encode()


def test_a_command_for_a_new_window_asks_for_a_tab():
    new_window = command("browsingContext.create", type="window", userContext="ctx-1")
    rewritten = message_of(with_tabs(*sent(new_window)))
    assert rewritten == {
        "id": 7,
        "method": "browsingContext.create",
        "params": {"type": "tab", "userContext": "ctx-1"},
    }


def test_a_command_for_a_tab_is_sent_as_it_came():
    new_tab = sent(command("browsingContext.create", type="tab"))
    assert with_tabs(*new_tab) == new_tab[-1]


def test_other_commands_are_sent_as_they_came():
    navigate = sent(command("browsingContext.navigate", context="c", url="/type/window"))
    assert with_tabs(*navigate) == navigate[-1]


def test_a_long_message_is_read_whole_and_sent_as_it_came():
    script = command("script.callFunction", functionDeclaration="x" * 70_000)
    data = b"\x81\xff" + len(script).to_bytes(8, "big") + KEY + masked(script, KEY)
    first_byte, key, payload, whole = read_frame(io.BytesIO(data + b"next frame"))
    assert (masked(payload, key), whole) == (script, data)
    assert with_tabs(first_byte, key, payload, whole) == data


def test_a_medium_message_keeps_its_two_byte_length():
    message = command("script.evaluate", expression="y" * 300)
    assert message_of(frame(0x81, KEY, message)) == json.loads(message)
