"""Where a request's time goes, measured inside the process (no server, no network).

    python -m bench.profile                      app time per request of every page
    python -m bench.profile "/cart, 20 lines"    and a cProfile of that page
    python -m bench.profile --only /cart         only the cases whose name holds /cart

The times are CPU time per request, the best of several batches, so that other
work on the machine disturbs them less than the benchmark's figures. The
Redis-store cases talk to a Redis of their own, whose CPU time is not counted.
"""

import argparse
import cProfile
import io
import itertools
import pstats
import secrets
import time
from contextlib import ExitStack

from werkzeug.test import EnvironBuilder

from . import bare_write, cases, ceiling, redis_store, seed
from .report import per_line
from .sessions import FORM_TYPE, SessionMaker, in_process, visitor, visitor_pool

BATCHES = 5


def request_maker(case, apps, maker, visitors_needed):
    """A function that sends the case's request to its app once, as the benchmark's visitor.

    A case with fresh visitors takes a new one on each call, as in the benchmark.
    """
    app = maker.app if case.app == "sessionlab" else apps[case.app]
    send = in_process(app)
    token = maker.first_visit_token(send) if case.app == "sessionlab" else None
    cookie_header, body = visitor(case, maker, token, send)
    if case.fresh_visitors:
        cookies = iter(visitor_pool(case, maker, token, visitors_needed))
    else:
        cookies = itertools.repeat(cookie_header)
    builder = EnvironBuilder(
        path=case.path,
        method="GET" if body is None else "POST",
        headers={"Cookie": cookie_header} if cookie_header else {},
        data=body,
        content_type=FORM_TYPE if body is not None else None,
    )
    environ = builder.get_environ()
    payload = environ["wsgi.input"].read()

    def make_request():
        statuses = []
        request = {**environ, "wsgi.input": io.BytesIO(payload)}
        cookie = next(cookies)
        if cookie:
            request["HTTP_COOKIE"] = cookie
        response = app(request, lambda s, h: statuses.append(s))
        text = b"".join(response).decode()
        if not statuses[0].startswith(str(case.status)) or case.expect not in text:
            raise RuntimeError(f"{case.name}: unexpected {statuses[0]}:\n{text[:2000]}")

    return make_request


def cpu_ms(make_request, requests):
    """CPU milliseconds per request, the best of a few batches."""
    make_request()  # the first request compiles templates and loads translations
    best = float("inf")
    for _batch in range(BATCHES):
        start = time.process_time()
        for _request in range(requests):
            make_request()
        best = min(best, time.process_time() - start)
    return best / requests * 1000


def profile(make_request, requests, top):
    """Print the functions the requests spent most time in, cumulatively."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [make_request() for _request in range(requests)])
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main(argv=None):
    """Print each case's app time per request, and the profiles asked for."""
    parser = argparse.ArgumentParser(prog="bench.profile", description=__doc__)
    parser.add_argument("names", nargs="*", help="case names to profile (see bench/cases.py)")
    parser.add_argument("--requests", type=int, default=200, help="requests per batch")
    parser.add_argument("--top", type=int, default=40, help="functions to list")
    parser.add_argument("--only", help="only the cases whose name holds this (plus baselines)")
    options = parser.parse_args(argv)
    measured = [case for case in cases.select(options.only) if case.workers == cases.WORKERS]
    unknown = set(options.names) - {case.name for case in measured}
    if unknown:
        parser.error(f"no such case: {', '.join(sorted(unknown))}")
    secret_key = secrets.token_hex(32)
    # The peer and the bare write read the same cookies.
    seed.app.secret_key = bare_write.app.secret_key = secret_key
    apps = {"ceiling": ceiling.app, "peer": seed.app, "bare": bare_write.app}
    # Every batch, the first request and the profile each take new visitors.
    visitors_needed = options.requests * (BATCHES + 1) + 1
    with ExitStack() as stack:
        backends = redis_store.start(stack, measured)
        makers = {
            (store, locking): SessionMaker(
                secret_key, {**backends.settings(store), "SESSION_LOCKING": locking}
            )
            for store, locking in dict.fromkeys((case.store, case.locking) for case in measured)
        }
        cart_costs = {}
        for case in measured:
            maker = makers[case.store, case.locking]
            make_request = request_maker(case, apps, maker, visitors_needed)
            ms = cpu_ms(make_request, options.requests)
            print(f"{case.name:32} {ms:7.3f} ms", flush=True)
            if cases.cart_lines(case):
                cart_costs[cases.cart_lines(case)] = ms
            if case.name in options.names:
                profile(make_request, options.requests, options.top)
    if len(cart_costs) > 1:
        slope, intercept = per_line(cart_costs)
        print(f"cart: {slope:.3f} ms per line, {intercept:.3f} ms for the rest of the page")


if __name__ == "__main__":
    main()
