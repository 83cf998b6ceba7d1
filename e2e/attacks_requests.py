"""Attacks 1 to 5: the requests another site makes a signed-in victim's browser send.

Each attempt_<slug>(context, attacker) opens the attacker's page in the victim's context
(already signed in), waits until the attempt is done and returns a victim.Attempt. The
e2e tests use the steps below them to check each part; ./lab demo runs ATTEMPTS.
"""

from dataclasses import dataclass

from playwright.sync_api import expect

from .victim import Attempt, held, kept_data

# Milliseconds any one wait of an attempt may take: pages that send a dozen requests
# to a server that shares two cores with the browser.
TIMEOUT_MS = 15_000
# The forms the forms page sends: five forms three ways (no token, the attacker's own
# token, text/plain) into frames, and one more in a new window (a top-level POST).
FORMS = 16
# The site's GET pages other than /delete_email, which the delete-link page opens.
GET_PAGES = (
    "/",
    "/get_email",
    "/set_email",
    "/products",
    "/cart",
    "/preferences",
    "/session",
    "/session.json",
)


@dataclass(frozen=True)
class Post:
    """One form the attacker's page sent, as the browser sent it and the server answered."""

    path: str
    status: int
    with_cookie: bool  # whether the browser sent the session cookie with it


def sent_cookie(request):
    """Whether request carried the session cookie ("session" or "__Host-session")."""
    return "session=" in (request.header_value("cookie") or "")


def path_of(url, target):
    """The path of url on the target site."""
    return url.removeprefix(target)


def send_forms(context, attacker, same_site=False):
    """Open the forms page (same-site-forms if same_site) and wait until every form it
    sends, into frames and one in a new window, has been answered or has failed. Returns
    the page and the Posts (status None for a form that got no answer)."""
    sent = []

    def keep(request):
        if request.method == "POST":
            sent.append(request)

    context.on("request", keep)
    page = context.new_page()
    slug = "same-site-forms" if same_site else "forms"
    with context.expect_page(timeout=TIMEOUT_MS) as opened:
        # Not until "load", which waits for every frame to show the browser's refusal:
        # in Firefox, seconds after the answers arrived.
        page.goto(attacker.page(slug, same_site=same_site), wait_until="domcontentloaded")
    expect(page.get_by_role("status")).to_contain_text(f"Sent {FORMS} forms")
    # The page cannot tell when the answers arrive; the browser's network events can.
    while len(sent) < FORMS:
        context.wait_for_event("request", timeout=TIMEOUT_MS)
    context.remove_listener("request", keep)
    posts = [posted(request, attacker.target) for request in sent]
    opened.value.close()
    return page, posts


def posted(request, target):
    """The Post that request was, once answered (or failed: Chromium fails the frames'
    forms after their answer, ERR_BLOCKED_BY_RESPONSE)."""
    response = request.response()
    return Post(path_of(request.url, target), response and response.status, sent_cookie(request))


def forms_attempt(context, attacker, same_site):
    """Attacks 1 and 2: the forms page, cross-site or same-site."""
    before = kept_data(held(context))
    page, posts = send_forms(context, attacker, same_site)
    after = kept_data(held(context))
    refused = sum(post.status == 400 for post in posts)
    with_cookie = sum(post.with_cookie for post in posts)
    return Attempt(
        stopped=after == before and refused == len(posts),
        what_happened=(
            f"{len(posts)} forms sent, {with_cookie} of them with the session cookie; "
            f"{refused} refused (400); the session is "
            f"{'unchanged' if after == before else 'changed'}."
        ),
        held_after=after,
        page=page,
    )


def attempt_forms(context, attacker):
    """Attack 1: forms posted from another site."""
    return forms_attempt(context, attacker, same_site=False)


def attempt_same_site_forms(context, attacker):
    """Attack 2: the same forms from another origin of the target's own site."""
    return forms_attempt(context, attacker, same_site=True)


def delete_question(page):
    """The form of "Delete your email?", found by its action (in the victim's language)."""
    return page.locator("form[action$='/delete_email']")


