"""Attacks 6 to 12 of the attack lab, as the e2e tests and ./lab demo run them.

Each attempt_<slug>(context, attacker) takes a fresh browser context (the victim's
browser) and the attacker site, tries the attack, and returns what it left: an Observed
attempt, whose seen says what the attempt saw on the way (the tests assert on it).
Attacks 9 and 10 need no attacker page in the browser; their page is the attacker's
page showing what its server observed of the target.
"""

import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import datetime

from playwright.sync_api import expect

from attacker import observe

from .actions import send_form, sent_data
from .browsers import NAMED_HOST
from .cookies import session_cookie
from .keep_alive import copy_and_keep_alive, ended_at, stop_keeping_alive, visits, wait_until
from .victim import EMAIL, Attempt, held, kept_data, sign_in_victim


@dataclass
class Observed(Attempt):
    """An attempt, with what it saw on the way."""

    seen: dict = field(default_factory=dict)


def with_query(url, **params):
    """url with params added to its query string."""
    return f"{url}&{urllib.parse.urlencode(params)}"


# 6. Injection. The email check refuses < and >, but takes quotes, &, backticks and braces:
# this one would end a quoted attribute, add a handler, and show 49 under a template engine
# that evaluated it.
ACCEPTED_EMAIL = "x'onfocus=alert`1`'&{{7*7}}@example.com"
# The markup of the attacker's injection page.
MARKUP = '"><script>alert("injected")</script><img src=x onerror=alert("injected")>'
REFUSED_EMAIL = f"{MARKUP}@example.com"
# What the markup would have added to a page, had it been taken as markup.
INJECTED = 'script:not([src]), img[src="x"], [onerror], [onfocus]'
ADDRESS_LINKS = (
    "The greeting, markup in its query string",
    "The inspector, markup in its query string",
    "A missing page, markup in its path",
)


def shown_data(page):
    """The session data the inspector on page shows (its cookie's payload or its record)."""
    shown = page.get_by_test_id("payload").or_(page.get_by_test_id("record"))
    return json.loads(shown.inner_text())


def attempt_injection(context, attacker):
    """Markup in the address and in the greeting's form: shown as text, never run."""
    sign_in_victim(context)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seen = {"injected": {}}

    page.goto(attacker.page("injection"))
    hrefs = [page.get_by_role("link", name=name).get_attribute("href") for name in ADDRESS_LINKS]
    page.get_by_role("link", name=ADDRESS_LINKS[0]).click()  # as a victim would
    page.wait_for_url(f"{attacker.target}/get_email?**")
    seen["injected"]["greeting's query string"] = page.locator(INJECTED).count()
    for name, href in zip(ADDRESS_LINKS[1:], hrefs[1:], strict=True):
        page.goto(href)
        seen["injected"][name] = page.locator(INJECTED).count()

    # The victim types the markup into the greeting's own form (labels are in French).
    page.goto(f"{attacker.target}/set_email")
    field_ = page.locator("input[name=email_address]")
    field_.fill(REFUSED_EMAIL)
    with page.expect_response(lambda response: response.request.method == "POST") as post:
        page.get_by_role("main").get_by_role("button").click()
    seen["refused status"] = post.value.status
    expect(field_).to_be_visible()
    seen["refused field"] = field_.input_value()
    seen["injected"]["refused form"] = page.locator(INJECTED).count()

    field_.clear()  # Firefox over WebDriver BiDi appends to the refused value on fill()
    field_.fill(ACCEPTED_EMAIL)
    page.get_by_role("main").get_by_role("button").click()
    page.wait_for_url("**/get_email")
    seen["greeting"] = page.get_by_role("heading", level=1).inner_text()
    seen["header"] = page.get_by_test_id("header-email").inner_text()
    seen["injected"]["greeting"] = page.locator(INJECTED).count()
    page.goto(f"{attacker.target}/session")
    seen["inspector"] = shown_data(page).get("email")
    seen["injected"]["inspector"] = page.locator(INJECTED).count()
    # A script of the site's own origin (Playwright's runs in the page's own world).
    seen["document.cookie"] = page.evaluate("document.cookie")
    seen["dialogs"] = dialogs

    name = session_cookie(context)["name"]
    stopped = (
        not dialogs
        and not any(seen["injected"].values())
        and seen["refused field"] == REFUSED_EMAIL
        and ACCEPTED_EMAIL in seen["greeting"]
        and ACCEPTED_EMAIL in seen["header"]
        and seen["inspector"] == ACCEPTED_EMAIL
        and name not in seen["document.cookie"]
    )
    what = (
        "Markup in links and in the form was shown as text and never ran; page scripts "
        "cannot read the HttpOnly session cookie."
        if stopped
        else "Markup or script got into a page, or a page script read the session cookie."
    )
    return Observed(stopped, what, kept_data(held(context)), page, seen)


# 7. Planted session.
def visitors_data(data):
    """What a visitor put in a session's data: without the token, flashes and the site's own
    bookkeeping (_started and the like), which a planted signed cookie passes on as it is."""
    return {key: value for key, value in kept_data(data).items() if not key.startswith("_")}


