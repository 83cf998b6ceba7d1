"""What the benchmark measures: each case is one page, one session and one worker count."""

import hashlib
from dataclasses import dataclass, replace

from sessionlab.catalog import PRODUCTS

# The WSGI apps, by the name the cases use; None is Session Lab as production serves it.
APPS = {
    "ceiling": "bench.ceiling:app",
    "peer": "bench.seed:app",
    "bare": "bench.bare_write:app",
    "sessionlab": None,
}
WORKERS = 2  # the worker count of every comparison but the worker-count ones
OTHER_WORKERS = (1, 4)
GROWTH_SIZES = (500, 1000, 2000, 4000)  # cookie bytes; the plain email session is ~150

EMAIL = "ada@example.com"
CART_SWEEP = (1, 5, 10, 20)  # cart lines: what each line costs


def cart_of(lines):
    """A cart of that many lines, the products in catalogue order, quantities 1, 2, 3..."""
    return {product_id: number for number, product_id in enumerate(list(PRODUCTS)[:lines], start=1)}


CART = cart_of(20)
PREFERENCES = {"lang": "fr", "currency": "EUR", "theme": "dark"}

CEILING = "ceiling"
PEER = "peer /get_email"
GREETING = "/get_email"
CART_PAGE = f"/cart, {len(CART)} lines"
ADD_TO_CART = "POST /cart/add"
BARE_WRITE = f"{ADD_TO_CART}, bare Flask"
REDIS = "redis store"  # the suffix of the Redis-store cases' names: --only redis selects them
UNLOCKED_ADD = f"{ADD_TO_CART}, {REDIS}, no locking"
SENTINEL = "sentinel store"  # the same behind Sentinel, each write waiting for a replica


@dataclass(frozen=True)
class Case:
    name: str
    app: str
    path: str
    session: dict | None = None  # what the session holds (Session Lab adds its CSRF token)
    size: int | None = None  # grow the session's cookie to about this many bytes
    form: dict | None = None  # fields of a POST, with the token from form_page's form (if any)
    form_page: str | None = None
    status: int = 200
    expect: str = ""  # text the response must hold, checked before the load starts
    min_ceiling: float | None = None  # targets: at least this fraction of the ceiling's req/s
    min_peer: float | None = None  # and at least this multiple of the peer's
    workers: int = WORKERS
    group: str = "pages"
    store: str = (
        "cookie"  # where Session Lab keeps the session: "cookie", "redis", "redis-sentinel"
    )
    twin: str | None = None  # the case this one is compared with: cookie store, or single Redis
    min_twin: float | None = None  # target: at least this fraction of the twin's req/s
    min_bare: float | None = None  # target: at least this fraction of the bare write's req/s
    fresh_visitors: bool = False  # every request from a visitor of its own (see visitor_pool)
    locking: bool = True  # SESSION_LOCKING on a server store
    min_unlocked: float | None = None  # target: at least this fraction of UNLOCKED_ADD's req/s


# Targets: fractions of the ceiling's requests per second (multiples of the peer's).
GET_TARGETS = {"min_ceiling": 0.6, "min_peer": 2.0}  # /get_email
FORM_PAGE_TARGET = {"min_ceiling": 0.45}  # /preferences and /session
CART_TARGET = {"min_ceiling": 0.3}  # /cart with 20 lines
# POST /cart/add against the same change in plain Flask: what Session Lab's checks cost.
WRITE_TARGET = {"min_bare": 0.75}
REDIS_GET_TARGET = 0.8  # issue 11: a Redis-store GET page at least 0.8 of its cookie twin's req/s
LOCKING_TARGET = 0.9  # issue 26: the Redis-store cart add with its session lock, against without
WELCOME = f"Welcome {EMAIL}!"

GREETING_CASE = Case(
    GREETING, "sessionlab", "/get_email", {"email": EMAIL}, expect=WELCOME, **GET_TARGETS
)

