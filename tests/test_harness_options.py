"""e2e/conftest.py sets two of pytest-playwright's options by name, for want of a public way:
these fail if the plugin renames them or changes what they hold."""


def test_screenshot_option_holds_pytest_playwrights_choices(pytestconfig):
    assert pytestconfig.getoption("screenshot") in ("on", "off", "only-on-failure")


def test_browser_option_is_a_list_of_names(pytestconfig):
    assert isinstance(pytestconfig.getoption("browser"), list)
