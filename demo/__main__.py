"""python -m demo: drive several personas through Session Lab and write the report."""

import argparse
import os
import shutil
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from playwright.sync_api import sync_playwright

from sessionlab.stores import STORES

from . import report, sites, story
from .attacks import Attacks
from .browsers import launch
from .personas import cast
from .summary import summarize, summarize_attacks

# Headed runs without a display get a virtual one big enough for side-by-side windows.
XVFB = ["xvfb-run", "--auto-servernum", "--server-args=-screen 0 1920x1080x24"]


def parse_args(argv):
    """The command line's options, checked."""
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="Drive several personas through Session Lab side by side and write "
        "a report that shows their sessions are isolated and expire as configured.",
    )
    parser.add_argument(
        "--personas", type=int, default=4, metavar="N", help="how many (at least 2; default 4)"
    )
    parser.add_argument("--url", help="use the Session Lab running there instead of starting one")
    parser.add_argument(
        "--store",
        action="append",
        choices=list(STORES),
        help="where the sessions of the server the demo starts live; repeat it to compare "
        "stores side by side (default cookie; with --url, the server's own store)",
    )
    parser.add_argument(
        "--https",
        action="store_true",
        help="serve the sites it starts over HTTPS (throw-away certificate), cookies Secure",
    )
    parser.add_argument(
        "--headed", action="store_true", help="show the windows side by side (Chromium places them)"
    )
    parser.add_argument(
        "--slowmo", type=int, default=0, metavar="MS", help="pause before each browser action"
    )
    parser.add_argument(
        "--browser", choices=("chromium", "firefox"), default="chromium", help="default chromium"
    )
    parser.add_argument(
        "--lifetime",
        type=int,
        default=15,
        metavar="SECONDS",
        help="session lifetime of the servers the demo starts (default 15; "
        "with --url the server is asked)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo-report"), help="report folder (default demo-report)"
    )
    parser.add_argument(
        "--preview",
        type=Path,
        metavar="PNG",
        help="also save a small picture of the report's summary and restart and expiry rows",
    )
    parser.add_argument(
        "--only",
        choices=("story", "attacks"),
        help="play only the personas' story, or only try the attacker site's attacks "
        "on a signed-in victim (default both)",
    )
    args = parser.parse_args(argv)
    if args.personas < 2:
        parser.error("--personas: at least 2, one with “remember me” and one without")
    if args.lifetime < 5:
        parser.error("--lifetime: at least 5 seconds, or sessions expire mid-story")
    if args.url and args.store:
        parser.error("--store: the demo reads the store of the server at --url from that server")
    if args.https and args.url:
        parser.error("--https: for the servers the demo starts; with --url, give an https:// URL")
    if args.preview and args.only == "attacks":
        parser.error("--preview: a picture of the story's rows, which --only attacks skips")
    # Each store once, in the order given.
    args.store = list(dict.fromkeys(args.store or ["cookie"]))
    return args


def needs_virtual_display(args):
    """Whether windows are wanted but there is no display to show them on."""
    return args.headed and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def serving(args):
    """The sites to play on, as a context manager: the one at --url, or one started a store."""
    if args.url:
        return sites.given(args.url)
    return sites.started(args.store, args.lifetime, args.https, attacked=args.only != "story")


def attacker_site(args, places):
    """The attacker site's URL, as a context manager: started, or None for --only story."""
    return nullcontext() if args.only == "story" else sites.attacker(places)


def progress(message):
    """Tell the person running the demo what it is doing."""
    print(f"demo: {message}", flush=True)


def fresh_folder(out):
    """The report folder with an empty shots/ folder in it, for this run's screenshots."""
    shots = out / "shots"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    return shots


def main(argv=None):
    """Run the demo, print its summary and the report's address; 1 if it proved otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if needs_virtual_display(args):
        progress("no display: running under xvfb-run (the windows are not visible)")
        os.execvp(XVFB[0], [*XVFB, sys.executable, "-m", "demo", *argv])
    personas = cast(args.personas)
    shots = fresh_folder(args.out)
    with (
        serving(args) as places,
        attacker_site(args, places) as attacker_url,
        sync_playwright() as playwright,
    ):
        where = ", ".join(f"{place.store} at {place.url}" for place in places)
        progress(f"{where}; {args.browser}, {len(personas)} personas")
        browser = launch(playwright, args.browser, headless=not args.headed, slow_mo=args.slowmo)
        attacks = Attacks(browser, attacker_url, places, shots, progress) if attacker_url else None
        runs, summary = [], None
        if args.only == "attacks":
            attacks.run()
        else:
            stages = [
                story.Stage(browser, place, shots, args.headed, len(personas), band, len(places))
                for band, place in enumerate(places)
            ]
            # The attacks are tried while the story waits for the sessions to expire.
            runs = story.run(stages, personas, progress, attacks.run if attacks else None)
            summary = summarize(runs)
        attack_runs = attacks.runs if attacks else []
        attack_summary = summarize_attacks(attack_runs) if attacks else None
        facts = {
            "browser": f"{args.browser} {browser.version}",
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }
        path = report.write(runs, summary, facts, args.out, attack_runs, attack_summary)
        if args.preview and runs:
            report.preview(browser, path, args.preview)
        browser.close()
    done = [part for part in (summary, attack_summary) if part]
    print("\n".join(line for part in done for line in part.lines))
    print(f"Report: {path.resolve().as_uri()}")
    return 0 if all(part.ok for part in done) else 1


if __name__ == "__main__":
    sys.exit(main())
