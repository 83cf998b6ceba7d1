"""The Redis store behind Sentinel: a master killed with SIGKILL loses no answered change, and
the site follows the replica that takes over, with no restart.

One rig (sessionlab.sentinel_rig) and one failover for the whole module.
"""

import inspect
import signal
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from conftest import SECRET_KEY, Visitor
from flask_session.redis import RedisSessionInterface

from sessionlab import create_app
from sessionlab.sentinel_rig import sentinel_rig

# One worker runs the module: its tests share the rig and its failover.
pytestmark = pytest.mark.xdist_group("sentinel")

VISITORS = 5
# Short, so that the 503 comes quickly when no replica answers.
REPLICA_TIMEOUT = 0.2


@pytest.fixture(scope="module")
def rig():
    with sentinel_rig() as rig:
        yield rig


@pytest.fixture(scope="module")
def app(rig):
    """The site behind the rig's sentinels; not in testing mode, so errors get their pages."""
    return create_app(
        {"SECRET_KEY": SECRET_KEY, "REDIS_REPLICA_TIMEOUT": REPLICA_TIMEOUT, **rig.settings()}
    )


def new_visitor(app, number):
    """A visitor with an email and a cart of its own, written before anything fails."""
    visitor = Visitor(app.test_client())
    visitor.set_email(f"visitor{number}@example.com")
    visitor.add_to_cart("mug", number)
    visitor.cart_token = visitor.token("/products")
    return visitor


def add_a_mug(visitor):
    """Post the products page's form, with a token fetched while the store answered."""
    data = {"csrf_token": visitor.cart_token, "product_id": "mug", "quantity": "1"}
    return visitor.client.post("/cart/add", data=data)


@contextmanager
def replicas_frozen(rig):
    """Stop every replica (SIGSTOP) for the block: none acknowledges a write."""
    replicas = rig.replicas()
    for replica in replicas:
        replica.process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for replica in replicas:
            replica.process.send_signal(signal.SIGCONT)


@pytest.fixture(scope="module")
def unconfirmed(app, rig):
    """A cart change made while no replica can acknowledge it: its answer, and the visitor."""
    visitor = new_visitor(app, 1)
    with replicas_frozen(rig):
        response = add_a_mug(visitor)
    return SimpleNamespace(visitor=visitor, response=response)


@pytest.fixture(scope="module")
def failover(app, rig):
    """Visitors' sessions written, the master killed, a write tried at once, a replica promoted."""
    visitors = [new_visitor(app, number) for number in range(1, VISITORS + 1)]
    killed = rig.kill_master()
    during = add_a_mug(visitors[0])
    rig.wait_for_failover(killed)
    return SimpleNamespace(visitors=visitors, during=during, killed=killed)


def location(visitor):
    return visitor.client.get("/session.json").json["location"]


def test_redis_url_and_sentinels_together_are_refused_naming_both(instance):
    settings = {"SESSION_TYPE": "redis", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    with pytest.raises(RuntimeError, match="FLASK_REDIS_URL and FLASK_REDIS_SENTINELS"):
        create_app({"SECRET_KEY": SECRET_KEY, **settings, "REDIS_SENTINELS": ["127.0.0.1:1"]})


def test_sentinels_that_are_not_host_and_port_are_refused(instance):
    settings = {"SESSION_TYPE": "redis", "REDIS_SENTINELS": "127.0.0.1:26379"}
    with pytest.raises(RuntimeError, match='a JSON list of "host:port" strings'):
        create_app({"SECRET_KEY": SECRET_KEY, **settings})


def test_inspector_names_the_sentinel_master_and_its_address(app, rig):
    master = rig.master()
    assert location(Visitor(app.test_client())) == (
        f"Sentinel master sessionlab: 127.0.0.1:{master.port} db 0"
    )


def test_a_change_no_replica_acknowledges_gets_the_503_page(unconfirmed):
    assert unconfirmed.response.status_code == 503
    assert unconfirmed.response.headers["Retry-After"] == "5"
    page = unconfirmed.response.get_data(as_text=True)
    assert "could not confirm in time that your change is safely copied" in page


def test_a_change_no_replica_acknowledged_may_still_be_kept(unconfirmed):
    """The master wrote it before waiting: a failover may lose it, nothing else does."""
    assert unconfirmed.visitor.session()["cart"] == {"mug": 2}


def test_every_session_written_before_the_kill_reads_back(failover):
    for number, visitor in enumerate(failover.visitors, start=1):
        session = visitor.session()
        assert session["email"] == f"visitor{number}@example.com"
        assert session["cart"] == {"mug": number}


def test_a_write_during_the_failover_gets_the_503_page(failover):
    assert failover.during.status_code == 503
    assert failover.during.headers["Retry-After"] == "5"
    assert "The session store is unavailable" in failover.during.get_data(as_text=True)


def test_writes_succeed_after_the_failover_with_no_restart(failover):
    visitor = failover.visitors[-1]
    assert add_a_mug(visitor).status_code == 302
    assert visitor.session()["cart"] == {"mug": VISITORS + 1}


def test_inspector_names_the_new_master_after_the_failover(failover, rig):
    # The master the sentinels name now: on a busy machine they may have failed over again.
    master = rig.master()
    assert master.port != failover.killed.port
    assert location(failover.visitors[0]).endswith(f"127.0.0.1:{master.port} db 0")


def test_flask_session_private_delete_is_as_sentinel_py_expects():
    """sentinel.py replaces the private _delete_session so that deletes wait for a replica:
    this fails, saying why, if Flask-Session stops deleting records through it."""
    parameters = list(inspect.signature(RedisSessionInterface._delete_session).parameters)
    assert parameters == ["self", "store_id"]
    for method in (RedisSessionInterface.save_session, RedisSessionInterface.regenerate):
        assert "self._delete_session(" in inspect.getsource(method)
