"""What a run proved, computed from its cells: isolation, restart, expiry, copy and
"20 at once" figures, and how many attacks each store stopped."""

import json
from dataclasses import dataclass

from e2e.at_once import PRODUCT_IDS, adds_kept

from .attacks import LIMITS


@dataclass(frozen=True)
class Figure:
    key: str
    value: str
    label: str
    detail: str
    ok: bool | None  # None: nothing was expected of it
    # A result that is as expected only because it is a documented limit of the store.
    limit: bool = False


@dataclass(frozen=True)
class StoreSummary:
    store: str
    figures: list[Figure]

    def figure(self, key):
        """This store's figure called key."""
        return next(figure for figure in self.figures if figure.key == key)

    @property
    def line(self):
        """What a copied cookie was worth after the clear on this store, in one line."""
        copies = self.figure("copies")
        return f"{self.store}: {copies.value} {copies.label}"


@dataclass(frozen=True)
class Summary:
    figures: list[Figure]  # over every store: users, cookies, leaks
    totals: list[Figure]  # restart and expiry, summed over every store
    stores: list[StoreSummary]

    @property
    def ok(self):
        """Whether nothing the run proved contradicts the configuration."""
        figures = [*self.figures, *self.totals]
        figures += [figure for store in self.stores for figure in store.figures]
        return all(figure.ok is not False for figure in figures)

    @property
    def headline(self):
        """The figures in one sentence, saying whether they are what was configured."""
        users, cookies, crossed = self.figures
        restart, expired = self.totals
        where = f" on each of {len(self.stores)} stores" if len(self.stores) > 1 else ""
        sentence = (
            f"{users.value} users{where}, {cookies.value} distinct session cookies, "
            f"{crossed.value} values seen by another user; "
            f"{restart.value} sessions survived a browser restart"
        )
        if expired.ok is not None:
            sentence += f", {expired.value} {expired.label}"
        if self.ok:
            return sentence + ", as configured."
        return sentence + ": not what was configured (see the figures marked ✗)."

    @property
    def at_once_line(self):
        """How many of the adds sent at once each store kept, in one line."""
        kept = (f"{store.store}: {store.figure('at-once').value} kept" for store in self.stores)
        return f"{len(PRODUCT_IDS)} at once: {'; '.join(kept)}"

    @property
    def lines(self):
        """The headline, then one line a store, then the adds sent at once."""
        return [self.headline, *(store.line for store in self.stores), self.at_once_line]