def attempt_plant(context, attacker, made_up=False):
    """A same-site page sets the session cookie of a victim who then signs in."""
    page = context.new_page()
    url = attacker.page("plant", same_site=True)
    page.goto(with_query(url, id="made-up") if made_up else url)
    expect(page.get_by_role("status")).to_have_text(re.compile("^Planted"))
    planted = session_cookie(context)
    seen = {"planted": page.get_by_test_id("planted").inner_text().strip()}
    seen["browser took it"] = planted is not None and planted["value"] == seen["planted"]

    sign_in_victim(context)
    seen["victim's cookie"] = session_cookie(context)["value"]
    held_after = kept_data(held(context))
    page.goto(with_query(url, check=seen["planted"], name=planted["name"]))
    seen["attacker sees"] = json.loads(page.get_by_test_id("held").inner_text())

    leaked = set(visitors_data(seen["attacker sees"])) & set(held_after)
    stopped = seen["browser took it"] and seen["victim's cookie"] != seen["planted"] and not leaked
    kind = "a made-up id" if made_up else "its own live session"
    what = (
        f"The attacker planted {kind}; at sign-in the victim got a cookie of their own, and "
        "the planted one shows nothing of theirs."
        if stopped
        else f"The attacker planted {kind}, and it shows the victim's {', '.join(leaked)}."
    )
    return Observed(stopped, what, held_after, page, seen)


# 8. Ids in the address.
POST_ONLY = (
    "/cart/add",
    "/cart/update",
    "/cart/remove",
    "/cart/clear",
    "/session/permanent",
    "/session/clear",
)
# The site's error page's code (its heading is in the victim's language).
STYLED_405 = '<p class="error-code" aria-hidden="true">405</p>'
PAGES = ("/", "/set_email", "/get_email", "/session", "/session.json", "/products", "/cart")


def attempt_url_id(context, attacker):
    """The victim's cookie value in a link the attacker opens in a browser of its own.

    Also GETs, with the victim's cookie, each route that takes only POST. The attempt's page
    is in a second context, the attacker's: close page.context when done with it.
    """
    sign_in_victim(context)
    before = kept_data(held(context))
    value = session_cookie(context)["value"]
    seen = {
        "before": before,
        "GET statuses": {},
        "styled 405": {},
        "cache-control": {},
    }
    for route in POST_ONLY:
        response = context.request.get(f"{attacker.target}{route}")
        seen["GET statuses"][route] = response.status
        seen["styled 405"][route] = (
            '<p class="error-code" aria-hidden="true">405</p>' in response.text()
        )
    for path in PAGES:
        response = context.request.get(f"{attacker.target}{path}")
        seen["cache-control"][path] = response.headers.get("cache-control")
    held_after = kept_data(held(context))

    page = context.browser.new_context().new_page()
    page.goto(with_query(attacker.page("url-id"), id=value))
    page.get_by_role("link", name="The greeting, with the session in its query string").click()
    page.wait_for_url(f"{attacker.target}/get_email?**")
    seen["stranger's greeting"] = page.get_by_role("heading", level=1).inner_text()
    seen["stranger's session"] = kept_data(held(page.context, base=attacker.target))

    stopped = (
        seen["stranger's session"] == {}
        and set(seen["GET statuses"].values()) == {405}
        and all(seen["styled 405"].values())
        and set(seen["cache-control"].values()) == {"no-store"}
        and held_after == before
    )
    what = (
        "A link carrying the victim's session opened a stranger's empty session; routes that "
        "take only POST answered GET with 405; every page says Cache-Control: no-store."
        if stopped
        else "The session in the address was taken, a GET changed the session, or a page "
        "may be cached."
    )
    return Observed(stopped, what, held_after, page, seen)


# 9. Cookie attributes.
def browser_url(target):
    """Where the browser opens target: over HTTPS on a name, as 127.0.0.1 counts as secure."""
    return target.replace("127.0.0.1", NAMED_HOST) if target.startswith("https:") else target


def kept_problems(cookie, host):
    """What keeps the cookie the browser keeps from being WSTG-SESS-02's."""
    expected = {
        "named __Host-session": cookie["name"] == "__Host-session",
        "Secure": cookie["secure"] is True,
        "HttpOnly": cookie["httpOnly"] is True,
        "Path=/": cookie["path"] == "/",
        "SameSite=Lax": cookie["sameSite"] == "Lax",
        # A cookie with a Domain attribute is listed as .host, for the host's subdomains too.
        "for this host alone": cookie["domain"] == host,
    }
    return [wanted for wanted, met in expected.items() if not met]


