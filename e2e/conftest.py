"""Fixtures for the Playwright e2e suite: gunicorn servers, base URL, browser launch options.

playwright.config.toml gives pytest-playwright's options their defaults; the
usual flags (--browser, --headed, --slowmo, --tracing, --screenshot, --output)
override them. Every test runs on each session store of [run] stores (or --store).
"""

import os
import shlex
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sessionlab.stores import STORES

from . import browsers
from .servers import Servers
from .settings import RUN

# Markers that keep a test to some stores: their names say why.
STORE_MARKERS = {
    "cookie_only": {"cookie"},
    "server_stores": set(STORES) - {"cookie"},
    "redis_only": {"redis"},
}

# The pytest-playwright flag that overrides each [run] key of playwright.config.toml.
FLAGS = {
    "browsers": "--browser",
    "headed": "--headed",
    "slowmo": "--slowmo",
    "tracing": "--tracing",
    "screenshot": "--screenshot",
    "output": "--output",
}


def given(config, flag):
    """Whether flag was set in addopts, PYTEST_ADDOPTS or on the command line."""
    args = [
        *config.getini("addopts"),
        *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
        *config.invocation_params.args,
    ]
    return any(arg == flag or arg.startswith(f"{flag}=") for arg in args)


def pytest_addoption(parser):
    parser.addoption(
        "--store",
        action="append",
        choices=list(STORES),
        help="session store to run the e2e tests on (repeatable; default: [run] stores)",
    )


def chosen_stores(config):
    return config.option.store or RUN["stores"]


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc):
    """Run each test that loads a page on every chosen store; ids read [chromium-redis]."""
    if "base_url" not in metafunc.fixturenames and "server" not in metafunc.fixturenames:
        return
    stores = chosen_stores(metafunc.config)
    for marker, allowed in STORE_MARKERS.items():
        if metafunc.definition.get_closest_marker(marker):
            stores = [store for store in stores if store in allowed]
    metafunc.parametrize("store", stores, scope="session")


def is_xdist_worker(config):
    """Whether this process is a pytest-xdist worker rather than the controller."""
    return hasattr(config, "workerinput")


def pytest_configure(config):
    """Fill in pytest-playwright's options from playwright.config.toml where no flag set them."""
    expect.set_options(timeout=RUN["expect_timeout"])
    # xdist workers parse the same command line, so each process does this itself.
    for key, flag in FLAGS.items():
        if not given(config, flag):
            setattr(config.option, flag.removeprefix("--"), RUN[key])


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
    servers = getattr(item, "funcargs", {}).get("servers")
    if report.failed and servers:
        report.sections.extend(servers.log_tails())
    return report


@pytest.fixture(scope="session")
def servers(pytestconfig, worker_id):
    """This worker's gunicorn servers (see e2e/servers.py), stopped when the session ends."""
    with ExitStack() as stack:
        yield Servers(stack, Path(pytestconfig.option.output) / "servers", worker_id)


@pytest.fixture(scope="session")
def server(servers, store):
    """The site with its default settings and the test key on store, shared by this worker."""
    return servers.get("main", store)


@pytest.fixture(scope="session")
def base_url(server):
    """pytest-base-url's base URL: this worker's server, so tests can page.goto("/cart")."""
    return server.url


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a test, saying why, when its browser cannot run on this machine."""
    # Skipping here rather than in a fixture makes -ra show the reason once, not once per
    # test; and tryfirst runs this before any fixture has started Playwright.
    callspec = getattr(item, "callspec", None)
    name = callspec.params.get("browser_name") if callspec else None
    reason = name and browsers.unavailable(not item.config.option.headed).get(name)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_type):
    """pytest-playwright's launch options, with a system browser where Playwright's is absent."""
    headless = browser_type_launch_args.get("headless", True)
    return {**browser_type_launch_args, **browsers.launch_args(browser_type, headless)}
