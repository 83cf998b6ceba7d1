"""What the benchmark measures: each case is one page, one session and one worker count."""

from dataclasses import dataclass, replace

from sessionlab.catalog import PRODUCTS

# The WSGI apps, by the name the cases use; None is Session Lab as production serves it.
APPS = {"ceiling": "bench.ceiling:app", "peer": "bench.seed:app", "sessionlab": None}
WORKERS = 2  # the worker count of every comparison but the worker-count ones
OTHER_WORKERS = (1, 4)
GROWTH_SIZES = (500, 1000, 2000, 4000)  # cookie bytes; the plain email session is ~150

EMAIL = "ada@example.com"
CART = {product_id: number for number, product_id in enumerate(list(PRODUCTS)[:20], start=1)}
PREFERENCES = {"lang": "fr", "currency": "EUR", "theme": "dark"}

CEILING = "ceiling"
PEER = "peer /get_email"
GREETING = "/get_email"
CART_PAGE = f"/cart, {len(CART)} lines"
ADD_TO_CART = "POST /cart/add"
REDIS = "redis store"  # the suffix of the Redis-store cases' names: --only redis selects them


@dataclass(frozen=True)
class Case:
    name: str
    app: str
    path: str
    session: dict | None = None  # what the session holds (Session Lab adds its CSRF token)
    size: int | None = None  # grow the session's cookie to about this many bytes
    form: dict | None = None  # fields of a POST, sent with the token from form_page's form
    form_page: str | None = None
    status: int = 200
    expect: str = ""  # text the response must hold, checked before the load starts
    min_ceiling: float | None = None  # targets: at least this fraction of the ceiling's req/s
    min_peer: float | None = None  # and at least this multiple of the peer's
    workers: int = WORKERS
    group: str = "pages"
    store: str = "cookie"  # where Session Lab keeps the session: "cookie" or "redis"
    twin: str | None = None  # the cookie-store case this one is compared with
    min_twin: float | None = None  # target: at least this fraction of the twin's req/s
    fresh_visitors: bool = False  # every request from a visitor of its own (see visitor_pool)


GET_TARGETS = {"min_ceiling": 0.6, "min_peer": 2.0}
REDIS_GET_TARGET = 0.8  # issue 11: a Redis-store GET page at least 0.8 of its cookie twin's req/s
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
        **GET_TARGETS,
    ),
    Case(
        "/preferences",
        "sessionlab",
        "/preferences",
        {"email": EMAIL, **PREFERENCES},
        expect='data-theme="dark"',
        **GET_TARGETS,
    ),
    Case(
        "/session",
        "sessionlab",
        "/session",
        {"email": EMAIL, "cart": CART, **PREFERENCES},
        expect='data-testid="payload"',
        **GET_TARGETS,
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
        min_ceiling=0.5,
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
        group="stores",
    )


REDIS_CASES = [on_redis(case) for case in PAGES if case.name in (GREETING, CART_PAGE, ADD_TO_CART)]

GROWTH = [
    replace(GREETING_CASE, name=f"/get_email, ~{size} B session", size=size, group="growth")
    for size in GROWTH_SIZES
]

WORKER_COUNTS = [
    replace(case, workers=workers, group="workers")
    for workers in OTHER_WORKERS
    for case in PAGES
    if case.name in (CEILING, PEER, GREETING)
]

ALL = PAGES + REDIS_CASES + GROWTH + WORKER_COUNTS


def select(only=None):
    """Every case, or those whose name holds only plus the cases they are compared with.

    Those are the ceiling and the peer at the same worker count and, for a
    Redis-store case, its cookie-store twin.
    """
    if not only:
        return ALL
    chosen = [case for case in ALL if only in case.name]
    wanted = {(name, case.workers) for case in chosen for name in (CEILING, PEER, case.twin)}
    return [case for case in ALL if case in chosen or (case.name, case.workers) in wanted]
