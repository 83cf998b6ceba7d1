import pytest

from sessionlab.catalog import PRODUCTS


def test_catalogue_lists_every_product_with_an_add_form(client):
    page = client.get("/products").get_data(as_text=True)
    assert len(PRODUCTS) >= 8
    for product_id in PRODUCTS:
        assert f'name="product_id" value="{product_id}"' in page


def test_empty_cart_says_so(client):
    assert "Your cart is empty." in client.get("/cart").get_data(as_text=True)


def test_add_puts_the_product_in_the_cart(visitor):
    visitor.add_to_cart("mug", 2)
    assert visitor.session()["cart"] == {"mug": 2}


def test_add_defaults_to_one(visitor):
    visitor.post("/cart/add", {"product_id": "tea"})
    assert visitor.session()["cart"] == {"tea": 1}


def test_adding_again_adds_to_the_line(visitor):
    visitor.add_to_cart("mug", 2)
    visitor.add_to_cart("mug", 3)
    assert visitor.session()["cart"] == {"mug": 5}


def test_cart_keeps_only_ids_and_quantities(visitor):
    visitor.add_to_cart("lamp")
    assert visitor.session()["cart"] == {"lamp": 1}


def test_update_sets_the_quantity(visitor):
    visitor.add_to_cart("mug", 2)
    visitor.post("/cart/update", {"product_id": "mug", "quantity": "7"})
    assert visitor.session()["cart"] == {"mug": 7}


def test_update_to_zero_removes_the_line(visitor):
    visitor.add_to_cart("mug")
    visitor.add_to_cart("tea")
    visitor.post("/cart/update", {"product_id": "mug", "quantity": "0"})
    assert visitor.session()["cart"] == {"tea": 1}


def test_remove_drops_the_line(visitor):
    visitor.add_to_cart("mug")
    visitor.add_to_cart("tea")
    visitor.post("/cart/remove", {"product_id": "tea"})
    assert visitor.session()["cart"] == {"mug": 1}


def test_clear_empties_the_cart_and_keeps_the_rest(visitor):
    visitor.set_email("ada@example.com")
    visitor.add_to_cart("mug")
    visitor.post("/cart/clear")
    session = visitor.session()
    assert "cart" not in session
    assert session["email"] == "ada@example.com"


def test_cart_page_shows_lines_and_grand_total(visitor):
    visitor.add_to_cart("mug", 2)
    visitor.add_to_cart("tea", 1)
    page = visitor.client.get("/cart").get_data(as_text=True)
    assert "$25.00" in page
    assert 'data-testid="grand-total">$32.25<' in page


def test_header_counts_the_items_in_the_cart(visitor):
    visitor.add_to_cart("mug", 2)
    visitor.add_to_cart("tea", 3)
    page = visitor.client.get("/").get_data(as_text=True)
    assert 'data-testid="cart-count">5<' in page


def test_cart_page_explains_session_modified(client):
    assert "session.modified = True" in client.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/cart/add", {"product_id": "unicorn"}, "There is no such product."),
        ("/cart/add", {"product_id": "", "quantity": "1"}, "There is no such product."),
        ("/cart/add", {"product_id": "tea", "quantity": "two"}, "must be a whole number"),
        ("/cart/add", {"product_id": "tea", "quantity": "1.5"}, "must be a whole number"),
        ("/cart/add", {"product_id": "tea", "quantity": "-1"}, "must be a whole number"),
        ("/cart/add", {"product_id": "tea", "quantity": "0"}, "must be from 1 to 99"),
        ("/cart/add", {"product_id": "tea", "quantity": "100"}, "must be from 1 to 99"),
        ("/cart/add", {"product_id": "mug", "quantity": "98"}, "at most 99 of a product"),
        ("/cart/add", {"product_id": "mug", "quantity": "١"}, "must be a whole number"),
        ("/cart/update", {"product_id": "mug", "quantity": ""}, "must be a whole number"),
        ("/cart/update", {"product_id": "mug", "quantity": "100"}, "must be from 0 to 99"),
        ("/cart/update", {"product_id": "nope", "quantity": "1"}, "There is no such product."),
        ("/cart/remove", {"product_id": "nope"}, "There is no such product."),
    ],
)
def test_bad_cart_input_is_refused_and_changes_nothing(visitor, url, data, message):
    visitor.add_to_cart("mug", 2)
    before = visitor.session()
    response = visitor.post(url, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert visitor.session() == before


@pytest.fixture
def small_session_app(app):
    """An app whose cookie limit, or record bound, a few cart lines reach."""
    app.config["MAX_COOKIE_SIZE"] = 460
    app.config["SESSION_MAX_RECORD_SIZE"] = 360
    return app


def fill_cart(visitor):
    """Add products until the site refuses one; return that refusal."""
    for product_id in PRODUCTS:
        response = visitor.add_to_cart(product_id, 42)
        if response.status_code != 200:
            return response
    raise AssertionError("the cart never filled up")


def test_full_cart_refuses_the_change_and_says_so(small_session_app, visitor):
    visitor.set_email("ada@example.com")
    response = fill_cart(visitor)
    assert response.status_code == 400
    assert "Your cart is full" in response.get_data(as_text=True)


def test_full_cart_keeps_the_cart_as_it_was(small_session_app, visitor):
    visitor.set_email("ada@example.com")
    fill_cart(visitor)
    before = visitor.session()
    left_out = next(product_id for product_id in PRODUCTS if product_id not in before["cart"])
    assert visitor.add_to_cart(left_out, 42).status_code == 400
    assert visitor.session() == before
    assert before["cart"]


def test_full_cart_keeps_the_session_within_its_bound(small_session_app, visitor):
    visitor.set_email("ada@example.com")
    fill_cart(visitor)
    facts = visitor.client.get("/session.json").json
    if facts["store"] == "cookie":
        assert facts["cookie"]["size"] < small_session_app.config["MAX_COOKIE_SIZE"]
    else:
        assert facts["record"]["size"] < small_session_app.config["SESSION_MAX_RECORD_SIZE"]
