"""What a visitor does on Session Lab, through the site's real forms, and what it sends."""

from playwright.sync_api import expect

from sessionlab.forms import CSRF_FIELD


def submit_email(page, email, remember=False, base=""):
    """Send email through the greeting form, ticking "Remember me" or not; return the response."""
    page.goto(f"{base}/set_email")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Remember me").set_checked(remember)
    with page.expect_response(lambda response: response.request.method == "POST") as post:
        page.get_by_role("button", name="Submit").click()
    return post.value


def set_email(page, email, remember=False, base=""):
    """Store email in the session through the greeting form; return the form's response."""
    response = submit_email(page, email, remember, base)
    page.wait_for_url("**/get_email")
    return response


def fill_number(field, value):
    """Replace a number field's value with value."""
    # Firefox over WebDriver BiDi appends to a number field's value on fill().
    field.clear()
    field.fill(str(value))


def product_card(page, name):
    """The products page's card for the product called name."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name))


def add_to_cart(page, name, quantity=1, base=""):
    """Add quantity of the product called name from the products page."""
    page.goto(f"{base}/products")
    card = product_card(page, name)
    fill_number(card.get_by_label("Quantity"), quantity)
    card.get_by_role("button", name=f"Add {name} to cart").click()
    # Done when the products page says it was added, or the cart page why not.
    page.get_by_role("status").or_(page.get_by_role("alert")).wait_for()


def save_preferences(page, **choices):
    """Choose language, currency and/or theme on the preferences page and save them.

    Fields are found by their form names: their labels follow the page's language.
    """
    page.goto("/preferences")
    for name in ("language", "currency"):
        if name in choices:
            page.locator(f"select[name={name}]").select_option(choices[name])
    if "theme" in choices:
        page.locator(f"input[name=theme][value={choices['theme']}]").check()
    page.get_by_role("main").get_by_role("button").click()
    page.get_by_role("status").wait_for()


def clear_session(page, base=""):
    """Empty the session with the inspector's "Clear the session" button."""
    page.goto(f"{base}/session")
    page.get_by_role("button", name="Clear the session").click()
    page.get_by_role("status").wait_for()


def sent_session(page):
    """What the server makes of the session cookie this page's browser sends (/session.json)."""
    return page.evaluate("async () => (await fetch('/session.json')).json()")


def sent_data(page):
    """The session data the server read for this page's browser, on any store ({} if none)."""
    return sent_session(page)["data"]


def send_form(context, form_page, fields, action=None, base=""):
    """Send a form of form_page with fields as context's browser would, with no page open.

    For set-ups: a test that needs the session in some state gets it in a few milliseconds
    through the same requests and the context's own cookies, where the form steps cost a
    Firefox page half a second; the forms themselves are tested through pages. Like a
    browser, it follows the redirect, which shows (and so uses up) the flashed message.
    Returns the response to the form.
    """
    form = context.request.get(f"{base}{form_page}")
    expect(form).to_be_ok()
    token = CSRF_FIELD.search(form.text())
    assert token, f"{form_page} has no form with a CSRF field"
    # The form page as Referer, as a browser sends it: Flask-WTF wants one over HTTPS.
    return context.request.post(
        f"{base}{action or form_page}",
        form={"csrf_token": token[1], **fields},
        headers={"Referer": form.url},
    )


def put_email(context, email, base=""):
    """Store email in context's session, as the greeting form does (set-up)."""
    expect(send_form(context, "/set_email", {"email_address": email}, base=base)).to_be_ok()


def send_to_cart(context, product_id, quantity=1, base=""):
    """Send the products page's form adding quantity of a product; return the response."""
    fields = {"product_id": product_id, "quantity": str(quantity)}
    return send_form(context, "/products", fields, action="/cart/add", base=base)


def put_in_cart(context, product_id, quantity=1, base=""):
    """Add quantity of a product to context's cart, as the products page does (set-up)."""
    expect(send_to_cart(context, product_id, quantity, base)).to_be_ok()


def put_preferences(context, language="en", currency="USD", theme="system"):
    """Save preferences in context's session, as the preferences form does (set-up)."""
    fields = {"language": language, "currency": currency, "theme": theme}
    expect(send_form(context, "/preferences", fields)).to_be_ok()