PAGES = [
    Case(CEILING, "ceiling", "/", expect="Hello, World!"),
    Case(PEER, "peer", "/get_email", {"email": EMAIL}, expect=WELCOME),
    GREETING_CASE,
    Case(
        "/get_email, permanent session",
        "sessionlab",
        "/get_email",
        {"email": EMAIL, "_permanent": True},
        expect=WELCOME,
        **GET_TARGETS,
    ),
    Case(
        CART_PAGE,
        "sessionlab",
        "/cart",
        {"email": EMAIL, "cart": CART},
        expect=f'data-product="{list(CART)[-1]}"',
        **CART_TARGET,
    ),
    Case(
        "/preferences",
        "sessionlab",
        "/preferences",
        {"email": EMAIL, **PREFERENCES},
        expect='data-theme="dark"',
        **FORM_PAGE_TARGET,
    ),
    Case(
        "/session",
        "sessionlab",
        "/session",
        {"email": EMAIL, "cart": CART, **PREFERENCES},
        expect='data-testid="payload"',
        **FORM_PAGE_TARGET,
    ),
    Case(
        ADD_TO_CART,
        "sessionlab",
        "/cart/add",
        {"email": EMAIL, "cart": CART},
        form={"product_id": "mug", "quantity": "1"},
        form_page="/products",
        status=302,
        expect="/products",
        fresh_visitors=True,
        **WRITE_TARGET,
    ),
    Case(
        BARE_WRITE,
        "bare",
        "/cart/add",
        # A token like those Session Lab's visitors carry (40 hex digits), unchecked here.
        {"email": EMAIL, "cart": CART, "csrf_token": hashlib.sha1(b"bare").hexdigest()},
        form={"product_id": "mug", "quantity": "1"},
        status=302,
        expect="/products",
        fresh_visitors=True,
    ),
]


def on_redis(case):
    """The same page and session with the session kept in Redis, compared with its cookie twin."""
    return replace(
        case,
        name=f"{case.name}, {REDIS}",
        store="redis",
        twin=case.name,
        min_ceiling=None,
        min_peer=None,
        min_twin=None if case.form else REDIS_GET_TARGET,
        min_bare=None,
        group="stores",
    )


REDIS_ADD = on_redis(next(case for case in PAGES if case.name == ADD_TO_CART))
REDIS_CASES = [
    *(on_redis(case) for case in PAGES if case.name in (GREETING, CART_PAGE)),
    replace(REDIS_ADD, min_unlocked=LOCKING_TARGET),
    # The same write with no session lock, as Flask-Session makes it: what the lock costs.
    replace(REDIS_ADD, name=UNLOCKED_ADD, twin=None, locking=False),
]


def behind_sentinel(case):
    """A Redis-store case with the session in a Sentinel rig's master, against single Redis."""
    return replace(
        case,
        name=f"{case.name.removesuffix(REDIS)}{SENTINEL}",
        store="redis-sentinel",
        twin=case.name,
        min_twin=None,
        min_unlocked=None,
    )


SENTINEL_CASES = [
    behind_sentinel(case) for case in REDIS_CASES if case.twin in (GREETING, ADD_TO_CART)
]

GROWTH = [
    replace(GREETING_CASE, name=f"/get_email, ~{size} B session", size=size, group="growth")
    for size in GROWTH_SIZES
]

CART_LINES = [
    replace(
        case,
        name=f"/cart, {lines} line{'s' if lines > 1 else ''}",
        session={"email": EMAIL, "cart": cart_of(lines)},
        expect=f'data-product="{list(cart_of(lines))[-1]}"',
        min_ceiling=None,
        group="cart lines",
    )
    for case in PAGES
    if case.name == CART_PAGE
    for lines in CART_SWEEP
    if lines != len(CART)
]

WORKER_COUNTS = [
    replace(case, workers=workers, group="workers")
    for workers in OTHER_WORKERS
    for case in PAGES
    if case.name in (CEILING, PEER, GREETING)
]

ALL = PAGES + REDIS_CASES + SENTINEL_CASES + GROWTH + CART_LINES + WORKER_COUNTS


def cart_lines(case):
    """How many lines the cart of a /cart case holds, or None for another page."""
    return len(case.session["cart"]) if case.path == "/cart" and case.store == "cookie" else None


def select(only=None):
    """Every case, or those whose name holds only plus the cases they are compared with.

    Those are the ceiling and the peer at the same worker count, for a Redis-store
    case its cookie-store twin (behind Sentinel, its Redis twin and that one's twin), for
    the cart add the bare write, and for the Redis-store cart add the same without locking.
    """
    if not only:
        return ALL
    chosen = [case for case in ALL if only in case.name]
    twins = {case.twin for case in chosen}
    chosen += [case for case in ALL if case.name in twins and case not in chosen]
    compared = [CEILING, PEER]
    wanted = {
        (name, case.workers)
        for case in chosen
        for name in (
            *compared,
            case.twin,
            BARE_WRITE if case.min_bare else None,
            UNLOCKED_ADD if case.min_unlocked else None,
        )
    }
    return [case for case in ALL if case in chosen or (case.name, case.workers) in wanted]
