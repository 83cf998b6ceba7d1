"""Every page of Session Lab in every state a visitor can reach, in any language: a tour.

Controls are found by their form names, not their labels: labels follow the page's language.
The states are those of tests/test_markup.py, reached in a real browser.
"""

from .actions import put_in_cart

PRODUCTS = {"mug": 2, "tee": 1, "cap": 3, "sock": 5}


def form(page, action, product_id=None):
    """The page's form that posts to action (for product_id, on pages with one per product)."""
    found = page.locator(f"form[action='{action}']")
    if product_id:
        found = found.filter(has=page.locator(f"input[name=product_id][value={product_id}]"))
    return found


def send(form, button="button[type=submit]"):
    """Send form with its first button matching button, and wait for the page that answers."""
    with form.page.expect_navigation():
        form.locator(button).first.click()


def alter(control, value):
    """Give control a value its page never offers, as a forged request would."""
    control.evaluate("(element, value) => { element.value = value; }", value)


def greeting(page):
    """The greeting form, empty, refusing an address, then the welcome."""
    page.goto("/set_email")
    yield "greeting form"
    email = form(page, "/set_email")
    email.locator("input[name=email_address]").fill("not-an-email")
    send(email)
    yield "greeting form refusing an address"
    email.locator("input[name=email_address]").fill("ada@example.com")
    send(email)
    yield "welcome"


def cart(page):
    """Products added, the full cart, and each cart form refusing a change."""
    # The products page after its form has added one; the others are set-up, sent as its
    # form would send them.
    *others, (product_id, quantity) = PRODUCTS.items()
    for other_id, other_quantity in others:
        put_in_cart(page.context, other_id, other_quantity)
    page.goto("/products")
    adding = form(page, "/cart/add", product_id)
    adding.locator("input[name=quantity]").fill(str(quantity))
    send(adding)
    yield "products, one just added"
    page.goto("/cart")
    yield "cart with several lines"
    for action in ("/cart/update", "/cart/remove"):
        changing = form(page, action).first  # not found by its product, which alter() changes
        alter(changing.locator("input[name=product_id]"), "no-such-product")
        send(changing)
        yield f"cart refusing {action}"
    page.goto("/products")
    adding = form(page, "/cart/add", "mug")
    adding.locator("input[name=quantity]").fill("99")  # past the 99 a line holds
    send(adding)
    yield "cart refusing /cart/add"


def inspector(page):
    """The session inspector, and its "remember me" form refusing a value."""
    page.goto("/session")
    yield "session inspector"
    permanent = form(page, "/session/permanent")
    alter(permanent.locator("button[name=permanent]").first, "sometimes")
    send(permanent)
    yield "session inspector refusing a value"


def preferences(page):
    """The preferences form, and the same refusing a language."""
    page.goto("/preferences")
    yield "preferences"
    choosing = form(page, "/preferences")
    alter(choosing.locator("select[name=language] option:checked"), "xx")
    send(choosing)
    yield "preferences refusing a language"


def errors_and_endings(page):
    """The 404 and CSRF 400 pages, the email deleted, the cart emptied."""
    page.goto("/no-such-page")
    yield "404 page"
    page.goto("/set_email")
    stale = form(page, "/set_email")
    alter(stale.locator("input[name=csrf_token]"), "stale-token")
    send(stale)
    yield "400 page for a form without a valid token"
    page.goto("/delete_email")
    yield "email deleted"
    page.goto("/get_email")
    yield "greeting asking for an email"
    page.goto("/cart")
    send(form(page, "/cart/clear"))
    yield "cart emptied"


def tour(page):
    """Take page through every state of every page; yield a name for each, once on screen."""
    page.goto("/")
    yield "home, empty session"
    for part in (greeting, cart, inspector, preferences, errors_and_endings):
        yield from part(page)
