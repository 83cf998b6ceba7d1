"""Fixtures for the Playwright e2e suite: gunicorn servers, base URL, browser launch options.

Every test runs in each browser of [run] browsers (or --browser) of
playwright.config.toml, on each session store of [run] stores (or --store).
pytest-playwright's other options (--tracing, --screenshot, --output...) take their
defaults from addopts in pyproject.toml. With --base-url (or [run] base_url) the
tests run against that server instead, on the store it uses; those that need a
server of their own are skipped. e2e/README.md describes the harness.
"""

import shutil
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import pytest
from playwright.sync_api import Error, expect
from slugify import slugify

from sessionlab.stores import STORES

from . import browsers, deployment
from .attackers import AttackerSite
from .servers import Servers
from .settings import RUN

# Markers that keep a test to some stores: their names say why.
STORE_MARKERS = {
    "cookie_only": {"cookie"},
    "server_stores": set(STORES) - {"cookie"},
    "redis_only": {"redis"},
}


def pytest_addoption(parser):
    parser.addoption(
        "--store",
        action="append",
        choices=list(STORES),
        help="session store to run the e2e tests on (repeatable; default: [run] stores)",
    )


def given_url(config):
    """The URL of a server the suite did not start (--base-url, [run] base_url), or None."""
    url = config.option.base_url or RUN["base_url"]
    return url.rstrip("/") if url else None


def chosen_stores(config):
    """The stores to run on: a given server's own, or those of the servers the suite starts."""
    url = given_url(config)
    if url:
        return [deployment.store_of(url)]
    return config.option.store or RUN["stores"]


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc):
    """Run each test that loads a page on every chosen store; ids read [chromium-redis]."""
    if "base_url" not in metafunc.fixturenames and "server" not in metafunc.fixturenames:
        return
    chosen = chosen_stores(metafunc.config)
    markers = [name for name in STORE_MARKERS if metafunc.definition.get_closest_marker(name)]
    stores = [store for store in chosen if all(store in STORE_MARKERS[m] for m in markers)]
    if metafunc.definition.get_closest_marker("one_store"):
        stores = stores[:1]
    if not stores:
        # Say why, where pytest would say only "got empty parameter set".
        skip = pytest.mark.skip(
            reason=f"{', '.join(markers)}: not for the {'/'.join(chosen)} store"
        )
        stores = [pytest.param(store, marks=skip) for store in chosen]
    metafunc.parametrize("store", stores, scope="session")


# Whether a phase of the test (set-up, call or teardown) failed, for its fixtures' teardown.
FAILED = pytest.StashKey[bool]()
# Whether to take a screenshot of each open page when a test fails (see pytest_configure).
SCREENSHOT_ON_FAILURE = pytest.StashKey[bool]()


def check_base_url(config):
    """Check the given URL, if any: a Session Lab answers there, and no --store goes with it."""
    url = given_url(config)
    if url and config.option.store:
        raise pytest.UsageError(
            "--store chooses where the servers the suite starts keep sessions; "
            "the server at --base-url keeps them where it does"
        )
    if url:
        deployment.store_of(url)  # fails now, saying so, if no Session Lab answers there


def is_xdist_worker(config):
    """Whether this process is a pytest-xdist worker rather than the controller."""
    return hasattr(config, "workerinput")


def pytest_configure(config):
    """Set expect's timeout, check the given URL, choose the browsers and who takes screenshots."""
    expect.set_options(timeout=RUN["expect_timeout"])
    check_base_url(config)
    # Set here, not in addopts: --browser appends, so a default there would add to those given.
    config.option.browser = config.option.browser or RUN["browsers"]
    # pytest-playwright's only-on-failure takes a screenshot of every page of every test as its
    # contexts close and throws away those of passing tests; new_context below takes them only
    # when the test has failed.
    config.stash[SCREENSHOT_ON_FAILURE] = config.option.screenshot == "only-on-failure"
    if config.stash[SCREENSHOT_ON_FAILURE]:
        config.option.screenshot = "off"  # overridden: pytest-playwright has no other switch


def pytest_report_header(config):
    """Name the server under test where [run] base_url, not --base-url, chose it."""
    # pytest-base-url's own header names the one --base-url gives.
    url = given_url(config)
    if url and not config.option.base_url:
        return f"baseurl: {url}"


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Empty the output folder once, before any xdist worker starts writing to it."""
    if not is_xdist_worker(session.config):
        shutil.rmtree(session.config.option.output, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """Nothing: pytest_sessionstart has emptied the output folder already."""
    # pytest-playwright's fixture of this name empties it in each xdist worker as
    # that worker starts, deleting what workers that started earlier wrote there.


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Add the end of each gunicorn log of the worker to a failed test's report."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    servers = getattr(item, "funcargs", {}).get("servers")
    if report.failed and servers:
        report.sections.extend(servers.log_tails())
    return report


@pytest.fixture(scope="session")
def servers(pytestconfig, worker_id):
    """This worker's gunicorn servers (see e2e/servers.py), stopped when the session ends."""
    url = given_url(pytestconfig)
    if url:  # that server stands in for them all, and tests that need another are skipped
        yield deployment.Deployment(url)
        return
    with ExitStack() as stack:
        servers = Servers(stack, Path(pytestconfig.option.output) / "servers", worker_id)
        yield servers
        servers.stop_all()


@pytest.fixture(scope="session")
def server(servers, store):
    """The site with its default settings and the test key on store (or the given server)."""
    return servers.get("main", store)


@pytest.fixture(scope="session")
def base_url(server):
    """pytest-base-url's base URL: the server above, so tests can page.goto("/cart")."""
    return server.url


