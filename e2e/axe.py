"""axe-core, as axe-playwright-python ships it, run on the page a browser shows."""

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

# The axe-core script the package ships; Axe's attribute is its documented way to it.
AXE_SCRIPT = Axe().axe_script

# The rules whose outcome depends on colours; the others read the page's structure.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def load_in_every_page(context):
    """From now on, every document that context's pages load has axe-core, from its start."""
    # The browser keeps the script: it is not sent (570 kB) for each document checked, nor
    # recorded in the trace with each call.
    context.add_init_script(AXE_SCRIPT)


def check(page, rules=None, skip=()):
    """axe-core's violations on the page as it is now (only those rules, if given; not
    those in skip), as text."""
    # Loaded once per document, where load_in_every_page has not: parsing the script costs
    # as much as a run.
    if not page.evaluate("typeof axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    if skip:
        options["rules"] = {rule: {"enabled": False} for rule in skip}
    results = AxeResults(page.evaluate("options => axe.run(document, options)", options))
    return results.generate_report() if results.violations_count else ""
