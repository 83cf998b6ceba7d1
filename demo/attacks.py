"""Try each attack of the attacker site on every store, photographing the attacker's page."""

import inspect
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from attacker.catalogue import ATTACKS, Attack
from e2e import attacks_requests, attacks_session
from e2e.attackers import AttackerSite
from e2e.victim import sign_in_victim

from .cookies import TIMEOUT_SECONDS
from .sites import Site

# The e2e modules whose ATTEMPTS the demo runs, {slug: function(context, attacker)}, and
# whether their attempts want a victim already signed in (the others sign in themselves).
ATTEMPT_MODULES = {attacks_requests: True, attacks_session: False}
# Attempts aimed at a server of their own: {slug: (its Site field, what it is)}.
OWN_SERVERS = {
    # What it checks only holds over HTTPS.
    "cookie-attributes": ("secure_url", "the site over HTTPS"),
    # It waits for a session's absolute deadline.
    "keep-alive": ("short_clocks_url", "a server whose sessions end seconds after they start"),
}
# What an attack that gets through on a store is, when that is the store's documented limit.
LIMITS = {
    ("replay", "cookie"): "the copied cookie still works until it expires, the known limit",
}
VIEWPORT = {"width": 800, "height": 600}


@dataclass
class AttackCell:
    """What one attack did on one store."""

    attack: Attack
    slug: str
    verdict: str  # "stopped", "limit", "through", "not run" or "error"
    what_happened: str
    held_after: dict | None  # the victim's session data afterwards
    screenshot: Path | None
    seconds: float


@dataclass
class AttackRun:
    site: Site
    cells: list[AttackCell]

    @property
    def store(self):
        return self.site.store


def attempts():
    """Every attempt, {slug: (function, whether to sign the victim in first)}."""
    return {
        slug: (function, signed_in)
        for module, signed_in in ATTEMPT_MODULES.items()
        for slug, function in module.ATTEMPTS.items()
    }


def missing_arguments(function):
    """The arguments function needs beyond (context, attacker), which the demo lacks."""
    parameters = list(inspect.signature(function).parameters.values())[2:]
    return [p.name for p in parameters if p.default is inspect.Parameter.empty]


def on_loopback(url):
    """Whether the attacker site may aim at url: only a Session Lab on 127.0.0.1."""
    return urllib.parse.urlsplit(url).hostname == "127.0.0.1"


def verdict(stopped, slug, store):
    """The cell's verdict: stopped, let through as the store's known limit, or let through."""
    if stopped:
        return "stopped"
    return "limit" if (slug, store) in LIMITS else "through"


class Attacks:
    """The attacks, tried in one browser on each site, one fresh context per attack."""

    def __init__(self, browser, attacker_url, sites, shots, progress):
        self.browser = browser
        self.attacker_url = attacker_url
        self.sites = sites
        self.shots = shots
        self.progress = progress
        self.attempts = attempts()
        self.runs = []  # one AttackRun a site, once run() has run

    def new_context(self, url):
        """A new browser context on the site at url, for one attack's victim."""
        context = self.browser.new_context(
            base_url=url,
            viewport=VIEWPORT,
            locale="en-US",
            color_scheme="light",
            ignore_https_errors=True,  # --https serves a throw-away certificate
        )
        context.set_default_timeout(TIMEOUT_SECONDS * 1000)
        return context

    def target(self, slug, site):
        """The URL the attack aims at: the site's server for attacks, or the server of its
        own (OWN_SERVERS); None if the site has none."""
        field = OWN_SERVERS[slug][0] if slug in OWN_SERVERS else "attack_url"
        return getattr(site, field)

    def skipped(self, slug, site):
        """Why this attack is not tried on site, or None to try it."""
        target = self.target(slug, site)
        if target is None:
            needed = OWN_SERVERS[slug][1]
            return f"It needs {needed}, which the demo did not start: see its e2e test."
        if not on_loopback(target):
            return "The attacker site only aims at a Session Lab on 127.0.0.1."
        missing = missing_arguments(self.attempts[slug][0])
        if missing:
            return f"It needs {', '.join(missing)}, which the demo lacks: see its e2e test."
        return None

    def attempt(self, attack, slug, site):
        """Try one attack on site and photograph the attacker's page after it."""
        why_not = self.skipped(slug, site)
        if why_not:
            return AttackCell(attack, slug, "not run", why_not, None, None, 0.0)
        started = time.monotonic()
        function, signed_in = self.attempts[slug]
        target = self.target(slug, site)
        context = self.new_context(target)
        try:
            if signed_in:
                sign_in_victim(context)
            aimed = AttackerSite(self.attacker_url, target)
            result = function(context, aimed)
            screenshot = self.shots / f"attack-{attack.number:02d}-{slug}-{site.store}.png"
            result.page.screenshot(path=screenshot)
            if result.page.context is not context:  # a browser of the attacker's own
                result.page.context.close()
            cell = AttackCell(
                attack,
                slug,
                verdict(result.stopped, slug, site.store),
                result.what_happened,
                result.held_after,
                screenshot,
                time.monotonic() - started,
            )
        except Exception as error:  # shown in its cell, and the demo then exits with 1
            message = f"{type(error).__name__}: {str(error).splitlines()[0]}"
            self.progress(f"attack {attack.number} failed to run on {site.store}: {message}")
            cell = AttackCell(attack, slug, "error", message, None, None, 0.0)
        finally:
            context.close()
        return cell

    def run_on(self, site):
        """Every attack of the catalogue on one site, in its order."""
        started = time.monotonic()
        cells = []
        for slug, attack in sorted(ATTACKS.items(), key=lambda item: item[1].number):
            self.progress(f"attack {attack.number}/{len(ATTACKS)} {attack.title} ({site.store})")
            cells.append(self.attempt(attack, slug, site))
        self.progress(f"attacks on {site.store}: {time.monotonic() - started:.1f} s")
        return AttackRun(site, cells)

    def run(self):
        """Every attack on every site."""
        self.runs = [self.run_on(site) for site in self.sites]
