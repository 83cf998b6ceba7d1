"""python -m demo: drive several personas through Session Lab and write the report."""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

from sessionlab.launch import gunicorn, throwaway_certificate

from . import report, story
from .browsers import launch
from .cookies import Decoder
from .personas import cast
from .summary import summarize

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
        "--https",
        action="store_true",
        help="serve the site it starts over HTTPS (a throw-away certificate), its cookies Secure",
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
        help="session lifetime of the server the demo starts (default 15; "
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
    args = parser.parse_args(argv)
    if args.personas < 2:
        parser.error("--personas: at least 2, one with “remember me” and one without")
    if args.lifetime < 5:
        parser.error("--lifetime: at least 5 seconds, or sessions expire mid-story")
    if args.https and args.url:
        parser.error("--https: for the server the demo starts; with --url, give an https:// URL")
    return args


def needs_virtual_display(args):
    """Whether windows are wanted but there is no display to show them on."""
    return args.headed and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@contextmanager
def site(args):
    """Yield the site's URL and secret key: the given URL (key unknown), or a new server."""
    if args.url:
        yield args.url.rstrip("/"), None
        return
    key = secrets.token_urlsafe(32)
    env = {"FLASK_SECRET_KEY": key, "FLASK_PERMANENT_SESSION_LIFETIME": str(args.lifetime)}
    with tempfile.TemporaryDirectory(prefix="demo-tls-") as folder:
        certificate = throwaway_certificate(folder) if args.https else None
        if certificate:
            env["FLASK_SESSION_COOKIE_SECURE"] = "true"
        with gunicorn(env=env, certificate=certificate) as server:
            yield server.url, key


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
    """Run the demo, print its headline and the report's address; 1 if it proved otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if needs_virtual_display(args):
        progress("no display: running under xvfb-run (the windows are not visible)")
        os.execvp(XVFB[0], [*XVFB, sys.executable, "-m", "demo", *argv])
    personas = cast(args.personas)
    shots = fresh_folder(args.out)
    with site(args) as (url, key), sync_playwright() as playwright:
        progress(f"site at {url}, {args.browser}, {len(personas)} personas")
        browser = launch(playwright, args.browser, headless=not args.headed, slow_mo=args.slowmo)
        stage = story.Stage(
            browser, url, shots, Decoder(key, args.lifetime), args.headed, len(personas)
        )
        run = story.run(stage, personas, None if args.url else args.lifetime, progress)
        summary = summarize(run)
        facts = {
            "url": url,
            "started": not args.url,
            "browser": f"{args.browser} {browser.version}",
            "verified": stage.decoder.verifies,
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }
        path = report.write(run, summary, facts, args.out)
        if args.preview:
            report.preview(browser, path, args.preview)
        browser.close()
    print(summary.headline)
    print(f"Report: {path.resolve().as_uri()}")
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
