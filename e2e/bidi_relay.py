#!/usr/bin/env python3
"""Start Firefox and relay its WebDriver BiDi socket: no delayed ACKs, tabs instead of windows.

Playwright launches this file in place of Firefox (e2e/browsers.py): it starts the
Firefox named by $SESSIONLAB_BIDI_FIREFOX with the same arguments, passes its
output through, and announces a relay's address instead of Firefox's own.

Why: Firefox leaves Nagle's algorithm on for its remote agent's socket, so when
it sends two messages in a row (an event and a reply, two replies) the second
waits until the first is acknowledged, and Linux delays that ACK by up to 40 ms.
Many Playwright steps paid it once or more (a fill: 57 ms instead of 17). The
relay asks its kernel to acknowledge Firefox's packets at once (TCP_QUICKACK,
which lasts until the socket next sends, hence set again around every read and
write) and sends on without delay itself (TCP_NODELAY).

And why tabs: Playwright opens the page of each new context as a new window
(browsingContext.create, type "window"), and Firefox builds a whole browser
window for it: about 250 ms a context here, and a third of the CPU that Firefox's
parent process spent in the e2e suite. A tab in the context's own container
(user context) holds the same page, with the same cookies, storage and
viewport, for 100 ms. The relay reads the WebSocket frames Playwright sends and
asks for a tab wherever a command asks for a new window.

Standard library only: it runs with any python3.
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading

FIREFOX = "SESSIONLAB_BIDI_FIREFOX"
LISTENING = re.compile(r"WebDriver BiDi listening on ws://([\d.]+):(\d+)")
CHUNK = 65536
# WebSocket frames (RFC 6455): the first byte of a whole text message, the mask bit of the
# second byte, the lengths that say "the length follows in 2 or 8 bytes".
TEXT_MESSAGE = 0x81
MASKED = 0x80
LENGTH_BYTES = {126: 2, 127: 8}
# A browsingContext.create command is a few hundred bytes; larger messages (Playwright's
# injected script, hundreds of kB) are passed on without being read.
COMMAND_SIZE = 4096


def quick_ack(sock):
    """Have the kernel acknowledge what sock receives next without delay."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def pump_replies(firefox, client):
    """Copy bytes from Firefox to the client until Firefox closes."""
    try:
        while True:
            quick_ack(firefox)
            data = firefox.recv(CHUNK)
            if not data:
                break
            client.sendall(data)
            quick_ack(firefox)
    except OSError:
        pass  # either end went away: the browser is closing
    finally:
        client.close()


def opens_a_window(message):
    """Whether message, a BiDi command (JSON bytes), asks for a new window."""
    if b"browsingContext.create" not in message:
        return False
    command = json.loads(message)
    return command["method"] == "browsingContext.create" and command["params"]["type"] == "window"


def as_tab(message):
    """The command message, asking for a tab instead of a new window."""
    command = json.loads(message)
    command["params"]["type"] = "tab"
    return json.dumps(command).encode()


def masked(payload, key):
    """payload XOR-ed with the 4-byte key, as a client masks a frame (and unmasks it)."""
    size = len(payload)
    stream = (key * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(size, "big")


def read_frame(stream):
    """(first byte, mask key, payload as sent, the frame's bytes) of the next frame, or None."""
    head = stream.read(2)
    if len(head) < 2:
        return None
    extra = stream.read(LENGTH_BYTES.get(head[1] & 0x7F, 0))
    size = int.from_bytes(extra, "big") if extra else head[1] & 0x7F
    key = stream.read(4) if head[1] & MASKED else b""
    payload = stream.read(size)
    return head[0], key, payload, head + extra + key + payload


def frame(first_byte, key, message):
    """A client's frame of message, masked with key."""
    # Only commands of up to COMMAND_SIZE are rewritten: two length bytes are enough.
    size = len(message)
    if size < 126:
        length = bytes([MASKED | size])
    else:
        length = bytes([MASKED | 126]) + size.to_bytes(2, "big")
    return bytes([first_byte]) + length + key + masked(message, key)


def with_tabs(first_byte, key, payload, sent):
    """The frame sent, or, if it holds a command for a new window, one for a tab."""
    if first_byte != TEXT_MESSAGE or not key or len(payload) > COMMAND_SIZE:
        return sent
    message = masked(payload, key)
    return frame(first_byte, key, as_tab(message)) if opens_a_window(message) else sent


def pump_commands(client, firefox):
    """Copy Playwright's frames to Firefox until the client closes, new windows made tabs."""
    stream = client.makefile("rb")
    try:
        while (next_frame := read_frame(stream)) is not None:
            quick_ack(firefox)
            firefox.sendall(with_tabs(*next_frame))
            quick_ack(firefox)
    except OSError:
        pass  # either end went away: the browser is closing
    finally:
        firefox.close()


def forward_handshake(client, firefox, relay_host, firefox_host):
    """Send the client's WebSocket upgrade request on, its Host header naming Firefox's port."""
    # Firefox refuses a handshake whose Host names another port than its own.
    request = b""
    while b"\r\n\r\n" not in request:
        data = client.recv(CHUNK)
        if not data:
            break
        request += data
    firefox.sendall(request.replace(relay_host, firefox_host, 1))


def serve(listener, firefox_address):
    """Relay each connection to listener to Firefox's BiDi address."""
    relay_host = "{}:{}".format(*listener.getsockname()).encode()
    firefox_host = "{}:{}".format(*firefox_address).encode()
    while True:
        client, _ = listener.accept()
        firefox = socket.create_connection(firefox_address)
        for sock in (client, firefox):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        forward_handshake(client, firefox, relay_host, firefox_host)
        threading.Thread(target=pump_replies, args=(firefox, client), daemon=True).start()
        threading.Thread(target=pump_commands, args=(client, firefox), daemon=True).start()


def relayed(line):
    """line, with Firefox's BiDi address replaced by a relay's that is now serving."""
    match = LISTENING.search(line)
    if not match:
        return line
    listener = socket.create_server(("127.0.0.1", 0))
    address = (match[1], int(match[2]))
    threading.Thread(target=serve, args=(listener, address), daemon=True).start()
    return line.replace(
        match[0], "WebDriver BiDi listening on ws://{}:{}".format(*listener.getsockname())
    )


def main():
    """Run Firefox, pass its error output on with the relay's address; exit as it exits."""
    firefox = subprocess.Popen(
        [os.environ[FIREFOX], *sys.argv[1:]], stderr=subprocess.PIPE, text=True
    )
    for line in firefox.stderr:
        sys.stderr.write(relayed(line))
        sys.stderr.flush()
    sys.exit(firefox.wait())


if __name__ == "__main__":
    main()
