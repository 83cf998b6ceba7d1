"""Bad requests to every route: each gets a styled, translated 4xx and changes no session.

The table runs on every session store; the cases that forge a signed cookie's payload
only where the cookie holds one.
"""

import html
import io
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from conftest import SECRET_KEY, Visitor
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature

from sessionlab import create_app, stores
from sessionlab.errors import CSRF_MESSAGE, MESSAGES
from sessionlab.stores import STORES

OTHER_KEY = "another-sites-secret-key-0123456789abcdef"
STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'
NOT_FOUND, NOT_ALLOWED, TOO_LARGE = MESSAGES[404], MESSAGES[405], MESSAGES[413]
NO_EMAIL = _l("Please enter an email address.")
NOT_AN_EMAIL = _l("That is not a valid email address.")
NO_PRODUCT = _l("There is no such product.")
NOT_A_NUMBER = _l("The quantity must be a whole number.")
OUT_OF_RANGE = _l("The quantity must be from %(low)d to %(high)d.", low=1, high=99)
OVERSIZED = b"x" * (64 * 1024 + 1)
BOUNDARY = b"bad-input-boundary"
# A browser would not keep a cookie this large, but anyone can send one.
pytestmark = pytest.mark.filterwarnings("ignore:The 'session' cookie is too large")


class Bad(NamedTuple):
    """A bad request, and the status and message it must get."""

    method: str
    path: str
    status: int
    message: object
    # Keyword arguments for the test client, given the visitor's CSRF token.
    request: object = None
    # The session cookie sent instead of the visitor's, given the app and that cookie.
    cookie: object = None
    # Whether the case forges a signed cookie's payload, which only the cookie store has.
    cookie_format: bool = False


def form(**fields):
    """A form post carrying the visitor's CSRF token and these fields."""
    return lambda token: {"data": {"csrf_token": token, **fields}}


def raw(body):
    """A form post whose body is these bytes, after the visitor's CSRF token."""
    return lambda token: {
        "data": b"csrf_token=%s&%s" % (token.encode(), body),
        "content_type": "application/x-www-form-urlencoded",
    }


def multipart(**fields):
    """A multipart form post of raw byte fields, after the visitor's CSRF token."""

    def request(token):
        parts = {"csrf_token": token.encode(), **fields}
        body = b"".join(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (BOUNDARY, name.encode(), value)
            for name, value in parts.items()
        )
        return {
            "data": body + b"--%s--\r\n" % BOUNDARY,
            "content_type": f"multipart/form-data; boundary={BOUNDARY.decode()}",
        }

    return request


def mugs(quantity, message):
    """Adding mugs to the cart in a bad quantity."""
    return Bad("POST", "/cart/add", 400, message, form(product_id="mug", quantity=quantity))


def at(path_info):
    """A request for a path exactly as given, as a server passes it on."""
    return lambda token: {"environ_overrides": {"PATH_INFO": path_info}}


def serializer(app):
    """The app's own session cookie serializer."""
    return app.session_interface.get_signing_serializer(app)


def signed_with_other_key(app, cookie):
    """The visitor's own session, signed by another site's key."""
    return serializer(create_app({"SECRET_KEY": OTHER_KEY})).dumps(decode(app, cookie))


def tampered(app, cookie):
    """The visitor's cookie with its payload swapped for another, signature kept."""
    forged = serializer(app).dumps({"email": "eve@example.com"}).rsplit(".", 2)[0]
    return ".".join([forged, *cookie.rsplit(".", 2)[1:]])


