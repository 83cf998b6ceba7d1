#!/usr/bin/env python3
"""Start Firefox and relay its WebDriver BiDi socket, with no delayed ACKs.

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

It passes every message on as it came. It used to turn Playwright's requests for a
new window (one per context) into requests for a tab, 150 ms cheaper; but Firefox
ESR then sometimes never answered: creating a tab right after the previous
context was removed left its parent process spinning at full CPU (two of twelve
Firefox runs of the suite hung, none of fifteen with windows; bench/README.md).

Standard library only: it runs with any python3.
"""

import os
import re
import socket
import subprocess
import sys
import threading

FIREFOX = "SESSIONLAB_BIDI_FIREFOX"
LISTENING = re.compile(r"WebDriver BiDi listening on ws://([\d.]+):(\d+)")
CHUNK = 65536


def quick_ack(sock):
    """Have the kernel acknowledge what sock receives next without delay."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def pump(source, destination, firefox):
    """Copy bytes from source to destination until source closes.

    Firefox's socket is asked for quick ACKs around every read and write, in both
    directions: sending on it (a command) ends the mode for the reply to come.
    """
    try:
        while True:
            quick_ack(firefox)
            data = source.recv(CHUNK)
            if not data:
                break
            destination.sendall(data)
            quick_ack(firefox)
    except OSError:
        pass  # either end went away: the browser is closing
    finally:
        destination.close()


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
        for source, destination in ((firefox, client), (client, firefox)):
            threading.Thread(target=pump, args=(source, destination, firefox), daemon=True).start()


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
