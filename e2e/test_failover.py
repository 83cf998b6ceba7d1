"""The Redis store behind Sentinel, in the browser: the master killed with SIGKILL, visitors
get the 503 page until a replica takes over, then their own sessions back, with no restart.

One rig (sessionlab.sentinel_rig), one site and one failover per browser.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from sessionlab.sentinel_rig import sentinel_rig

from .actions import put_email, put_in_cart
from .deployment import NOT_OURS, Deployment

pytestmark = pytest.mark.redis_only

# Visitors whose sessions are written before the kill, each with a mug or more in the cart, and
# then only read; and a visitor who adds a mug during the failover, and again after it.
READERS = ["ada@example.com", "grace@example.com", "linus@example.com"]
WRITER = "writer@example.com"


@pytest.fixture(scope="module")
def failover(servers, store, browser_name, shared_contexts):
    """Sessions written, the writer's products page open, the master killed, a mug added at
    once from that page, and a replica in charge; yields the site, contexts and that answer."""
    if isinstance(servers, Deployment):
        pytest.skip(f"needs a Redis master of its own to kill; {NOT_OURS}")
    with sentinel_rig() as rig, shared_contexts(len(READERS) + 1) as (writer, *readers):
        site = servers.get(f"failover-{browser_name}", store, **rig.settings())
        for quantity, (context, email) in enumerate(zip(readers, READERS, strict=True), start=1):
            put_email(context, email, base=site.url)
            put_in_cart(context, "mug", quantity, base=site.url)
        put_email(writer, WRITER, base=site.url)
        put_in_cart(writer, "mug", 1, base=site.url)
        page = writer.new_page()
        page.goto(f"{site.url}/products")
        killed = rig.kill_master()
        with page.expect_response(lambda response: response.request.method == "POST") as post:
            page.get_by_role("button", name="Add Cookie mug to cart").click()
        rig.wait_for_failover(killed)
        yield SimpleNamespace(
            site=site, readers=readers, writer=writer, page=page, during=post.value
        )


def test_a_write_during_the_failover_gets_the_503_page(failover):
    assert failover.during.status == 503
    expect(failover.page.get_by_role("heading", level=1)).to_have_text("Error 503")
    expect(failover.page.get_by_role("alert")).to_contain_text("The session store is unavailable")


def test_every_session_written_before_the_kill_reads_back(failover):
    readers = zip(failover.readers, READERS, strict=True)
    for quantity, (context, email) in enumerate(readers, start=1):
        page = context.new_page()
        page.goto(f"{failover.site.url}/get_email")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome {email}!")
        expect(page.get_by_test_id("cart-count")).to_have_text(str(quantity))


def test_writes_succeed_after_the_failover_with_no_restart(failover):
    page = failover.writer.new_page()
    page.goto(f"{failover.site.url}/products")
    page.get_by_role("button", name="Add Cookie mug to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Cookie mug")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
