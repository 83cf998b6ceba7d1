"""The attacker site as the e2e suite serves it: on another site, or on the target's own host."""

import urllib.parse
from dataclasses import dataclass

from .browsers import ATTACKER_HOST


@dataclass(frozen=True)
class AttackerSite:
    """The attacker site's server, aimed at target (a Session Lab's URL)."""

    url: str  # http://127.0.0.1:<port>
    target: str

    def page(self, slug, same_site=False):
        """The URL of an attack page: on attacker.test (cross-site to the target), or on
        the target's own host but another port (same-site: cookies ignore ports)."""
        base = self.url if same_site else self.url.replace("127.0.0.1", ATTACKER_HOST)
        return f"{base}/{slug}?{urllib.parse.urlencode({'target': self.target})}"
