import pytest

from sessionlab.forms import csrf


def test_unknown_page_gets_a_styled_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)
    assert "style.css" in response.get_data(as_text=True)


def test_wrong_method_gets_a_styled_405(client):
    response = client.put("/set_email")
    assert response.status_code == 405
    assert "does not accept that kind of request" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_and_changes_nothing(visitor):
    visitor.set_email("ada@example.com")
    response = visitor.client.post("/set_email", data={"email_address": "eve@example.com"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert visitor.session()["email"] == "ada@example.com"


@pytest.mark.parametrize("url", ["/session/clear", "/cart/clear", "/cart/add", "/preferences"])
def test_post_with_a_wrong_csrf_token_is_refused(visitor, url):
    visitor.set_email("ada@example.com")
    before = visitor.session()
    response = visitor.client.post(url, data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert visitor.session() == before


@pytest.mark.cookie_only
def test_a_view_marked_csrf_exempt_takes_a_post_without_token(app):
    @app.post("/webhook")
    @csrf.exempt
    def webhook():
        return "taken"

    assert app.test_client().post("/webhook").status_code == 200


def test_unexpected_error_gets_a_500_page_without_a_traceback(app):
    app.testing = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page
    assert "Traceback" not in page