def counted(number, noun):
    """ "1 cookie", "2 cookies": a number and its noun, made plural by an s."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def duration(seconds):
    """Seconds in words: "15 seconds", "31 days"."""
    days, rest = divmod(seconds, 86400)
    return counted(days, "day") if days and not rest else counted(seconds, "second")


def cells_of(run, step_key):
    """The cells of one step, one a persona."""
    return [cell for cell in run.cells if cell.step.key == step_key]


def sessions(runs, step_prefix="", status=None):
    """(site, persona) pairs: every session, or those with a cell of these steps in status."""
    if status is None:
        return {(index, persona) for index, run in enumerate(runs) for persona in run.personas}
    return {
        (index, cell.persona)
        for index, run in enumerate(runs)
        for cell in run.cells
        if cell.step.key.startswith(step_prefix) and cell.status == status
    }


def own_values(runs, persona):
    """What belongs to one persona only: its email and the cookies that carried its session."""
    # Only those: two empty sessions signed in the same second (just after a clear,
    # say) get the very same cookie, which belongs to neither.
    cells = [
        cell
        for run in runs
        for cell in run.cells
        if cell.persona == persona and cell.status == "recognised"
    ]
    cookies = {cell.held["value"] for cell in cells if cell.held}
    return {persona.email} | cookies | {cell.sent for cell in cells if cell.sent}


def observed(cell):
    """Everything one browser showed or held in one step, as one text."""
    payloads = [decoded.payload for decoded in (cell.decoded, cell.sent_decoded) if decoded]
    held = cell.held["value"] if cell.held else ""
    return "\n".join([cell.text, held, cell.sent or "", json.dumps(payloads, default=str)])


def leaks(runs):
    """(value, viewer) pairs where a persona's value showed up in another's browser."""
    seen = set()
    for owner in runs[0].personas:
        values = own_values(runs, owner)
        for cell in (cell for run in runs for cell in run.cells):
            if cell.persona != owner:
                text = observed(cell)
                seen |= {(value, cell.persona) for value in values if value in text}
    return seen


def isolation_figures(runs):
    """How many users, how many distinct cookies, how many values crossed over."""
    count = len(runs[0].personas)
    held = [cell.held for run in runs for cell in cells_of(run, "inspector") if cell.held]
    cookies = {cookie["value"] for cookie in held}
    crossed = len(leaks(runs))
    return [
        Figure("users", str(count), "users", "each in a browser context of their own", None),
        Figure(
            "cookies",
            str(len(cookies)),
            "distinct session cookies",
            "held at the session inspector step",
            len(cookies) == count * len(runs),
        ),
        Figure(
            "leaks",
            str(crossed),
            "values seen by another user",
            "one persona's email, or a cookie that carried its session, "
            "found in another's pages or cookies",
            crossed == 0,
        ),
    ]


def restart_figure(runs):
    """Whose session the browser restart kept: it should be exactly those remembered."""
    survivors = sessions(runs, "restart", "recognised")
    everyone = sessions(runs)
    remembered = {(site, persona) for site, persona in everyone if persona.remember}
    forgotten = everyone - remembered
    return Figure(
        "restart",
        f"{len(survivors)} of {len(everyone)}",
        "sessions survived a browser restart",
        f"{len(survivors & remembered)} of {len(remembered)} with “remember me”, "
        f"{len(survivors & forgotten)} of {len(forgotten)} without",
        survivors == remembered,
    )


def expiry_figure(runs):
    """Whose session outlived the lifetime, in any browser: nobody's should."""
    lifetime = runs[0].lifetime
    if not runs[0].waited:
        return Figure(
            "expired",
            "–",
            "lifetime not waited for",
            f"the server's sessions live {duration(lifetime)}",
            None,
        )
    everyone = sessions(runs)
    alive = sessions(runs, "expired-", "recognised")
    late = [cell for run in runs for cell in run.cells if cell.step.key.startswith("expired-")]
    expired = sum(cell.status == "expired" for cell in late)
    refused = sum(cell.status == "refused" for cell in late)
    return Figure(
        "expired",
        f"{len(everyone - alive)} of {len(everyone)}",
        f"sessions expired after the {lifetime}-second lifetime",
        f"{counted(expired, 'expired cookie')} no longer sent by the browser, "
        f"{counted(refused, 'stale cookie')} sent and refused by the server",
        not alive,
    )


def copies_figure(run):
    """What a cookie copied before the clear was worth after it, on one store."""
    copies = cells_of(run, "copy")
    accepted = sum(cell.status == "recognised" for cell in copies)
    if run.site.client_side:
        # The signed cookie carries the session: the server has nothing to delete.
        return Figure(
            "copies",
            f"{accepted} of {len(copies)}",
            "copied cookies still accepted after the clear, until they expire",
            "the documented limit of a signed cookie: it cannot be revoked, "
            f"only outlived ({duration(run.lifetime)})",
            accepted == len(copies),
            limit=True,
        )
    refused = sum(cell.status == "refused" for cell in copies)
    return Figure(
        "copies",
        f"{refused} of {len(copies)}",
        "copied cookies refused after the clear",
        "the clear deleted the record on the server: the copied id names nothing",
        refused == len(copies),
    )


def cart_of(cell):
    """The cart the server held for a cell's persona after its step."""
    payload = cell.decoded.payload if cell.decoded else None
    return (payload or {}).get("cart", {})


