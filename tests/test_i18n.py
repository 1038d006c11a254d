"""Norwegian number formats and the translation catalogues."""

import pytest

from app.web.i18n import format_number, format_share, gettext


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


def test_every_message_in_the_web_code_is_translated_into_bokmal_and_nynorsk():
    """Every literal passed to ``_()`` in app/web has a translation in both catalogues."""
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    from app.web.i18n import catalogue

    root = Path(__file__).resolve().parents[1] / "app" / "web"
    missing = []
    for path in sorted(root.rglob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"_": None, "gettext": None}
        ):
            message = message[0] if isinstance(message, tuple) else message
            for lang in ("nb", "nn"):
                if message not in catalogue(lang):
                    missing.append(f"{path.relative_to(root)}:{lineno} [{lang}] {message[:60]!r}")
    assert not missing, "untranslated:\n" + "\n".join(missing)
