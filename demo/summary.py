"""What a run proved, computed from its cells: isolation, restart and expiry figures."""

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    value: str
    label: str
    detail: str
    ok: bool | None  # None: nothing was expected of it


@dataclass(frozen=True)
class Summary:
    figures: list[Figure]

    @property
    def ok(self):
        """Whether nothing the run proved contradicts the configuration."""
        return all(figure.ok is not False for figure in self.figures)

    @property
    def headline(self):
        """The figures in one sentence, saying whether they are what was configured."""
        users, cookies, crossed, restart, expired = self.figures
        sentence = (
            f"{users.value} users, {cookies.value} distinct session cookies, "
            f"{crossed.value} values seen by another user; "
            f"{restart.value} sessions survived a browser restart"
        )
        if expired.ok is not None:
            sentence += f", {expired.value} {expired.label}"
        if self.ok:
            return sentence + ", as configured."
        return sentence + ": not what was configured (see the figures marked ✗)."


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


def own_values(run, persona):
    """What belongs to one persona only: its email and every session cookie it had."""
    cells = [cell for cell in run.cells if cell.persona == persona]
    cookies = {cell.held["value"] for cell in cells if cell.held}
    return {persona.email} | cookies | {cell.sent for cell in cells if cell.sent}


def observed(cell):
    """Everything one browser showed or held in one step, as one text."""
    payloads = [decoded.payload for decoded in (cell.decoded, cell.sent_decoded) if decoded]
    held = cell.held["value"] if cell.held else ""
    return "\n".join([cell.text, held, cell.sent or "", json.dumps(payloads, default=str)])


def leaks(run):
    """(value, viewer) pairs where a persona's value showed up in another's browser."""
    seen = set()
    for owner in run.personas:
        values = own_values(run, owner)
        for cell in run.cells:
            if cell.persona != owner:
                text = observed(cell)
                seen |= {(value, cell.persona) for value in values if value in text}
    return seen


def isolation_figures(run):
    """How many users, how many distinct cookies, how many values crossed over."""
    count = len(run.personas)
    cookies = {cell.held["value"] for cell in cells_of(run, "inspector") if cell.held}
    crossed = len(leaks(run))
    return [
        Figure("users", str(count), "users", "each in a browser context of their own", None),
        Figure(
            "cookies",
            str(len(cookies)),
            "distinct session cookies",
            "held at the session inspector step",
            len(cookies) == count,
        ),
        Figure(
            "leaks",
            str(crossed),
            "values seen by another user",
            "one persona's email or cookie found in another's pages or cookies",
            crossed == 0,
        ),
    ]


def restart_figure(run):
    """Whose session the browser restart kept: it should be exactly those remembered."""
    survivors = {cell.persona for cell in cells_of(run, "restart") if cell.status == "recognised"}
    remembered = {persona for persona in run.personas if persona.remember}
    forgotten = set(run.personas) - remembered
    return Figure(
        "restart",
        f"{len(survivors)} of {len(run.personas)}",
        "sessions survived a browser restart",
        f"{len(survivors & remembered)} of {len(remembered)} with “remember me”, "
        f"{len(survivors & forgotten)} of {len(forgotten)} without",
        survivors == remembered,
    )


def expiry_figure(run):
    """Whose session outlived the lifetime, in any browser: nobody's should."""
    if not run.waited:
        return Figure(
            "expired",
            "–",
            "lifetime not waited for",
            f"the server's sessions live {duration(run.lifetime)}",
            None,
        )
    late = [cell for cell in run.cells if cell.step.key.startswith("expired-")]
    alive = {cell.persona for cell in late if cell.status == "recognised"}
    expired = sum(cell.status == "expired" for cell in late)
    refused = sum(cell.status == "refused" for cell in late)
    ended = len(run.personas) - len(alive)
    return Figure(
        "expired",
        f"{ended} of {len(run.personas)}",
        f"sessions expired after the {run.lifetime}-second lifetime",
        f"{counted(expired, 'expired cookie')} no longer sent by the browser, "
        f"{counted(refused, 'stale cookie')} sent and refused by the server",
        not alive,
    )


def summarize(run):
    """The run's figures and its headline."""
    return Summary([*isolation_figures(run), restart_figure(run), expiry_figure(run)])