def follow_delete_link(page, attacker, way):
    """Open the delete-link page in page and take its way to GET /delete_email ("link" or
    "script"); return once Session Lab's answer has loaded."""
    page.goto(attacker.page("delete-link"))
    with page.expect_navigation(url=f"{attacker.target}/delete_email", timeout=TIMEOUT_MS):
        if way == "link":
            page.get_by_role("link", name="Claim your prize").click()
        else:
            page.get_by_role("button", name="Let a script take you there").click()


def open_every_page(context, attacker):
    """Open every other GET page of the site in new windows from the delete-link page;
    return the addresses the windows loaded."""
    page = context.new_page()
    page.goto(attacker.page("delete-link"))
    windows = []

    def keep(window):
        windows.append(window)

    context.on("page", keep)
    page.get_by_role("button", name="Open every other page of Session Lab").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opened {len(GET_PAGES)} pages")
    while len(windows) < len(GET_PAGES):
        context.wait_for_event("page", timeout=TIMEOUT_MS)
    context.remove_listener("page", keep)
    loaded = []
    for window in windows:
        window.wait_for_load_state(timeout=TIMEOUT_MS)
        loaded.append(window.url)
        window.close()
    return loaded


def attempt_delete_link(context, attacker):
    """Attack 3: a link and a script send the victim to GET /delete_email."""
    before = kept_data(held(context))
    landed = []
    page = context.new_page()
    for way in ("link", "script"):
        follow_delete_link(page, attacker, way)
        landed.append(delete_question(page).count() == 1)
    after = kept_data(held(context))
    return Attempt(
        stopped=after == before and all(landed),
        what_happened=(
            f"The link and the script led to {sum(landed)} of 2 delete questions; the email "
            f"is {'kept' if after.get('email') == before.get('email') else 'gone'}."
        ),
        held_after=after,
        page=page,
    )


def load_subresources(context, attacker):
    """Open the subresources page and wait until its requests are done; return the page."""
    page = context.new_page()
    page.goto(attacker.page("subresources"))
    expect(page.get_by_role("status")).to_contain_text("Done", timeout=TIMEOUT_MS)
    return page


def attempt_subresources(context, attacker):
    """Attack 4: images and fetches aimed at pages that change the session."""
    before = kept_data(held(context))
    page = load_subresources(context, attacker)
    after = kept_data(held(context))
    read = page.get_by_role("status").inner_text()
    return Attempt(
        stopped=after == before and "Read: blocked" in read,
        what_happened=f"{read} The session is {'unchanged' if after == before else 'changed'}.",
        held_after=after,
        page=page,
    )


def load_frames(context, attacker):
    """Open the framing page; return it and the responses Session Lab sent to its frames
    ({path: Response}), once the frames have loaded."""
    page = context.new_page()
    with (
        page.expect_response(f"{attacker.target}/session", timeout=TIMEOUT_MS) as inspector,
        page.expect_response(f"{attacker.target}/cart", timeout=TIMEOUT_MS) as cart,
    ):
        page.goto(attacker.page("framing"))  # the page's load waits for its frames'
    return page, {"/session": inspector.value, "/cart": cart.value}


def framed(page, target):
    """The frames of page that show a page of target (none, when the browser refused them)."""
    return [frame for frame in page.frames[1:] if frame.url.startswith(target)]


def attempt_framing(context, attacker):
    """Attack 5: the inspector and the cart in frames under a decoy button."""
    page, _ = load_frames(context, attacker)
    shown = framed(page, attacker.target)
    return Attempt(
        stopped=not shown,
        what_happened=(
            f"The browser showed {len(shown)} of 2 framed pages of Session Lab; "
            "its own error page stands in for each it refused."
        ),
        held_after=kept_data(held(context)),
        page=page,
    )


ATTEMPTS = {
    "forms": attempt_forms,
    "same-site-forms": attempt_same_site_forms,
    "delete-link": attempt_delete_link,
    "subresources": attempt_subresources,
    "framing": attempt_framing,
}