def at_once_figure(run):
    """How many of the adds sent at once (one of each product) the carts kept, on one store."""
    before = {cell.persona: cart_of(cell) for cell in cells_of(run, "cart")}
    kept = {
        cell.persona: adds_kept(before[cell.persona], cart_of(cell))
        for cell in cells_of(run, "at-once")
    }
    sent = len(PRODUCT_IDS) * len(kept)
    value = f"{sum(kept.values())} of {sent}"
    each = ", ".join(f"{persona.name} {count}" for persona, count in kept.items())
    if run.site.client_side:
        return Figure(
            "at-once",
            value,
            "adds sent at once kept",
            f"{each}: each request changed the cookie it was sent, and the browser keeps "
            "the last one to arrive; the known limit of a signed cookie",
            all(kept.values()),  # every cart still holds some of them: no cookie was broken
            limit=True,
        )
    return Figure(
        "at-once",
        value,
        "adds sent at once kept",
        f"{each}: the server changed each session one request at a time",
        sum(kept.values()) == sent,
    )


def store_summary(run):
    """One store's own figures: restart, expiry, copies and adds sent at once."""
    figures = [restart_figure([run]), expiry_figure([run]), copies_figure(run)]
    return StoreSummary(run.site.store, [*figures, at_once_figure(run)])


def summarize(runs):
    """The figures of a run on one or more stores, and its headline."""
    return Summary(
        isolation_figures(runs),
        [restart_figure(runs), expiry_figure(runs)],
        [store_summary(run) for run in runs],
    )


# How the attacks' summary line names each store.
STORE_PHRASES = {"cookie": "the cookie store", "redis": "Redis", "cachelib": "CacheLib files"}


@dataclass(frozen=True)
class AttackSummary:
    figures: list[Figure]  # one a store: how many of the attacks tried it stopped
    phrases: list[str]  # one a store, for the line

    @property
    def ok(self):
        """Whether every attack was stopped, or got through only as a store's known limit."""
        return all(figure.ok is not False for figure in self.figures)

    @property
    def lines(self):
        """What the attacks did on every store, in one line."""
        return ["; ".join(self.phrases) + "."]


def attack_notes(run):
    """Why the attacks that were not stopped on one store were not."""
    notes = []
    for cell in run.cells:
        if cell.verdict == "limit":
            notes.append(LIMITS[(cell.slug, run.store)])
        elif cell.verdict == "through":
            notes.append(f"{cell.attack.title} got through")
        elif cell.verdict == "error":
            notes.append(f"{cell.attack.title} failed to run")
    return notes


def attacks_figure(run):
    """How many of the attacks tried on one store it stopped."""
    tried = [cell for cell in run.cells if cell.verdict != "not run"]
    stopped = sum(cell.verdict == "stopped" for cell in tried)
    skipped = len(run.cells) - len(tried)
    notes = attack_notes(run)
    details = notes + ([f"{skipped} not run here"] if skipped else [])
    return Figure(
        "attacks",
        f"{stopped} of {len(tried)}",
        "attacks stopped",
        "; ".join(details) or "every attack tried left the victim's session as it was",
        all(cell.verdict in ("stopped", "limit") for cell in tried),
        limit=any(cell.verdict == "limit" for cell in tried),
    )


def attack_phrase(run, figure, first):
    """One store's part of the attacks' line."""
    where = STORE_PHRASES.get(run.store, run.store)
    phrase = f"{figure.value} {'attacks stopped ' if first else ''}on {where}"
    skipped = sum(cell.verdict == "not run" for cell in run.cells)
    if skipped:
        phrase += f" ({skipped} not run)"
    notes = attack_notes(run)
    return phrase + (f": {', '.join(notes)}" if notes else "")


def summarize_attacks(runs):
    """The figures and line of the attacks tried on one or more stores."""
    figures = [attacks_figure(run) for run in runs]
    phrases = [
        attack_phrase(run, figure, index == 0)
        for index, (run, figure) in enumerate(zip(runs, figures, strict=True))
    ]
    return AttackSummary(figures, phrases)
