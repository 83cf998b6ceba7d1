"""Using the site with the keyboard alone: Tab and Shift+Tab to move, Enter and Space to act."""

# More stops than any page has: the products page has two controls for each of 20 products.
MAX_PRESSES = 60
# The focus ring of static/style.css, as getComputedStyle gives it.
FOCUS_RING = "solid 3px"
# Where the focus is, read in one round trip per key press. Firefox may match :focus-visible
# a moment after the key press that moved the focus (seen once in a busy run: the page showed
# the ring when shot just after): the read waits up to a second for the ring, as expect() would.
WHERE_IS_THE_FOCUS = """async ([target, ring]) => {
    const where = () => {
        const focused = document.activeElement;
        const style = getComputedStyle(focused);
        return {
            reached: focused === target,
            ring: `${style.outlineStyle} ${style.outlineWidth}`,
            element: focused.outerHTML.slice(0, 120),
        };
    };
    for (let wait = 0; wait < 50 && where().ring !== ring; wait++) {
        await new Promise(resolve => setTimeout(resolve, 20));
    }
    return where();
}"""


def move_focus_to(target, key="Tab"):
    """Press key (Tab or Shift+Tab) until target holds the focus; the ring shows at each stop."""
    # Found by role once: finding it again at each press would read the whole page each time.
    element = target.element_handle()
    try:
        for _ in range(MAX_PRESSES):
            target.page.keyboard.press(key)
            focus = target.page.evaluate(WHERE_IS_THE_FOCUS, [element, FOCUS_RING])
            assert focus["ring"] == FOCUS_RING, f"no focus ring on {focus['element']}"
            if focus["reached"]:
                return
    finally:
        element.dispose()
    raise AssertionError(f"{MAX_PRESSES} presses of {key} never reached {target}")


def activate(target, key="Enter", tab="Tab"):
    """Move the focus to target with tab, then press key (Enter or Space) on it."""
    move_focus_to(target, tab)
    target.page.keyboard.press(key)