@pytest.fixture(scope="session")
def attacker(servers, server):
    """The attacker site (attacker/), aimed at the main server on this test's store."""
    return AttackerSite(servers.attacker().url, server.url)


def browser_of(item):
    """The browser a test runs in, or None for a test without one."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("browser_name") if callspec else None


def pytest_itemcollected(item):
    """Put the tests that share a module's set-up (shared_contexts) in one xdist group;
    make every other group one per browser."""
    # Marked here, before pytest-xdist reads the marks to group tests.
    if "shared_contexts" in item.fixturenames:
        # Grouped by module and parameters (browser, store), one worker builds that set-up
        # once for all of them. (No brackets in the name: pytest-xdist would take it for
        # part of the test's id.)
        item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}-{item.callspec.id}"))
    elif (group := item.get_closest_marker("xdist_group")) and browser_of(item):
        # A group of both browsers made its worker close one browser and launch the other
        # in the middle of it, and then launch the first again (2-3 s for Firefox).
        name = f"{group.args[0]}-{browser_of(item)}"
        item.add_marker(pytest.mark.xdist_group(name), append=False)


def has_a_browser_of_its_own(item):
    """Whether a test runs in a browser launched with options of its own (dark mode)."""
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "browser_type_launch_args" in callspec.params


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Hand tests to xdist workers so that both finish on quick tests: those without a
    browser (the fast tests, with their long demo and load runs) first, then each browser's,
    slowest browser first; in each browser, those with a browser of their own first."""
    # pytest-xdist deals tests out in this order if --no-loadscope-reorder (addopts in
    # pyproject.toml) stops it handing out its largest groups first, whatever their browser,
    # which had a worker launch Firefox again at each switch. Left last, Firefox's tests of
    # several seconds each, or the fast tests' runs of a minute, ended the run on one worker
    # while the other sat idle. A worker that runs tests with a browser of their own launches it,
    # and then the usual one: in the middle of the usual one's tests, it would launch that
    # again after them.
    rank = {name: index for index, name in enumerate(browsers.SLOWEST_FIRST)}
    items.sort(
        key=lambda item: (rank.get(browser_of(item), -1), not has_a_browser_of_its_own(item))
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a test, saying why, when its browser cannot run on this machine."""
    # Skipping here rather than in a fixture makes -ra show the reason once, not once per
    # test; and tryfirst runs this before any fixture has started Playwright.
    name = browser_of(item)
    reason = name and browsers.unavailable(not item.config.option.headed).get(name)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_type):
    """pytest-playwright's launch options, with a system browser where Playwright's is absent."""
    headless = browser_type_launch_args.get("headless", True)
    launch_args = {**browser_type_launch_args, **browsers.launch_args(browser_type, headless)}
    return browsers.with_named_host(launch_args)


def restart_tracing_without_screenshots(context, title):
    """Trace context from now on with DOM snapshots and sources but no screenshots."""
    # A trace's screenshots cost more than the rest of it: over WebDriver BiDi they are a
    # screencast of each open page, many frames a second, and in Chromium they slow the
    # whole suite too. The DOM snapshots still show each step in the trace viewer, and a
    # failed test's pages are shot as PNGs.
    context.tracing.stop()
    context.tracing.start(title=title, snapshots=True, sources=True)


@pytest.fixture
def new_context(new_context, request, pytestconfig, output_path):
    """pytest-playwright's new_context: traces without screenshots; pages shot on failure."""
    contexts = []
    tracing = pytestconfig.option.tracing != "off"

    def create(**kwargs):
        context = new_context(**kwargs)
        if tracing:
            restart_tracing_without_screenshots(context, slugify(request.node.nodeid))
        contexts.append(context)
        return context

    yield create
    if pytestconfig.stash[SCREENSHOT_ON_FAILURE] and request.node.stash.get(FAILED, False):
        pages = [page for context in contexts for page in context.pages if not page.is_closed()]
        for index, page in enumerate(pages, start=1):
            with suppress(Error):  # a page that cannot be shot must not hide the failure
                page.screenshot(path=Path(output_path) / f"test-failed-{index}.png", timeout=5000)


@pytest.fixture(scope="module")
def shared_contexts(browser, browser_context_args, pytestconfig, request, browser_name, store):
    """Contexts for a set-up that a module's tests share: with shared_contexts(n) as contexts.

    They are closed when the block ends. Each one's trace is kept in
    test-results/<module>-<browser>-<store>/ if the block raises, or if a test of the module
    in that browser and store failed while they were open (a fixture that yields inside
    the block).
    """
    tracing = pytestconfig.option.tracing != "off"
    folder = Path(pytestconfig.option.output) / slugify(
        f"{request.node.nodeid}-{browser_name}-{store}"
    )

    def shares_them(item):
        """Whether item is a test of this module in this browser on this store."""
        if item.getparent(pytest.Module) is not request.node or not hasattr(item, "callspec"):
            return False
        params = item.callspec.params
        return (params.get("browser_name"), params.get("store")) == (browser_name, store)

    def a_test_failed():
        tests = filter(shares_them, request.session.items)
        return any(item.stash.get(FAILED, False) for item in tests)

    def keep_traces(contexts):
        for index, context in enumerate(contexts if tracing else (), start=1):
            context.tracing.stop(path=folder / f"trace-{index}.zip")

    @contextmanager
    def open_contexts(count):
        contexts = [browser.new_context(**browser_context_args) for _ in range(count)]
        for context in contexts if tracing else ():
            context.tracing.start(snapshots=True, sources=True)
        try:
            yield contexts
        except Exception:
            keep_traces(contexts)
            raise
        else:
            if a_test_failed():
                keep_traces(contexts)
        finally:
            for context in contexts:
                context.close()

    return open_contexts
