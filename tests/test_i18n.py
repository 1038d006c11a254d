"""Norwegian number formats and the translation catalogues."""

import pytest

from app.language import format_number, format_share, gettext


@pytest.mark.parametrize("lang,expected", [("nb", "15,2\u00a0%"), ("nn", "15,2\u00a0%"), ("en", "15.2%")])
def test_shares(lang, expected):
    assert format_share(0.152, lang) == expected


def test_thousands_use_a_non_breaking_space_in_norwegian():
    assert format_number(200000, "nb") == "200\u00a0000"
    assert format_number(200000, "en") == "200,000"


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
