"""The story's steps: what each persona does in its browser windows."""

from collections.abc import Callable
from dataclasses import dataclass

from e2e import actions, at_once

from .cookies import held_cookie, persistent_state


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    caption: str
    window: str  # the persona's window it acts in: "first", "restarted" or "thief"
    act: Callable
    # What to scroll into view for the screenshot, if the page has it.
    focus: Callable | None = None
    # The status of a cookie sent that no longer brings the persona's session.
    unrecognised: str = "refused"
    # Photograph the whole page, not only what the window shows.
    full_page: bool = False


def submit(page, button):
    """Press a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


def arrive(stage, actor):
    """Open the home page: a first visit, without a cookie."""
    actor.page("first").goto("/")


def set_email(stage, actor):
    """Enter the persona's email, ticking "remember me" or not."""
    actions.set_email(actor.page("first"), actor.persona.email, actor.persona.remember)


def set_preferences(stage, actor):
    """Choose the persona's language, currency and theme."""
    persona = actor.persona
    actions.save_preferences(
        actor.page("first"),
        language=persona.language,
        currency=persona.currency,
        theme=persona.theme,
    )


def fill_cart(stage, actor):
    """Add the persona's products, then open the cart."""
    page = actor.page("first")
    page.goto("/products")
    # The page now speaks the persona's language: find products by their ids.
    for product_id, quantity in actor.persona.cart:
        quantity_box = page.locator(f"#quantity-{product_id}")
        actions.fill_number(quantity_box, quantity)
        form = page.locator("form.add").filter(has=quantity_box)
        submit(page, form.get_by_role("button"))
    page.goto("/cart")


def add_all_at_once(stage, actor):
    """Add one of each product at once from the products page, then open the cart."""
    page = actor.page("first")
    page.goto("/products")
    at_once.add_at_once(page)
    page.goto("/cart")


def inspect_session(stage, actor):
    """Open the session inspector on the persona's own cookie."""
    actor.page("first").goto("/session")


def restart_browser(stage, actor):
    """A new browser that gets only the cookies with an expiry date, as after a restart."""
    first = actor.windows["first"]
    actor.windows["restarted"] = stage.open_window(
        actor.column, 1, previous=first.last, storage_state=persistent_state(first.page.context)
    )
    # The greeting page writes nothing, so a fresh session stays cookieless.
    actor.page("restarted").goto("/get_email")


def revisit_restarted(stage, actor):
    """Open the greeting again in the restarted browser."""
    actor.page("restarted").goto("/get_email")


def revisit_first(stage, actor):
    """Open the inspector again in the first browser, which was never closed."""
    actor.page("first").goto("/session")


def copy_then_clear(stage, actor):
    """Sign in again from no cookie; a thief copies the cookie; then the user clears the session."""
    # The thief's browser first (cookies ignore ports: one per site), so that
    # opening it adds nothing to the time between signing in and clearing.
    thief = actor.windows["thief"] = stage.open_window(actor.column, 1)
    page = actor.page("first")
    # An empty session left after the lifetime may itself be about to expire, and
    # the form's token with it; with no cookie the pages also speak English again.
    page.context.clear_cookies()
    actions.set_email(page, actor.persona.email, actor.persona.remember)
    thief.page.context.add_cookies([held_cookie(page.context, stage.url)])
    actions.clear_session(page)


def use_copy(stage, actor):
    """The thief opens the inspector with the copied cookie."""
    actor.page("thief").goto("/session")


ACT_ONE = (
    Step("arrive", "Arrive", "A first visit to the home page.", "first", arrive),
    Step(
        "email",
        "Set an email",
        "The email goes into the session; “remember me” makes the cookie permanent.",
        "first",
        set_email,
    ),
    Step(
        "preferences",
        "Set preferences",
        "Language, currency and theme, kept in the same cookie.",
        "first",
        set_preferences,
    ),
    Step(
        "cart", "Fill the cart", "Product ids and quantities join the cookie.", "first", fill_cart
    ),
    Step(
        "at-once",
        "20 at once",
        "One of each of the 20 products added at once: 20 requests in parallel from one page. "
        "A server store changes the session one request at a time; each signed cookie is "
        "made from the one its request sent, and the browser keeps the last to arrive.",
        "first",
        add_all_at_once,
        full_page=True,
    ),
    Step(
        "inspector",
        "Session inspector",
        "The cookie this browser sent, taken apart by the server.",
        "first",
        inspect_session,
    ),
    Step(
        "restart",
        "Browser restart",
        "A new browser with only the cookies that have an expiry date: "
        "session cookies die with the browser.",
        "restarted",
        restart_browser,
    ),
)
ACT_TWO = (
    Step(
        "expired-restarted",
        "Lifetime over: restarted browser",
        "A permanent cookie expires in the browser after the lifetime: it is no longer sent.",
        "restarted",
        revisit_restarted,
    ),
    Step(
        "expired-first",
        "Lifetime over: browser never closed",
        "A session cookie lives as long as the browser, "
        "but the server refuses any cookie signed longer ago than the lifetime.",
        "first",
        revisit_first,
        focus=lambda page: page.get_by_role("alert"),
    ),
)
ACT_THREE = (
    Step(
        "clear",
        "Copied, then cleared",
        "The user signs in again, someone copies the cookie, "
        "then the user presses “Clear the session”.",
        "first",
        copy_then_clear,
        unrecognised="cleared",
    ),
    Step(
        "copy",
        "The copy, after the clear",
        "The copied cookie in another browser. A server store deleted the record, so the id "
        "names nothing; a signed cookie carries its data and works until its lifetime ends.",
        "thief",
        use_copy,
        focus=lambda page: page.get_by_role("alert"),
    ),
)
