"""Attacks 1 and 2 (WSTG-SESS-05): forms that another site, and another origin of Session
Lab's own site, post to it in a signed-in victim's browser."""

from dataclasses import dataclass

import pytest

from .attacks_requests import FORMS, Post, send_forms
from .victim import held, kept_data, sign_in_victim

# The paths the forms page posts to (attacks_requests.FORMS says how it sends them).
SENT = {"/cart/add", "/set_email", "/preferences", "/session/clear", "/session/permanent"}


@dataclass
class Sent:
    """The victim's kept session data before and after one forms page, and its Posts."""

    before: dict
    after: dict
    posts: list[Post]


def send_to(context, attacker, same_site):
    """Sign the victim in, let the forms page send its forms, and say what it did."""
    sign_in_victim(context)
    before = kept_data(held(context))
    _, posts = send_forms(context, attacker, same_site)
    return Sent(before, kept_data(held(context)), posts)


@pytest.fixture(scope="module")
def cross_site(shared_contexts, attacker):
    """The forms page on attacker.test, once a browser and store."""
    with shared_contexts(1) as (context,):
        yield send_to(context, attacker, same_site=False)


@pytest.fixture(scope="module")
def same_site(shared_contexts, attacker):
    """The forms page on 127.0.0.1 (another port), once a browser and store."""
    with shared_contexts(1) as (context,):
        yield send_to(context, attacker, same_site=True)


def test_cross_site_forms_are_refused(cross_site):
    """Every form, with no token, the attacker's own or as text/plain, gets a 400."""
    assert {post.path for post in cross_site.posts} == SENT
    assert [post.status for post in cross_site.posts] == [400] * FORMS


def test_cross_site_forms_change_nothing(cross_site):
    """The victim's email, cart, preferences and "remember me" stay as they were."""
    assert cross_site.after == cross_site.before


def test_cross_site_forms_carry_no_session_cookie(cross_site):
    """SameSite=Lax: the browser sends the cookie with no cross-site POST, not even a
    top-level one (the form sent in a new window)."""
    # Firefox would not send it into the frames anyway (Total Cookie Protection keeps a
    # jar of cookies per top-level site); the top-level POST is SameSite's own case, so
    # SameSite=None makes this test fail in both browsers.
    assert [post.with_cookie for post in cross_site.posts] == [False] * FORMS


def test_same_site_forms_carry_the_session_cookie(same_site):
    """From another port of the same host the browser sends the cookie: SameSite does not help."""
    assert [post.with_cookie for post in same_site.posts] == [True] * FORMS


def test_same_site_forms_are_refused_by_the_token(same_site):
    """With the victim's cookie but not their token, every form gets a 400."""
    assert {post.path for post in same_site.posts} == SENT
    assert [post.status for post in same_site.posts] == [400] * FORMS


def test_same_site_forms_change_nothing(same_site):
    """The victim's session data stays as it was."""
    assert same_site.after == same_site.before
