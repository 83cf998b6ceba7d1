"""Where a request's time goes, measured inside the process (no server, no network).

    python -m bench.profile                      app time per request of every page
    python -m bench.profile "/cart, 20 lines"    and a cProfile of that page

The times are CPU time per request, the best of several batches, so that other
work on the machine disturbs them less than the benchmark's figures.
"""

import argparse
import cProfile
import io
import pstats
import secrets
import time

from werkzeug.test import EnvironBuilder

from . import cases, ceiling, seed
from .sessions import FORM_TYPE, SessionMaker, in_process, visitor

BATCHES = 5


def request_maker(case, apps, maker):
    """A function that sends the case's request to its app once, as the benchmark's visitor."""
    app = apps[case.app]
    send = in_process(app)
    token = maker.first_visit_token(send) if case.app == "sessionlab" else None
    cookie_header, body = visitor(case, maker, token, send)
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
        response = app(
            {**environ, "wsgi.input": io.BytesIO(payload)}, lambda s, h: statuses.append(s)
        )
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
    options = parser.parse_args(argv)
    measured = cases.PAGES + cases.GROWTH
    unknown = set(options.names) - {case.name for case in measured}
    if unknown:
        parser.error(f"no such case: {', '.join(sorted(unknown))}")
    maker = SessionMaker(secrets.token_hex(32))
    seed.app.secret_key = maker.app.secret_key  # the peer reads the same cookies
    apps = {"ceiling": ceiling.app, "peer": seed.app, "sessionlab": maker.app}
    for case in measured:
        make_request = request_maker(case, apps, maker)
        print(f"{case.name:32} {cpu_ms(make_request, options.requests):7.3f} ms", flush=True)
        if case.name in options.names:
            profile(make_request, options.requests, options.top)


if __name__ == "__main__":
    main()
