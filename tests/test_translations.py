"""The shipped translations: complete, consistent, compiled and actually shown."""

import re
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
import wtforms.i18n
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from markupsafe import escape

import sessionlab
from sessionlab.forms import LANGUAGES as OFFERED

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(sessionlab.__file__).resolve().parent / "translations"
# Every language the preferences offer, except English, the language of the source.
LANGUAGES = tuple(code for code in OFFERED if code != "en")
# The same keywords as `pybabel extract -k _l -k lazy_gettext` (see babel.cfg).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# A printf-style conversion such as %(name)s, %(count)d or %%, or a stray %.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]|%")


@pytest.fixture(scope="module")
def extracted():
    """The messages in the code and templates, extracted afresh as babel.cfg says."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, locations=[(filename, lineno)], context=context)
    return catalog


def read_catalogue(language):
    """The language's shipped .po catalogue."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def translations_of(catalog):
    """Each message of a catalogue, header left out, mapped to its translation."""
    return {(message.id, message.context): message.string for message in catalog if message.id}


def strings(message):
    """A message's text as a tuple: one item, or the forms of a plural."""
    return message if isinstance(message, tuple | list) else (message,)


def placeholders(text):
    """How many times each placeholder occurs in text."""
    return Counter(PLACEHOLDER.findall(text))


def test_templates_translate_only_literal_strings():
    # Extraction finds only literals, and the page's _() keeps each string's translation.
    for template in (ROOT / "templates").rglob("*.html"):
        assert not re.search(r"\b_\(\s*[^'\"\s]", template.read_text()), template


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_missing(extracted, language):
    catalog = read_catalogue(language)
    missing = [m.id for m in extracted if m.id and catalog.get(m.id, m.context) is None]
    assert missing == [], f"run the update commands in the README for {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_empty(extracted, language):
    catalog = read_catalogue(language)
    found = (catalog.get(m.id, m.context) for m in extracted if m.id)
    empty = [m.id for m in found if m and not all(strings(m.string))]
    assert empty == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy(language):
    fuzzy = [message.id for message in read_catalogue(language) if message.id and message.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match(language):
    mismatched = [
        (message.id, translation)
        for message in read_catalogue(language)
        if message.id
        for translation in strings(message.string)
        if placeholders(translation) != placeholders(strings(message.id)[-1])
    ]
    assert mismatched == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_mo_matches_po(language):
    compiled = BytesIO()
    write_mo(compiled, read_catalogue(language))
    compiled.seek(0)
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as shipped:
        assert translations_of(read_mo(shipped)) == translations_of(read_mo(compiled)), (
            "run pybabel compile -d site/sessionlab/translations"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_is_shown_in_the_browser_language(client, language):
    heading = read_catalogue(language).get("How Flask sessions work").string
    page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'<html lang="{language}"' in page
    assert f"<h1>{escape(heading)}</h1>" in page


@pytest.mark.cookie_only
def test_one_app_shows_each_language_its_own_translations(client):
    # Templates are compiled once per language, with their fixed text translated in.
    for language in (*LANGUAGES, "en", *reversed(LANGUAGES)):
        heading = "How Flask sessions work"
        if language != "en":
            heading = read_catalogue(language).get(heading).string
        page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert f"<h1>{escape(heading)}</h1>" in page


def wtforms_builtin_fragments():
    """The longest literal piece of each of WTForms' own English messages, as HTML."""
    path = Path(wtforms.i18n.messages_path()) / "en" / "LC_MESSAGES" / "wtforms.po"
    with path.open("rb") as po:
        texts = [text for message in read_po(po) if message.id for text in strings(message.id)]
    return {str(escape(max(PLACEHOLDER.split(text), key=len).strip())) for text in texts}


@pytest.mark.parametrize(
    ("url", "form_page", "data"),
    [
        ("/set_email", "/set_email", {"email_address": ""}),
        ("/set_email", "/set_email", {"email_address": "not an address"}),
        ("/set_email", "/set_email", {"email_address": "a" * 250 + "@example.com"}),
        ("/cart/add", "/products", {"product_id": "nothing", "quantity": "1"}),
        ("/cart/add", "/products", {"product_id": "mug", "quantity": "two"}),
        ("/cart/add", "/products", {"product_id": "mug", "quantity": "0"}),
        ("/cart/update", "/products", {"product_id": "mug"}),
        ("/preferences", "/preferences", {"language": "xx", "currency": "XXX", "theme": "pink"}),
        ("/session/permanent", "/session", {"permanent": "maybe"}),
    ],
)
def test_refused_form_shows_no_english_wtforms_message(visitor, url, form_page, data):
    visitor.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = visitor.post(url, data, page=form_page)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert [fragment for fragment in wtforms_builtin_fragments() if fragment in html] == []