def attempt_cookie_attributes(context, attacker):
    """The session cookie of the Session Lab at attacker.target, as sent and as kept.

    Over HTTPS (attacker aimed at an https:// target) the browser opens it on NAMED_HOST.
    """
    site = browser_url(attacker.target)
    page = context.new_page()
    response = page.goto(f"{site}/set_email")  # the form's token starts a session
    header = response.header_value("set-cookie")
    cookie = session_cookie(context)
    # Read through the page: the API requests of a context do not know NAMED_HOST.
    held_after = kept_data(sent_data(page))
    page.goto(attacker.page("cookie-attributes"))
    seen = {
        "set-cookie": header,
        "kept": cookie,
        "header problems": observe.host_cookie_problems(observe.cookie_header_of(header)),
        "kept problems": kept_problems(cookie, urllib.parse.urlsplit(site).hostname),
        "attacker's verdict": page.get_by_test_id("verdict").inner_text(),
    }
    problems = seen["header problems"] + seen["kept problems"]
    stopped = not problems
    what = (
        "__Host-session: Secure, HttpOnly, Path=/, SameSite=Lax and no Domain, as set and as kept."
        if stopped
        else f"The session cookie is not as it should be: missing {', '.join(problems)}."
    )
    return Observed(stopped, what, held_after, page, seen)


# 10. Id quality.
def attempt_id_quality(context, attacker, count=observe.MOST_IDS):
    """The attacker's server collects count new session cookies and examines them."""
    sign_in_victim(context)
    page = context.new_page()
    page.goto(with_query(attacker.page("id-quality"), count=count))
    verdict = page.get_by_test_id("verdict").inner_text()
    seen = {"attacker's verdict": verdict}
    stopped = verdict.startswith(("Nothing to guess", "These are signed cookies"))
    if verdict.startswith("These are signed cookies"):
        what = "The cookie store hands out no ids: its cookie is signed data, nothing to guess."
    elif stopped:
        what = f"{count:,} new ids: all distinct, 256 random bits each, no telling prefix."
    else:
        what = f"{count:,} new ids: {verdict}"
    return Observed(stopped, what, kept_data(held(context)), page, seen)


# 11. Replay after a clear (logout).
def attempt_replay(context, attacker):
    """A copy of the victim's cookie, in the attacker's browser, used after the victim clears.

    The attempt's page is in a second context, the attacker's: close page.context when done.
    """
    sign_in_victim(context)
    page = context.browser.new_context().new_page()
    page.context.add_cookies([session_cookie(context)])
    page.goto(f"{attacker.target}/get_email")
    seen = {"copy before the clear": kept_data(held(page.context, base=attacker.target))}
    send_form(context, "/session", {}, action="/session/clear")
    held_after = kept_data(held(context))
    page.reload()
    seen["copy after the clear"] = kept_data(held(page.context, base=attacker.target))
    stopped = "email" not in seen["copy after the clear"]
    what = (
        "After the victim cleared the session, the copied cookie named a deleted record: "
        "an empty session."
        if stopped
        else "The copied cookie still works after the clear, until its signature is older than "
        "the lifetime: the known limit of signed cookies."
    )
    return Observed(stopped, what, held_after, page, seen)


# 12. Keeping a copied session alive (needs a target whose absolute lifetime is a few seconds).
# Seconds the copy goes on past the deadline: a visit a second makes at least one more than
# a second after it, which would still find the session if it ended late.
KEPT_PAST_THE_DEADLINE = 2.5


def attempt_keep_alive(context, attacker):
    """A copy of the victim's "remember me" cookie, used every second from the attacker's
    browser until just past the session's absolute deadline.

    The attempt's page is in a second context, the attacker's: close page.context when done.
    """
    send_form(context, "/set_email", {"email_address": EMAIL, "remember": "y"})
    facts = context.request.get("/session.json").json()
    deadline = facts["absolute_deadline"]
    page = copy_and_keep_alive(context.browser.new_context(), context, attacker.target)
    if deadline is None:  # the absolute timeout is off: two idle lifetimes prove the point
        wait_until(time.time() + 2 * facts["lifetime_seconds"])
    else:
        wait_until(datetime.fromisoformat(deadline).timestamp() + KEPT_PAST_THE_DEADLINE)
    stop_keeping_alive(page)
    seen = visits(page)
    page.goto(f"{attacker.target}/get_email")
    held_after = kept_data(held(context))
    if deadline is None:
        what = f"No absolute deadline: the copy was used {len(seen)} times and still works."
        return Observed(False, what, held_after, page, {"visits": seen})
    early, late = ended_at(seen, datetime.fromisoformat(deadline).timestamp())
    alive = [visit for visit in seen if visit.signed_in]
    stopped = not early and not late and len(alive) < len(seen)
    what = (
        f"Used {len(seen)} times, once a second, the copy kept the session alive for "
        f"{len(alive)} visits, past the {facts['lifetime_seconds']}-second idle timeout, and it "
        f"ended at its absolute deadline ({len(early)} visits ended early, {len(late)} late)."
    )
    return Observed(stopped, what, held_after, page, {"visits": seen})


ATTEMPTS = {
    "injection": attempt_injection,
    "plant": attempt_plant,
    "url-id": attempt_url_id,
    "cookie-attributes": attempt_cookie_attributes,
    "id-quality": attempt_id_quality,
    "replay": attempt_replay,
    "keep-alive": attempt_keep_alive,
}


def aimed_at(attacker, target):
    """The attacker site aimed at another Session Lab (the HTTPS one, for attack 9)."""
    return replace(attacker, target=target)
