"""The site as production serves it: gunicorn with several workers, and the wheel."""

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CSRF_FIELD

from sessionlab.launch import gunicorn

ROOT = Path(__file__).resolve().parent.parent
KEY = {"FLASK_SECRET_KEY": "serving-test-key-0123456789abcdef0123"}


@pytest.fixture(scope="module")
def server():
    with gunicorn(env=KEY, workers=3) as running:
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


def test_email_set_through_one_worker_is_read_by_every_worker(server):
    opener = browser()
    set_email(opener, server.url, "ada@example.com")
    # Six requests at a time keep several sync workers busy at once.
    with ThreadPoolExecutor(6) as pool:
        pages = list(pool.map(lambda _: read(opener, server.url + "/get_email"), range(30)))
    assert all("Welcome ada@example.com!" in page for page in pages)
    workers = set(re.findall(r'"GET /get_email HTTP/1.1" 200 .* pid=<(\d+)>', server.log()))
    assert len(workers) >= 2


def test_gunicorn_logs_each_request_to_stdout(server):
    browser().open(server.url + "/get_email").read()
    assert '"GET /get_email HTTP/1.1" 200' in server.log()


def test_wheel_ships_the_templates_and_static_files(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path, ROOT],
        check=True,
    )
    names = zipfile.ZipFile(next(tmp_path.glob("sessionlab-*.whl"))).namelist()
    assert "sessionlab/templates/base.html" in names
    assert "sessionlab/static/style.css" in names
    assert "sessionlab/translations/de/LC_MESSAGES/messages.mo" in names
