import pytest


def test_get_email_without_email_asks_for_one(client):
    page = client.get("/get_email").get_data(as_text=True)
    assert "Please enter your email" in page
    assert 'href="/set_email"' in page


def test_set_email_form_carries_a_csrf_token(client):
    page = client.get("/set_email").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert 'name="email_address"' in page


def test_set_email_redirects_to_get_email(visitor):
    response = visitor.post(
        "/set_email", {"email_address": "ada@example.com"}, follow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/get_email"


def test_get_email_welcomes_the_stored_email(visitor):
    visitor.set_email("ada@example.com")
    assert "Welcome ada@example.com!" in visitor.client.get("/get_email").get_data(as_text=True)


def test_delete_email_removes_it_and_says_so(visitor):
    visitor.set_email("ada@example.com")
    response = visitor.client.get("/delete_email")
    assert "Session deleted!" in response.get_data(as_text=True)
    assert "email" not in visitor.session()


@pytest.mark.parametrize("sent_from", ["cross-site", "same-site"])
def test_delete_email_sent_from_another_site_asks_first(visitor, sent_from):
    visitor.set_email("ada@example.com")
    response = visitor.client.get("/delete_email", headers={"Sec-Fetch-Site": sent_from})
    page = response.get_data(as_text=True)
    assert "Delete your email?" in page
    assert 'action="/delete_email"' in page
    assert visitor.session()["email"] == "ada@example.com"


@pytest.mark.parametrize("sent_from", ["same-origin", "none"])
def test_delete_email_from_the_site_itself_or_typed_deletes_at_once(visitor, sent_from):
    visitor.set_email("ada@example.com")
    response = visitor.client.get("/delete_email", headers={"Sec-Fetch-Site": sent_from})
    assert "Session deleted!" in response.get_data(as_text=True)
    assert "email" not in visitor.session()


def test_delete_email_answer_varies_with_fetch_metadata(client):
    assert "Sec-Fetch-Site" in client.get("/delete_email").headers["Vary"]


def test_delete_email_confirmed_with_the_form_deletes(visitor):
    visitor.set_email("ada@example.com")
    response = visitor.post("/delete_email")
    assert "Session deleted!" in response.get_data(as_text=True)
    assert "email" not in visitor.session()


def test_delete_email_post_without_a_token_is_refused(visitor):
    visitor.set_email("ada@example.com")
    assert visitor.client.post("/delete_email").status_code == 400
    assert visitor.session()["email"] == "ada@example.com"


def test_every_page_shows_the_email_in_the_header(visitor):
    visitor.set_email("ada@example.com")
    for url in ("/", "/session", "/products", "/cart", "/preferences", "/no-such-page"):
        page = visitor.client.get(url).get_data(as_text=True)
        assert "<strong>ada@example.com</strong>" in page, url


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Please enter an email address."),
        ("not-an-email", "That is not a valid email address."),
        ("ada@", "That is not a valid email address."),
        ("a b@example.com", "That is not a valid email address."),
        ("a" * 250 + "@example.com", "An email address has at most 254 characters."),
    ],
)
def test_bad_email_is_refused_and_the_old_one_stays(visitor, email, message):
    visitor.set_email("ada@example.com")
    response = visitor.set_email(email)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert visitor.session()["email"] == "ada@example.com"


def test_a_session_is_not_permanent_by_default(visitor):
    visitor.set_email("ada@example.com")
    assert visitor.client.get_cookie("session").expires is None
    assert visitor.session()["_permanent"] is False


def test_remember_me_makes_the_session_permanent(visitor):
    visitor.set_email("ada@example.com", remember=True)
    assert visitor.client.get_cookie("session").expires is not None
    assert visitor.session()["_permanent"] is True
