"""Session locks on the server stores: a request that may change a session holds its lock.

Most tests hold a session's lock themselves, as another request of that session would,
and send a request that may wait for it only briefly: one that wants the lock gets the
busy 503 page, one that does not is answered at once.
"""

import http.cookiejar
import json
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from conftest import CSRF_FIELD, SECRET_KEY, Visitor
from flask import request_started
from redis import Redis

from sessionlab import create_app, launch, locks, stores
from sessionlab.catalog import PRODUCTS

server_stores = pytest.mark.server_stores
redis_only = pytest.mark.redis_only
# The tests against gunicorn run on one xdist worker, which starts their servers once.
on_servers = pytest.mark.xdist_group("locks-servers")
BUSY = "Another request from your session is still being handled"
# Seconds a request waits for a lock in these tests, unless a test needs more.
SHORT_WAIT = 0.05


@pytest.fixture
def app(instance, store_config):
    return create_app(
        {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SESSION_LOCK_WAIT": SHORT_WAIT, **store_config}
    )


def session_id(visitor):
    return visitor.client.get_cookie("session").value


@contextmanager
def held(app, sid):
    """Hold the session's lock, as another request of that session would."""
    with app.app_context():
        session_locks = app.extensions[locks.EXTENSION]
        lock = session_locks.take(sid, 0)
        assert lock is not None
        try:
            yield
        finally:
            session_locks.release(lock)


def record(app, sid):
    """What the store holds for the session, decoded."""
    with app.app_context():
        found = stores.current().record(sid)
    return found and found["data"]


def fresh(visitor):
    """The visitor, whose first page gave it a session holding the forms' token."""
    visitor.client.get("/set_email")
    return visitor


def signed_in(visitor, remember=False):
    """The visitor, signed in with an email and the forms' token in the session."""
    visitor.set_email("ada@example.com", remember)
    return visitor


def with_a_flashed_message(visitor):
    signed_in(visitor)
    visitor.post("/cart/add", {"product_id": "mug"}, follow_redirects=False)
    return visitor


def without_a_token(visitor):
    signed_in(visitor)
    with visitor.client.session_transaction() as session:
        del session["csrf_token"]
    return visitor


def past_its_deadline(visitor):
    config = visitor.client.application.config
    # Off while the session is written: a record past its deadline lives one second more.
    config["SESSION_ABSOLUTE_LIFETIME"] = 0
    signed_in(visitor)
    with visitor.client.session_transaction() as session:
        session["_started"] -= 100
    config["SESSION_ABSOLUTE_LIFETIME"] = 50
    return visitor


@server_stores
def test_a_post_takes_the_lock(app, visitor):
    signed_in(visitor)
    token = visitor.token()
    with held(app, session_id(visitor)):
        response = visitor.client.post("/cart/add", data={"csrf_token": token, "product_id": "mug"})
    assert response.status_code == 503


@server_stores
def test_a_get_marked_as_writing_takes_the_lock(app, visitor):
    signed_in(visitor)
    with held(app, session_id(visitor)):
        assert visitor.client.get("/delete_email").status_code == 503


@server_stores
def test_a_get_that_shows_a_flashed_message_takes_the_lock(app, visitor):
    with_a_flashed_message(visitor)
    with held(app, session_id(visitor)):
        assert visitor.client.get("/products").status_code == 503


@server_stores
def test_a_get_that_creates_the_forms_token_takes_the_lock(app, visitor):
    without_a_token(visitor)
    with held(app, session_id(visitor)):
        assert visitor.client.get("/set_email").status_code == 503


@server_stores
def test_a_get_past_the_absolute_deadline_takes_the_lock(app, visitor):
    past_its_deadline(visitor)
    with held(app, session_id(visitor)):
        assert visitor.client.get("/get_email").status_code == 503


@server_stores
def test_a_get_that_only_reads_takes_no_lock(app, visitor):
    signed_in(visitor)
    with held(app, session_id(visitor)):
        page = visitor.client.get("/get_email")
    assert page.status_code == 200
    assert "Welcome ada@example.com!" in page.get_data(as_text=True)


@server_stores
def test_a_permanent_session_is_read_without_the_lock(app, visitor):
    signed_in(visitor, remember=True)
    with held(app, session_id(visitor)):
        assert visitor.client.get("/get_email").status_code == 200


def lock_commands(app):
    """How many SET commands (records and locks) the session's Redis has run so far."""
    stats = app.session_interface.client.info("commandstats")
    return stats.get("cmdstat_set", {}).get("calls", 0)


@redis_only
def test_a_request_without_a_session_cookie_takes_no_lock(app, client):
    before = lock_commands(app)
    # The page's form creates a session with its token: one SET, the record's.
    assert client.get("/set_email").status_code == 200
    assert lock_commands(app) == before + 1


def commands_sent(app, redis, request):
    """The commands that reached the session's Redis while request() ran, in order, without
    those that scripts ran: one per round trip."""
    end = "end of the request"
    sent = []
    # On a connection of its own: the site's are open already, and none is opened meanwhile.
    with Redis.from_url(redis.url, socket_timeout=5).monitor() as monitor:
        request()
        app.session_interface.client.echo(end)
        # Each wait is bounded by the socket timeout.
        while (command := monitor.next_command())["command"] != f"ECHO {end}":
            if command["client_type"] != "lua":
                sent.append(command["command"].split()[0])
    return sent


@redis_only
def test_a_locked_write_costs_redis_as_many_round_trips_as_an_unlocked_one(app, redis, visitor):
    """Two scripts: one takes the lock and reads the record, one writes the record and
    releases the lock. Fails too if Flask-Session stops reading and writing records
    through the private methods that redis_locks.py replaces."""
    signed_in(visitor)
    token = visitor.token()
    form = {"csrf_token": token, "product_id": "mug"}
    assert commands_sent(app, redis, lambda: visitor.client.post("/cart/add", data=form)) == [
        "EVAL",
        "EVAL",
    ]


def change_record(sid):
    """A receiver of request_started (sent once the session is read) that changes the
    session's record, as another request holding its lock would."""

    def change(app):
        store = stores.current()
        key = store.key(sid)
        data = {**store.record(sid)["data"], "changed": True}
        if store.name == "redis":
            app.session_interface.client.set(key, store.encode(data), keepttl=True)
        else:
            app.session_interface.cache.set(key, data, 60)

    return change


def get_routes(app):
    """Every URL that answers GET, a static file's for the static route."""
    with app.test_request_context():
        return [
            app.url_for(rule.endpoint, **dict.fromkeys(rule.arguments, "style.css"))
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
        ]


STATES = {
    "fresh": fresh,
    "signed in": signed_in,
    "with a flashed message": with_a_flashed_message,
    "without a token": without_a_token,
    "past its deadline": past_its_deadline,
    "permanent": lambda visitor: signed_in(visitor, remember=True),
}


@server_stores
@pytest.mark.parametrize("state", STATES)
def test_no_get_undoes_a_change_made_under_the_lock(app, state):
    """While a GET runs, the request holding the lock changes the record: the GET either
    waited for the lock (503 here) or left that change, and everything else, as it was.
    A GET that writes without the lock cannot go unnoticed."""
    for url in get_routes(app):
        visitor = STATES[state](Visitor(app.test_client()))
        sid = session_id(visitor)
        before = record(app, sid)
        with held(app, sid), request_started.connected_to(change_record(sid), app):
            status = visitor.client.get(url).status_code
        assert status == 503 or record(app, sid) == {**before, "changed": True}, url


@server_stores
def test_a_wait_past_the_bound_gets_the_busy_page_and_changes_nothing(app, visitor):
    signed_in(visitor)
    token, sid = visitor.token(), session_id(visitor)
    before = record(app, sid)
    with held(app, sid):
        response = visitor.client.post("/cart/add", data={"csrf_token": token, "product_id": "mug"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert BUSY in response.get_data(as_text=True)
    assert record(app, sid) == before


@redis_only
def test_a_lock_left_by_a_killed_worker_expires_and_the_next_request_proceeds(
    instance, store_config
):
    app = create_app({"SECRET_KEY": SECRET_KEY, "SESSION_LOCK_LIFETIME": 0.5, **store_config})
    visitor = signed_in(Visitor(app.test_client()))
    with app.app_context():
        # Taken and never released, as by a worker killed while handling a request.
        app.extensions[locks.EXTENSION].take(session_id(visitor), 0)
    response = visitor.add_to_cart("mug")
    assert response.status_code == 200
    assert visitor.session()["cart"] == {"mug": 1}


HOLD_A_FILE_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_file_lock_held_by_a_killed_worker_is_released_at_once(instance):
    app = create_app(
        {"SECRET_KEY": SECRET_KEY, "SESSION_TYPE": "cachelib", "SESSION_LOCK_WAIT": SHORT_WAIT}
    )
    visitor = signed_in(Visitor(app.test_client()))
    path = app.extensions[locks.EXTENSION].path(session_id(visitor))
    worker = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_FILE_LOCK, path], stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout.readline() == "held\n"
        assert visitor.add_to_cart("mug").status_code == 503
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.kill()
    assert visitor.add_to_cart("mug").status_code == 200
    assert visitor.session()["cart"] == {"mug": 1}


class Browser:
    """A visitor over HTTP with a cookie jar, which sends many requests at once."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def read(self, url, data=None):
        with self.opener.open(url, data, timeout=30) as response:
            return response.read().decode()

    def add_every_product_at_once(self, urls):
        """POST /cart/add for each of the 20 products, all at once, to the urls in turn."""
        token = CSRF_FIELD.search(self.read(urls[0] + "/products")).group(1)
        forms = [
            (urls[number % len(urls)], {"csrf_token": token, "product_id": product_id})
            for number, product_id in enumerate(PRODUCTS)
        ]
        with ThreadPoolExecutor(len(forms)) as pool:
            list(pool.map(lambda form: self.add(*form), forms))

    def add(self, url, form):
        self.read(url + "/cart/add", urllib.parse.urlencode(form).encode())

    def cart(self, url):
        return json.loads(self.read(url + "/session.json"))["data"].get("cart", {})


def serve(tmp_path_factory, store, **env):
    """gunicorn with two workers on store (another server on the same Redis, with redis)."""
    folder = tmp_path_factory.mktemp("instance")
    return launch.gunicorn(
        env={
            "FLASK_SECRET_KEY": SECRET_KEY,
            "FLASK_SESSION_TYPE": store,
            "SESSIONLAB_INSTANCE_PATH": str(folder),
            **env,
        }
    )


@pytest.fixture(scope="module")
def redis_servers(redis, tmp_path_factory):
    """Two gunicorns whose sessions are in the same Redis."""
    env = {"FLASK_REDIS_URL": redis.url}
    with (
        serve(tmp_path_factory, "redis", **env) as one,
        serve(tmp_path_factory, "redis", **env) as two,
    ):
        yield one.url, two.url


@pytest.fixture(scope="module")
def cachelib_server(tmp_path_factory):
    with serve(tmp_path_factory, "cachelib") as server:
        yield server.url


@on_servers
def test_twenty_adds_at_once_to_one_redis_server_keep_twenty_lines(redis_servers):
    browser = Browser()
    browser.add_every_product_at_once(redis_servers[:1])
    assert len(browser.cart(redis_servers[0])) == 20


@on_servers
def test_twenty_adds_at_once_to_two_servers_sharing_redis_keep_twenty_lines(redis_servers):
    browser = Browser()
    browser.add_every_product_at_once(redis_servers)
    assert len(browser.cart(redis_servers[1])) == 20


@on_servers
def test_twenty_adds_at_once_on_the_cachelib_store_keep_twenty_lines(cachelib_server):
    browser = Browser()
    browser.add_every_product_at_once([cachelib_server])
    assert len(browser.cart(cachelib_server)) == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SESSION_LOCKING", "yes"),
        ("SESSION_LOCK_LIFETIME", 0),
        ("SESSION_LOCK_LIFETIME", True),
        ("SESSION_LOCK_WAIT", -1),
        ("SESSION_LOCK_WAIT", "8"),
    ],
)
@server_stores
def test_a_bad_lock_setting_stops_start_up_naming_it(instance, store_config, name, value):
    with pytest.raises(RuntimeError, match=f"FLASK_{name} is {value!r}"):
        create_app({"SECRET_KEY": SECRET_KEY, **store_config, name: value})
