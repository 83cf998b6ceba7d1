"""The e2e suite's settings, read from playwright.config.toml at the top of the repo."""

import tomllib
from pathlib import Path

CONFIG_FILE = Path(__file__).resolve().parent.parent / "playwright.config.toml"

with CONFIG_FILE.open("rb") as file:
    SETTINGS = tomllib.load(file)

RUN = SETTINGS["run"]
LIFETIME_SECONDS = SETTINGS["expiry"]["lifetime_seconds"]
ABSOLUTE_SECONDS = SETTINGS["expiry"]["absolute_seconds"]
SYSTEM_BROWSERS = SETTINGS["system_browsers"]
