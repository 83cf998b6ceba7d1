"""The WebDriver BiDi relay that Firefox is started through (e2e/bidi_relay.py)."""

import re
import socket

import pytest

from e2e.bidi_relay import relayed

ANNOUNCEMENT = "WebDriver BiDi listening on ws://{}"
HANDSHAKE = "GET /session HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\r\n"


def address_of(sock):
    return "{}:{}".format(*sock.getsockname())


def received(sock, size):
    """Exactly size bytes from sock."""
    data = b""
    while len(data) < size:
        data += sock.recv(size - len(data))
    return data


@pytest.fixture
def firefox():
    """A stand-in for Firefox's BiDi socket, listening on a free port."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        yield listener


@pytest.fixture
def relay_address(firefox):
    """The address the relay announces in place of Firefox's."""
    line = relayed(ANNOUNCEMENT.format(address_of(firefox)) + "\n")
    return re.fullmatch(ANNOUNCEMENT.format(r"([\d.]+:\d+)") + "\n", line)[1]


@pytest.fixture
def connected(firefox, relay_address):
    """(Playwright's end, Firefox's end) of a connection through the relay, handshake done."""
    with socket.create_connection(relay_address.split(":"), timeout=5) as client:
        client.sendall(HANDSHAKE.format(relay_address).encode())
        browser, _ = firefox.accept()
        with browser:
            browser.settimeout(5)
            yield client, browser


def test_other_output_lines_pass_unchanged():
    line = "console.error: RSLoader: Failed to retrieve recipes\n"
    assert relayed(line) == line


def test_the_relay_announces_an_address_of_its_own(firefox, relay_address):
    assert relay_address != address_of(firefox)


def test_the_handshake_reaches_firefox_naming_firefox_s_port(firefox, connected):
    _client, browser = connected
    expected = HANDSHAKE.format(address_of(firefox)).encode()
    assert received(browser, len(expected)) == expected


def test_messages_pass_both_ways_as_they_came(firefox, connected):
    client, browser = connected
    received(browser, len(HANDSHAKE.format(address_of(firefox))))
    command = b"\x81\x85\x12\x34\x56\x78" + bytes(5)  # a masked frame, as Playwright sends
    client.sendall(command)
    assert received(browser, len(command)) == command
    reply = b'\x81\x19{"type":"success","id":7}'
    browser.sendall(reply)
    assert received(client, len(reply)) == reply