CASES = {
    # The greeting
    "empty email": Bad("POST", "/set_email", 400, NO_EMAIL, form(email_address="")),
    "email over 254 characters": Bad(
        "POST",
        "/set_email",
        400,
        _l("An email address has at most 254 characters."),
        form(email_address="a" * 250 + "@example.com"),
    ),
    "garbage email": Bad("POST", "/set_email", 400, NOT_AN_EMAIL, form(email_address="no way")),
    "NUL in email": Bad(
        "POST", "/set_email", 400, NOT_AN_EMAIL, form(email_address="ada\x00@example.com")
    ),
    "header injection in email": Bad(
        "POST",
        "/set_email",
        400,
        NOT_AN_EMAIL,
        form(email_address="ada@example.com\r\nSet-Cookie: session=x"),
    ),
    "non-UTF-8 email": Bad(
        "POST", "/set_email", 400, NOT_AN_EMAIL, multipart(email_address=b"ada\xff\xfe@example.com")
    ),
    "non-UTF-8 form body": Bad(
        "POST", "/set_email", 400, CSRF_MESSAGE, raw(b"email_address=ada\xff\xfe@example.com")
    ),
    "file instead of email": Bad(
        "POST",
        "/set_email",
        400,
        NO_EMAIL,
        lambda token: {
            "data": {"csrf_token": token, "email_address": (io.BytesIO(b"a@b.co"), "email.txt")}
        },
    ),
    "body over 64 KiB": Bad(
        "POST", "/set_email", 413, TOO_LARGE, raw(b"email_address=" + OVERSIZED)
    ),
    "no CSRF token": Bad(
        "POST", "/set_email", 400, CSRF_MESSAGE, lambda token: {"data": {"email_address": "a@b.co"}}
    ),
    "forged CSRF token": Bad(
        "POST",
        "/set_email",
        400,
        CSRF_MESSAGE,
        lambda token: {"data": {"csrf_token": token[::-1], "email_address": "a@b.co"}},
    ),
    "next= on a refused form": Bad(
        "POST", "/set_email?next=https://evil.example/", 400, NOT_AN_EMAIL, form(email_address="x")
    ),
    "PUT to /set_email": Bad("PUT", "/set_email", 405, NOT_ALLOWED),
    "DELETE /get_email": Bad("DELETE", "/get_email", 405, NOT_ALLOWED),
    "POST to /get_email": Bad("POST", "/get_email", 405, NOT_ALLOWED, form()),
    "PATCH /delete_email": Bad("PATCH", "/delete_email", 405, NOT_ALLOWED),
    # Home
    "DELETE /": Bad("DELETE", "/", 405, NOT_ALLOWED),
    "unknown method BREW": Bad("BREW", "/", 405, NOT_ALLOWED),
    # The inspector
    "POST to /session.json": Bad("POST", "/session.json", 405, NOT_ALLOWED, form()),
    "unknown method PROPFIND": Bad("PROPFIND", "/session", 405, NOT_ALLOWED),
    "permanent=maybe": Bad(
        "POST", "/session/permanent", 400, _l("Choose on or off."), form(permanent="maybe")
    ),
    "permanent missing": Bad("POST", "/session/permanent", 400, _l("Choose on or off."), form()),
    "GET /session/clear": Bad("GET", "/session/clear", 405, NOT_ALLOWED),
    "clear without CSRF token": Bad(
        "POST", "/session/clear", 400, CSRF_MESSAGE, lambda token: {"data": {}}
    ),
    # The cart
    "POST to /products": Bad("POST", "/products", 405, NOT_ALLOWED, form(product_id="mug")),
    "DELETE /cart": Bad("DELETE", "/cart", 405, NOT_ALLOWED),
    "empty product": Bad("POST", "/cart/add", 400, NO_PRODUCT, form(product_id="")),
    "header injection in product": Bad(
        "POST", "/cart/add", 400, NO_PRODUCT, form(product_id="mug\r\nSet-Cookie: x=1")
    ),
    "path in product": Bad("POST", "/cart/add", 400, NO_PRODUCT, form(product_id="../config")),
    "letters for quantity": mugs("abc", NOT_A_NUMBER),
    "negative quantity": mugs("-1", NOT_A_NUMBER),
    "fractional quantity": mugs("2.5", NOT_A_NUMBER),
    "full-width digit quantity": mugs("\uff11", NOT_A_NUMBER),
    "zero quantity": mugs("0", OUT_OF_RANGE),
    "quantity over 99": mugs("100", OUT_OF_RANGE),
    "quantity of 5000 digits": mugs("9" * 5000, OUT_OF_RANGE),
    "line over 99": mugs("98", _l("A cart line holds at most %(most)d of a product.", most=99)),
    "JSON instead of a form": Bad(
        "POST",
        "/cart/add",
        400,
        NO_PRODUCT,
        lambda token: {
            "json": {"product_id": "mug", "quantity": 1},
            "headers": {"X-CSRFToken": token},
        },
    ),
    "empty quantity on update": Bad(
        "POST", "/cart/update", 400, NOT_A_NUMBER, form(product_id="mug", quantity="")
    ),
    "unknown product on update": Bad(
        "POST", "/cart/update", 400, NO_PRODUCT, form(product_id="lampshade", quantity="1")
    ),
    "empty product on remove": Bad("POST", "/cart/remove", 400, NO_PRODUCT, form(product_id="")),
    "GET /cart/clear": Bad("GET", "/cart/clear", 405, NOT_ALLOWED),
    "150 form parts": Bad(
        "POST",
        "/cart/clear",
        413,
        TOO_LARGE,
        lambda token: {
            "data": {"csrf_token": token, **{f"part{n}": "x" for n in range(150)}},
            "content_type": "multipart/form-data",
        },
    ),
    # Preferences
    "unknown language": Bad(
        "POST",
        "/preferences",
        400,
        _l("That language is not available."),
        form(language="xx", currency="EUR", theme="dark"),
    ),
    "unknown currency": Bad(
        "POST",
        "/preferences",
        400,
        _l("That currency is not available."),
        form(language="es", currency="BTC", theme="dark"),
    ),
    "script as theme": Bad(
        "POST",
        "/preferences",
        400,
        _l("That theme is not available."),
        form(language="es", currency="EUR", theme="<script>alert(1)</script>"),
    ),
    "preferences missing": Bad(
        "POST", "/preferences", 400, _l("That language is not available."), form()
    ),
    "preferences over 64 KiB": Bad(
        "POST", "/preferences", 413, TOO_LARGE, raw(b"theme=" + OVERSIZED)
    ),
    # Static files and paths
    "static ../": Bad("GET", "/static/../config.py", 404, NOT_FOUND),
    "static %2e%2e": Bad("GET", "/static/%2e%2e/config.py", 404, NOT_FOUND),
    "static ..%2f": Bad("GET", "/static/..%2f..%2fpyproject.toml", 404, NOT_FOUND),
    "static ..%5c": Bad("GET", "/static/..%5c..%5cpyproject.toml", 404, NOT_FOUND),
    "static all encoded": Bad("GET", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml", 404, NOT_FOUND),
    "static NUL": Bad("GET", "/static/style.css%00", 404, NOT_FOUND),
    "POST to a static file": Bad("POST", "/static/style.css", 405, NOT_ALLOWED, form()),
    "non-UTF-8 path": Bad("GET", "/get_email%ff", 404, NOT_FOUND),
    "//evil.example": Bad("GET", "/", 404, NOT_FOUND, at("//evil.example")),
    "/%2f%2fevil.example": Bad("GET", "/%2f%2fevil.example", 404, NOT_FOUND),
    "/\\evil.example": Bad("GET", "/%5cevil.example", 404, NOT_FOUND),
    # Cookies: the form is fine, but the session it belongs to is not this one
    "garbage cookie": Bad(
        "POST",
        "/cart/add",
        400,
        CSRF_MESSAGE,
        form(product_id="tea"),
        lambda app, cookie: "not-a-session",
    ),
    "truncated cookie": Bad(
        "POST", "/session/clear", 400, CSRF_MESSAGE, form(), lambda app, cookie: cookie[:-3]
    ),
    "tampered cookie": Bad(
        "POST", "/preferences", 400, CSRF_MESSAGE, form(), tampered, cookie_format=True
    ),
    "cookie signed with another key": Bad(
        "POST",
        "/set_email",
        400,
        CSRF_MESSAGE,
        form(email_address="eve@example.com"),
        signed_with_other_key,
        cookie_format=True,
    ),
    "cookie of 10 KB": Bad(
        "POST", "/cart/clear", 400, CSRF_MESSAGE, form(), lambda app, cookie: "A" * 10_000
    ),
}


def decode(app, cookie):
    """The session a cookie holds, as the server reads it; None if it is not valid."""
    try:
        return serializer(app).loads(cookie)
    except BadSignature:
        return None


def held_session(app, client):
    """The session that the visitor's cookie names or holds, as the server reads it."""
    cookie = client.get_cookie("session")
    if not cookie:
        return None
    if app.config["SESSION_TYPE"] == "cookie":
        return decode(app, cookie.value)
    with app.app_context():
        record = stores.current().record(cookie.value)
    return record and record["data"]


def translated(app, message, lang):
    """A message as the site shows it in lang."""
    with app.test_request_context(), force_locale(lang):
        return str(message)


@pytest.fixture(scope="module", params=list(STORES))
def site(request, tmp_path_factory):
    """One app, as production runs it, for the whole table; on each store in turn."""
    config = {"SECRET_KEY": SECRET_KEY, "SESSION_TYPE": request.param}
    if request.param == "redis":
        config["REDIS_URL"] = request.getfixturevalue("redis").url
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SESSIONLAB_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        return create_app(config)


@pytest.fixture(scope="module", params=["en", "es"])
def lang(request):
    return request.param


@pytest.fixture(scope="module")
def settled_session(site, lang):
    """A permanent session holding an email, a cart and preferences in lang."""
    visitor = Visitor(site.test_client())
    visitor.set_email("ada@example.com", remember=True)
    visitor.add_to_cart("mug", 2)
    visitor.add_to_cart("lamp")
    visitor.post("/preferences", {"language": lang, "currency": "EUR", "theme": "dark"})
    return visitor.session()


@pytest.fixture
def settled_visitor(site, settled_session):
    """A visitor who comes back with a session of their own holding just that."""
    # A session of its own: on a server store, a copy of one cookie would share one record.
    client = site.test_client()
    with client.session_transaction() as session:
        session.update(settled_session)
    return Visitor(client)


def prepare(visitor, case, lang):
    """Put the case's cookie in the visitor's jar; return the test client's arguments."""
    client = visitor.client
    if case.cookie_format and client.application.config["SESSION_TYPE"] != "cookie":
        pytest.skip("forges a signed cookie's payload; a server store's cookie holds only an id")
    token = visitor.token()
    if case.cookie:
        client.set_cookie(
            "session", case.cookie(client.application, client.get_cookie("session").value)
        )
    request = case.request(token) if case.request else {}
    # The visitor's browser asks for their language too, as it would.
    headers = {"Accept-Language": lang, **request.pop("headers", {})}
    return {"method": case.method, "headers": headers, **request}


def send(visitor, case, lang):
    """Send a bad request as the visitor, with their CSRF token where the case uses one."""
    return visitor.client.open(case.path, **prepare(visitor, case, lang))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_request_gets_its_4xx(settled_visitor, lang, case):
    assert send(settled_visitor, case, lang).status_code == case.status


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_request_gets_a_styled_translated_message(settled_visitor, lang, case):
    app = settled_visitor.client.application
    page = send(settled_visitor, case, lang).get_data(as_text=True)
    message = translated(app, case.message, lang)
    assert lang == "en" or message != translated(app, case.message, "en")
    assert message in html.unescape(page)
    assert STYLESHEET in page
    assert f'<html lang="{lang}"' in page


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_request_leaves_the_session_unchanged(settled_visitor, lang, case):
    client = settled_visitor.client
    request = prepare(settled_visitor, case, lang)
    before = held_session(client.application, client)
    client.open(case.path, **request)
    assert held_session(client.application, client) == before


def test_the_table_covers_every_route_with_at_least_30_cases(site):
    paths = [urlsplit(case.path).path for case in CASES.values()]
    rules = {rule.rule for rule in site.url_map.iter_rules()}

    def tried(rule):
        prefix = rule.split("<")[0]
        return any(path == rule or ("<" in rule and path.startswith(prefix)) for path in paths)

    print(f"bad inputs tried: {len(CASES)} cases x 2 languages, on all {len(rules)} routes")
    assert len(CASES) >= 30
    assert {rule for rule in rules if not tried(rule)} == set()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/set_email", {"email_address": "ada@example.com"}),
        ("/session/permanent", {"permanent": "on"}),
        ("/session/clear", {}),
        ("/cart/add", {"product_id": "tea", "quantity": "1"}),
        ("/cart/update", {"product_id": "mug", "quantity": "3"}),
        ("/cart/remove", {"product_id": "mug"}),
        ("/cart/clear", {}),
        ("/preferences", {"language": "en", "currency": "USD", "theme": "light"}),
    ],
)
def test_redirects_after_a_form_stay_on_the_site(settled_visitor, url, data):
    target = "?next=https://evil.example/&url=//evil.example&redirect_to=%2F%2Fevil.example"
    response = settled_visitor.post(
        url + target, data, follow_redirects=False, headers={"Referer": "https://evil.example/"}
    )
    location = response.headers["Location"]
    assert response.status_code == 302
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))


def test_merged_slashes_redirect_to_the_same_site(client):
    response = client.get("/static//style.css")
    assert urlsplit(response.headers["Location"]).netloc == "localhost"
