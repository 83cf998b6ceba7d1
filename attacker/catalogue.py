"""The attacks, in the order of README's Security table: what each tries, what should happen."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    number: int
    wstg: str  # the OWASP Web Security Testing Guide's test it is taken from
    title: str
    tries: str
    expected: str


ATTACKS = {
    attack_slug: attack
    for attack_slug, attack in (
        (
            "forms",
            Attack(
                1,
                "WSTG-SESS-05",
                "Cross-site form posts",
                "Forms on this page submit themselves to the cart, the greeting, the "
                "preferences and the inspector: without a token, with a token from the "
                "attacker's own session, and as text/plain.",
                "Every form is refused (400) and the victim's session is unchanged: the "
                "browser sends no session cookie across sites (SameSite=Lax), and no form "
                "carries the victim's token.",
            ),
        ),
        (
            "same-site-forms",
            Attack(
                2,
                "WSTG-SESS-05",
                "Same-site form posts",
                "The same forms, from a page on the target's own host but another port: "
                "the browser sends the session cookie with them.",
                "Every form is refused (400) by the CSRF token alone; the session is unchanged.",
            ),
        ),
        (
            "delete-link",
            Attack(
                3,
                "WSTG-SESS-05",
                "Cross-site link to GET /delete_email",
                "A link, and a script setting window.location, take the victim to the "
                "article's GET /delete_email; a button opens every other page of the site "
                "in new windows.",
                'Session Lab asks "Delete your email?" (Fetch Metadata says the request '
                "came from another site) and deletes nothing until the victim presses its "
                "button; no other page changes the session.",
            ),
        ),
        (
            "subresources",
            Attack(
                4,
                "WSTG-SESS-05",
                "Cross-site images and fetches",
                '<img> tags and fetch(..., {credentials: "include"}) aimed at pages that '
                "change the session, and a fetch that tries to read /session.json.",
                "Nothing changes, and this page cannot read any answer.",
            ),
        ),
        (
            "framing",
            Attack(
                5,
                "WSTG-CLNT-09",
                "Framing (clickjacking)",
                "The inspector and the cart in frames under a decoy button.",
                "The browser refuses to show either frame (frame-ancestors 'none', "
                "X-Frame-Options: DENY), so no click can be tricked.",
            ),
        ),
        (
            "injection",
            Attack(
                6,
                "WSTG-INPV-01",
                "Markup and script in the input",
                "Links and forms that put markup and script into the greeting's field, "
                "the query string and the session.",
                "Every value is shown as text; no script runs; scripts of the site's own "
                "origin cannot read the session cookie (HttpOnly).",
            ),
        ),
        (
            "plant",
            Attack(
                7,
                "WSTG-SESS-03",
                "Planted session (fixation)",
                "This page, on the target's host, sets a session cookie in the victim's "
                "browser (the attacker's own, or a made-up id) before the victim signs in.",
                "On a server store the victim gets a new id at sign-in and the planted id "
                "shows nothing of theirs; on the cookie store the attacker's copy holds "
                "only the attacker's own data.",
            ),
        ),
        (
            "url-id",
            Attack(
                8,
                "WSTG-SESS-04",
                "Session id in the address",
                "Links that carry a session id or a signed payload in the query string, "
                "and GETs of routes that only take POST.",
                "The query string is ignored, POST-only routes answer 405, and no page is cached.",
            ),
        ),
        (
            "cookie-attributes",
            Attack(
                9,
                "WSTG-SESS-02",
                "Cookie attributes",
                "Reads the session cookie's attributes over HTTPS.",
                "__Host-session: Secure, HttpOnly, Path=/, SameSite=Lax and no Domain.",
            ),
        ),
        (
            "id-quality",
            Attack(
                10,
                "WSTG-SESS-01",
                "Guessable session ids",
                "Collects 1,000 new session ids from a server store.",
                "All distinct, 43 characters of URL-safe base64 (256 bits), with no "
                "common prefix longer than chance allows.",
            ),
        ),
        (
            "replay",
            Attack(
                11,
                "WSTG-SESS-06",
                "Copied cookie after a clear (logout)",
                "A copy of the victim's session cookie, taken while they were signed in, "
                "used again after they clear their session.",
                "On a server store the copy names a deleted record and holds nothing. On the "
                "cookie store it still works until its signature is older than the lifetime: "
                "the known limit of signed cookies.",
            ),
        ),
        (
            "keep-alive",
            Attack(
                12,
                "WSTG-SESS-07",
                "Copied cookie kept alive",
                'A copy of the victim\'s "remember me" cookie, used every second from the '
                "attacker's browser, so that the session never sits idle.",
                "The session ends at its absolute deadline, however often it is used: the "
                "idle timeout alone would never end it.",
            ),
        ),
    )
}
