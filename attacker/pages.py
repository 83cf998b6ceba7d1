"""The attacker's pages: an index, and one page per attack on the target's sessions."""

import urllib.parse

from flask import Blueprint, abort, current_app, render_template, request

from . import loot, observe
from .catalogue import ATTACKS

bp = Blueprint("attacks", __name__)


def target():
    """The Session Lab under attack: the page's ?target=, else the site's own setting."""
    url = request.args.get("target") or current_app.config["TARGET"]
    if not loot.on_loopback(url):
        abort(400, f"target {url!r} is not a Session Lab on this machine (127.0.0.0/8)")
    return url.rstrip("/")


def link(slug):
    """The address of an attack page, keeping the page's ?target=."""
    query = {"target": request.args["target"]} if "target" in request.args else {}
    return f"/{slug}" + (f"?{urllib.parse.urlencode(query)}" if query else "")


@bp.get("/")
def index():
    """List the attacks, each with what it tries and what should happen."""
    return render_template("index.html", attacks=ATTACKS, target=target(), link=link)


@bp.get("/<slug>")
def attack(slug):
    """One attack's page, aimed at the target."""
    page = ATTACKS.get(slug)
    if page is None:
        abort(404)
    return render_template(
        f"{slug}.html", attack=page, target=target(), loot=loot, observe=observe, link=link
    )
