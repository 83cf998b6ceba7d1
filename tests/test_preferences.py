import pytest


def choose(visitor, language="en", currency="USD", theme="system"):
    """Save preferences through the form."""
    data = {"language": language, "currency": currency, "theme": theme}
    return visitor.post("/preferences", data, page="/preferences")


def test_language_follows_the_browser_until_chosen(client):
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="de"' in page


def test_unsupported_browser_language_falls_back_to_english(client):
    page = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_chosen_language_overrides_the_browser(visitor):
    choose(visitor, language="es")
    page = visitor.client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="es"' in page


def test_preferences_form_shows_the_current_choices(visitor):
    choose(visitor, language="fr", currency="GBP", theme="dark")
    page = visitor.client.get("/preferences").get_data(as_text=True)
    assert '<option value="GBP" selected>' in page
    assert 'value="dark" checked' in page


@pytest.mark.parametrize(
    ("language", "currency", "price"),
    [
        ("en", "USD", "$1,234.50"),
        ("en", "EUR", "€1,135.74"),
        ("de", "EUR", "1.135,74\xa0€"),
        ("fr", "GBP", "975,26\xa0£GB"),
        ("en", "JPY", "¥185,175"),
    ],
)
def test_prices_are_converted_and_formatted_for_the_locale(visitor, language, currency, price):
    choose(visitor, language=language, currency=currency)
    assert price in visitor.client.get("/preferences").get_data(as_text=True)


@pytest.mark.parametrize("theme", ["light", "dark", "system"])
def test_theme_sets_the_data_theme_attribute(visitor, theme):
    choose(visitor, theme=theme)
    assert f'data-theme="{theme}"' in visitor.client.get("/").get_data(as_text=True)


def test_theme_defaults_to_the_system(client):
    assert 'data-theme="system"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("language", "xx", "That language is not available."),
        ("language", "", "That language is not available."),
        ("currency", "BTC", "That currency is not available."),
        ("theme", "neon", "That theme is not available."),
    ],
)
def test_unsupported_preference_is_refused_and_the_old_one_stays(visitor, field, value, message):
    saved = {"language": "en", "currency": "EUR", "theme": "dark"}
    choose(visitor, **saved)
    before = visitor.session()
    response = choose(visitor, **{**saved, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert visitor.session() == before
