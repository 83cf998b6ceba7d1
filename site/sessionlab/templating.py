"""Jinja, as the site uses it: templates compiled once per language, with their fixed text
translated in."""

from flask import has_request_context
from flask.templating import Environment
from jinja2.ext import Extension
from jinja2.lexer import Token

from .i18n import page_language, translator


class TranslateLiterals(Extension):
    """Writes each _('literal') of a template in its translation, as the template is compiled.

    Only in the environment of one language (SiteEnvironment.in_language). The
    translation goes in as a constant marked safe, which is what _() returns for a
    string with no variables, so Jinja writes it into the compiled template's text.
    A page shows the same text and spends nothing on it at request time.
    """

    def filter_stream(self, stream):
        language = getattr(self.environment, "language", None)
        if language is None:
            return stream
        return self.translated(list(stream), translator(language))

    @staticmethod
    def translated(tokens, translate):
        index = 0
        while index < len(tokens):
            if is_literal_translation(tokens, index):
                text = translate.literal(tokens[index + 2].value)
                line = tokens[index].lineno
                # ('text'|safe): the parentheses keep what follows _(...) applying to it.
                yield from (Token(line, "lparen", "("), Token(line, "string", text))
                yield from (Token(line, "pipe", "|"), Token(line, "name", "safe"))
                yield Token(line, "rparen", ")")
                index += 4
            else:
                yield tokens[index]
                index += 1


def is_literal_translation(tokens, index):
    """Whether tokens[index:] start with _('a string'): a call of _ itself, not of x._."""
    types = [token.type for token in tokens[index : index + 4]]
    return (
        types == ["name", "lparen", "string", "rparen"]
        and tokens[index].value == "_"
        and (index == 0 or tokens[index - 1].type != "dot")
    )


class SiteEnvironment(Environment):
    """Flask's Jinja environment, with templates compiled once per language."""

    language = None  # the language compiled into this environment's templates, if one

    def __init__(self, app, **options):
        super().__init__(app, **options)
        self.languages = {}

    def get_template(self, name, parent=None, globals=None):
        """The template compiled for the page's language, when there is a page."""
        if self.language is None and has_request_context():
            language = self.in_language(page_language()["lang"])
            return language.get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def in_language(self, language):
        """This environment, with its own templates, compiled with language's translations."""
        if language not in self.languages:
            overlay = self.overlay()
            overlay.language = language
            self.languages[language] = overlay
        return self.languages[language]


def init_app(app):
    """Set Jinja up; before anything else makes the app's Jinja environment."""
    app.jinja_environment = SiteEnvironment
    # The site's few templates all stay compiled, in a plain dict: Jinja's default
    # cache locks and reorders itself on every lookup, and a page looks up several.
    app.jinja_options = {
        **app.jinja_options,
        "cache_size": -1,
        "extensions": [*app.jinja_options.get("extensions", ()), TranslateLiterals],
    }
