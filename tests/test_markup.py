"""Valid markup on every page, in every state reached: no repeated id, no unlabelled control."""

from collections import Counter
from html.parser import HTMLParser

import pytest

# Controls a person fills in or picks, which therefore need a label.
LABELLED_INPUTS = {"text", "email", "number", "checkbox", "radio", "password", "search", "tel"}


class Markup(HTMLParser):
    """The ids of a page, and its form controls with whether each has a label."""

    def __init__(self, page):
        super().__init__()
        self.ids = []
        self.label_for = set()
        self.open_labels = 0
        self.controls = []  # (description, id, inside a label, has an aria label)
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            self.open_labels += 1
            if "for" in attrs:
                self.label_for.add(attrs["for"])
        if self.is_control(tag, attrs):
            aria = "aria-label" in attrs or "aria-labelledby" in attrs
            name = f"<{tag} name={attrs.get('name')!r}>"
            self.controls.append((name, attrs.get("id"), self.open_labels > 0, aria))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1

    @staticmethod
    def is_control(tag, attrs):
        return tag in ("select", "textarea") or (
            tag == "input" and attrs.get("type", "text") in LABELLED_INPUTS
        )

    def repeated_ids(self):
        return sorted(id_ for id_, count in Counter(self.ids).items() if count > 1)

    def unlabelled_controls(self):
        return [
            name
            for name, id_, wrapped, aria in self.controls
            if not (wrapped or aria or (id_ and id_ in self.label_for))
        ]


def page_states(visitor):
    """(what, HTML) of every page, empty and full, and each form's refusal."""
    yield "empty home", visitor.client.get("/")
    yield "greeting form", visitor.client.get("/set_email")
    yield "refused email", visitor.set_email("not an email")
    visitor.set_email("ada@example.com")
    for product_id in ("mug", "tea", "sock"):
        visitor.add_to_cart(product_id, 2)
    for url in ("/", "/get_email", "/session", "/products", "/cart", "/preferences"):
        yield url, visitor.client.get(url)
    yield "refused cart add", visitor.post("/cart/add", {"product_id": "nope"}, page="/products")
    yield "refused update", visitor.post("/cart/update", {"product_id": "mug", "quantity": "x"})
    yield "refused preferences", visitor.post("/preferences", {"language": "xx"}, "/preferences")
    yield "refused permanent", visitor.post("/session/permanent", {"permanent": "x"}, "/session")
    yield "404", visitor.client.get("/no-such-page")
    sent_from_elsewhere = {"Sec-Fetch-Site": "cross-site"}
    yield "delete question", visitor.client.get("/delete_email", headers=sent_from_elsewhere)
    yield "deleted email", visitor.client.get("/delete_email")


@pytest.fixture
def responses(visitor):
    return list(page_states(visitor))


@pytest.fixture
def pages(responses):
    return [(what, Markup(response.get_data(as_text=True))) for what, response in responses]


def test_no_page_repeats_an_id(pages):
    assert {what: markup.repeated_ids() for what, markup in pages if markup.repeated_ids()} == {}


def test_every_form_control_has_a_label(pages):
    found = {what: markup.unlabelled_controls() for what, markup in pages}
    assert {what: names for what, names in found.items() if names} == {}


def test_each_state_is_the_one_it_claims(responses):
    """The refusals were refused and the 404 not found, so their markup was checked too."""
    expected = {"refused": 400, "404": 404}
    for what, response in responses:
        assert response.status_code == expected.get(what.split()[0], 200), what
