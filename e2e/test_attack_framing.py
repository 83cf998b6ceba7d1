"""Attack 5 (clickjacking, WSTG-CLNT-09): Session Lab's inspector and cart in another site's
frames, laid over a decoy button."""

from dataclasses import dataclass

import pytest

from .attacks_requests import framed, load_frames
from .victim import sign_in_victim


@dataclass
class Frames:
    page: object
    responses: dict  # {path: Session Lab's response to the frame}
    target: str


@pytest.fixture(scope="module")
def frames(shared_contexts, attacker):
    """The framing page, once a browser and store."""
    with shared_contexts(1) as (context,):
        sign_in_victim(context)
        page, responses = load_frames(context, attacker)
        yield Frames(page, responses, attacker.target)


def test_browser_refuses_to_show_the_framed_pages(frames):
    """Session Lab answered both frames, yet neither shows its page: the browser put its
    own error page there (chrome-error://, about:neterror)."""
    assert [response.status for response in frames.responses.values()] == [200, 200]
    assert len(frames.page.frames) == 3
    assert framed(frames.page, frames.target) == []


def test_framed_pages_forbid_every_frame_ancestor(frames):
    """Both answers say no site may frame them: CSP frame-ancestors 'none', and the older
    X-Frame-Options: DENY."""
    # Checked in the headers as well as in the browser: X-Frame-Options alone still stops
    # today's browsers, so without frame-ancestors the test above would still pass.
    for response in frames.responses.values():
        assert "frame-ancestors 'none'" in response.header_value("content-security-policy")
        assert response.header_value("x-frame-options") == "DENY"
