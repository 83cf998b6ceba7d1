"""The site's _() in templates writes exactly what Flask-Babel's own template gettext writes.

i18n.Translator and templating.TranslateLiterals do its work once per language; these
tests fail if Flask-Babel or Jinja change what that work gives.
"""

import pytest
from flask_babel import force_locale

from sessionlab.forms import LANGUAGES
from sessionlab.i18n import translator

pytestmark = pytest.mark.cookie_only
# Fixed text, text with variables (escaped when they are not markup) and a literal "%".
CALLS = [
    ("{{ _('Your cart') }}", {}),
    ("{{ _('until %(when)s', when=when) }}", {"when": "<b>tomorrow</b> & after"}),
    ("{{ _('%(size)d of %(limit)d bytes', size=119, limit=4093) }}", {}),
]


def flask_babels(app, source, values, language):
    """source rendered with Flask-Babel's own _(), in language."""
    with app.test_request_context(), force_locale(language):
        return app.jinja_env.from_string(source).render(values)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("source", "values"), CALLS)
def test_translator_writes_what_flask_babel_writes(app, source, values, language):
    with app.test_request_context():
        ours = app.jinja_env.from_string(source).render(values, _=translator(language))
    assert ours == flask_babels(app, source, values, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("source", "values"), CALLS)
def test_text_compiled_in_reads_as_flask_babel_writes_it(app, source, values, language):
    with app.test_request_context():
        compiled = app.jinja_env.in_language(language).from_string(source)
        ours = compiled.render(values, _=translator(language))
    assert ours == flask_babels(app, source, values, language)
