import pytest

from sessionlab import create_app, launch
from sessionlab.forms import CSRF_FIELD
from sessionlab.stores import STORES

SECRET_KEY = "test-secret-key-0123456789abcdef0123"


SERVER_STORES = [name for name in STORES if name != "cookie"]


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """Nothing, as in e2e/conftest.py: pytest-playwright's autouse fixture of this name."""
    # Run with the e2e suite, it emptied the e2e output folder as a worker started these
    # tests: under the other worker's e2e tests, it deleted the servers' logs and the data
    # of the Redis that e2e/test_server_store.py restarts.


def pytest_generate_tests(metafunc):
    """Run every test that uses a store on each store, or on those its marker names."""
    if "store" in metafunc.fixturenames:
        stores = list(STORES)
        if metafunc.definition.get_closest_marker("cookie_only"):
            stores = ["cookie"]
        elif metafunc.definition.get_closest_marker("server_stores"):
            stores = SERVER_STORES
        elif metafunc.definition.get_closest_marker("redis_only"):
            stores = ["redis"]
        metafunc.parametrize("store", stores)


@pytest.fixture(scope="session")
def redis(tmp_path_factory):
    """A real Redis for this test process (one per xdist worker), stopped at the end."""
    with launch.redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def store_config(store, request):
    """The settings that put sessions in store."""
    if store == "redis":
        return {"SESSION_TYPE": store, "REDIS_URL": request.getfixturevalue("redis").url}
    return {"SESSION_TYPE": store}


@pytest.fixture
def instance(monkeypatch, tmp_path):
    """A fresh instance folder for the apps a test creates."""
    monkeypatch.setenv("SESSIONLAB_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


@pytest.fixture
def app(instance, store_config):
    """A test app, on the store of this run, whose instance folder is a fresh temporary one."""
    return create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY, **store_config})


@pytest.fixture
def client(app):
    return app.test_client()


class Visitor:
    """A browser-like visitor: posts forms with the CSRF token from a page."""

    def __init__(self, client):
        self.client = client

    def token(self, page="/set_email"):
        """The CSRF token of a form on page."""
        return CSRF_FIELD.search(self.client.get(page).get_data(as_text=True)).group(1)

    def post(self, url, data=None, page="/set_email", **kwargs):
        """Post data to url as the form on page would, CSRF token included.

        Redirects are followed, as a browser does, so flashed messages are shown
        and gone from the session when the next request comes.
        """
        kwargs.setdefault("follow_redirects", True)
        return self.client.post(
            url, data={"csrf_token": self.token(page), **(data or {})}, **kwargs
        )

    def session(self):
        """The session as the server decodes it from this visitor's cookie."""
        with self.client.session_transaction() as session:
            return dict(session)

    @staticmethod
    def cookie_header(response):
        """The session's Set-Cookie header of a response."""
        headers = response.headers.getlist("Set-Cookie")
        return next(header for header in headers if header.startswith("session="))

    def set_email(self, email, remember=False):
        data = {"email_address": email} | ({"remember": "y"} if remember else {})
        return self.post("/set_email", data)

    def add_to_cart(self, product_id, quantity=1):
        return self.post("/cart/add", {"product_id": product_id, "quantity": str(quantity)})


@pytest.fixture
def visitor(client):
    return Visitor(client)
