"""The site as production serves it: gunicorn with several workers, and the wheel."""

import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CSRF_FIELD

from sessionlab.launch import gunicorn
from sessionlab.stores import STORES

ROOT = Path(__file__).resolve().parent.parent
KEY = {"FLASK_SECRET_KEY": "serving-test-key-0123456789abcdef0123"}


@pytest.fixture(scope="module", params=list(STORES))
def server(request, tmp_path_factory):
    """Gunicorn with three workers, its sessions in each store in turn."""
    env = {
        **KEY,
        "FLASK_SESSION_TYPE": request.param,
        # The cachelib store's files live here, shared by the workers.
        "SESSIONLAB_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
    }
    if request.param == "redis":
        env["FLASK_REDIS_URL"] = request.getfixturevalue("redis").url
    with gunicorn(env=env, workers=3) as running:
        yield running


def browser():
    """An opener that keeps cookies, as a browser does."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def read(opener, url):
    return opener.open(url).read().decode()


def set_email(opener, url, email):
    """Fill in /set_email like a visitor, CSRF token and all."""
    form = opener.open(url + "/set_email").read().decode()
    token = CSRF_FIELD.search(form).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email_address": email}).encode()
    opener.open(url + "/set_email", data)


def read_many(opener, url, times=30):
    """Read url times, six at a time, which keeps several sync workers busy at once."""
    with ThreadPoolExecutor(6) as pool:
        return list(pool.map(lambda _: read(opener, url), range(times)))


def workers_serving_email(server, since):
    """The process ids that logged a successful GET /get_email after log offset since."""
    return set(re.findall(r'"GET /get_email HTTP/1.1" 200 .* pid=<(\d+)>', server.log()[since:]))


def test_email_set_through_one_worker_is_read_by_every_worker(server):
    opener = browser()
    set_email(opener, server.url, "ada@example.com")
    start = len(server.log())
    # A fast page can be served by one worker that keeps winning the race to accept,
    # so read until a second worker has answered (or ten seconds have passed).
    deadline = time.monotonic() + 10
    pages = read_many(opener, server.url + "/get_email")
    while len(workers_serving_email(server, start)) < 2 and time.monotonic() < deadline:
        pages += read_many(opener, server.url + "/get_email")
    assert all("Welcome ada@example.com!" in page for page in pages)
    assert len(workers_serving_email(server, start)) >= 2


def test_email_deleted_through_one_worker_is_gone_for_every_worker(server):
    opener = browser()
    set_email(opener, server.url, "ada@example.com")
    read(opener, server.url + "/delete_email")
    pages = read_many(opener, server.url + "/get_email")
    assert all("Please enter your email" in page for page in pages)


def logged(server, line, seconds=5):
    """Whether line shows in the server's log within seconds."""
    # The worker writes its access-log line just after the response, so the client
    # may read the log a moment before the line is there.
    deadline = time.monotonic() + seconds
    while line not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    return line in server.log()


def test_gunicorn_logs_each_request_to_stdout(server):
    browser().open(server.url + "/get_email").read()
    assert logged(server, '"GET /get_email HTTP/1.1" 200')


def test_wheel_ships_the_templates_and_static_files(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path, ROOT],
        check=True,
    )
    names = zipfile.ZipFile(next(tmp_path.glob("sessionlab-*.whl"))).namelist()
    assert "sessionlab/templates/base.html" in names
    assert "sessionlab/static/style.css" in names
    assert "sessionlab/translations/de/LC_MESSAGES/messages.mo" in names
