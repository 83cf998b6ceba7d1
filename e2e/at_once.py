"""One visitor's requests at once: a page adding every product to the cart in parallel
(e2e tests and ./lab demo)."""

from sessionlab.catalog import PRODUCTS

from .victim import held

# One of each product of the catalogue: 20 adds, each to a line of its own.
PRODUCT_IDS = tuple(PRODUCTS)

# Every add sent before any answer is awaited, as the products page's forms would send them
# if each were submitted at once; the browser follows each redirect, as a form does.
SEND_ADDS = """async ({productIds, token}) => {
    const add = (productId) => fetch("/cart/add", {
        method: "POST",
        credentials: "same-origin",
        body: new URLSearchParams({csrf_token: token, product_id: productId, quantity: "1"}),
    });
    const responses = await Promise.all(productIds.map(add));
    return responses.map((response) => response.status);
}"""


def add_at_once(page, product_ids=PRODUCT_IDS):
    """From page, a site page with a form, add one of each product at once; return the
    status of each answer (after its redirect)."""
    token = page.locator("input[name=csrf_token]").first.input_value()
    return page.evaluate(SEND_ADDS, {"productIds": list(product_ids), "token": token})


def cart_held(context, base=""):
    """The cart the server holds for context's browser, {product id: quantity}."""
    return held(context, base).get("cart", {})


def adds_kept(before, after, product_ids=PRODUCT_IDS):
    """How many adds of one of each product show in the cart after, given the cart before."""
    return sum(after.get(product, 0) == before.get(product, 0) + 1 for product in product_ids)
