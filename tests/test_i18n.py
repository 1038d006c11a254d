"""Norwegian number formats and the translation catalogues."""

import pytest

from app.language import format_number, format_share, gettext


@pytest.mark.parametrize("lang,expected", [("nb", "15,2\u00a0%"), ("nn", "15,2\u00a0%"), ("en", "15.2%")])
def test_shares(lang, expected):
    assert format_share(0.152, lang) == expected


def test_thousands_use_a_non_breaking_space_in_norwegian():
    assert format_number(200000, "nb") == "200\u00a0000"
    assert format_number(200000, "en") == "200,000"


def test_numbers_are_written_exactly_as_babel_writes_them():
    """format_number and format_share keep Babel's parsed patterns and write whole numbers without it (issue 21
    §5: a page's tables hold hundreds of numbers); the text is Babel's own, digit for digit."""
    import random

    from babel.numbers import format_decimal, format_percent

    from app.language import BABEL_LOCALES

    draw = random.Random(7)
    values = [0, 1, -1, 999, 1000, -1000, 10**9, 0.05, 0.25, 0.35, 2.5, -0.0049]
    values += [draw.randint(-(10**8), 10**8) for _ in range(500)] + [draw.uniform(-1e5, 1e5) for _ in range(500)]
    for value in values:
        for lang, locale in BABEL_LOCALES.items():
            for decimals in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
                assert format_number(value, lang, decimals) == format_decimal(value, format=pattern, locale=locale)
                suffix = "%" if lang == "en" else "\u00a0%"
                assert format_share(value, lang, decimals) == format_percent(
                    value, format=pattern + suffix, locale=locale
                )


def test_messages_are_translated_into_bokmal_and_nynorsk():
    assert gettext("Overview", "nb") == "Oversikt"
    assert gettext("The data are not available right now", "nn") == "Dataa er ikkje tilgjengelege akkurat no"
    assert gettext("Overview", "en") == "Overview"


def test_unknown_language_falls_back_to_bokmal():
    assert gettext("Overview", "xx") == "Oversikt"


def test_the_message_template_is_what_the_code_says():
    """messages.pot is extracted from app as it is now (run ``python tools/i18n.py extract``)."""
    import tempfile
    from pathlib import Path

    from babel.messages.pofile import read_po

    from tools.i18n import TEMPLATE, extract

    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        extract(fresh)
        with fresh.open("rb") as now, TEMPLATE.open("rb") as committed:
            assert {m.id for m in read_po(now) if m.id} == {m.id for m in read_po(committed) if m.id}


def test_every_message_is_translated_into_bokmal_and_nynorsk_with_the_same_placeholders():
    """Every id of the template has a bokmål and a nynorsk text, English is the id itself, and every
    translation keeps the id's {placeholders} (a missing one would raise or drop a number)."""
    import re

    from babel.messages.pofile import read_po

    from app.language import catalogue
    from tools.i18n import TEMPLATE

    with TEMPLATE.open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    assert len(ids) > 300
    problems = []
    for message in ids:
        assert gettext(message, "en") == message
        wanted = sorted(re.findall(r"\{(\w*)\}", message))
        for lang in ("nb", "nn"):
            text = catalogue(lang).get(message)
            if not text:
                problems.append(f"[{lang}] untranslated: {message[:70]!r}")
            elif sorted(re.findall(r"\{(\w*)\}", text)) != wanted:
                problems.append(f"[{lang}] placeholders differ: {message[:70]!r} → {text[:70]!r}")
    assert not problems, "\n".join(problems)
