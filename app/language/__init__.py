"""The language floor: translation catalogues (gettext, through Babel), Norwegian number formats, and (in
``app.language.mobility`` and ``app.language.small_area``) the texts the web pages and the command line
share. It sits above the query layer (it words its results) and below the web and the command line.

Message ids are English. ``translations/messages.pot`` is extracted from all of ``app`` by ``pybabel``
(``python tools/i18n.py extract``: every ``_()``, ``gettext()`` and ``N_()``); ``translations/<lang>/
LC_MESSAGES/messages.po`` hold nb and nn (``python tools/i18n.py update``); English falls back to the
message id. A wheel carries them compiled (``messages.mo``, built by setup.py); a checkout has only the
``.po``, compiled in memory. Catalogues are read once per process, on first use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from io import BytesIO
from string import Formatter
from typing import TypeVar

from babel import Locale
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from babel.support import Translations

from app import resources
from app.config import LANGUAGES

TRANSLATIONS_DIR = resources.translations_dir()
BABEL_LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}
NO_VALUE = "–"  # a number that is not there (hidden, or no estimate): an en dash, as in statistical tables


@cache
def _compiled(lang: str) -> bytes:
    """``lang``'s catalogue as a compiled ``.mo``: the one built with the wheel, or its ``.po`` compiled
    here when there is none or the ``.po`` was changed after it (a checkout). Fuzzy and empty
    translations are left out either way."""
    directory = TRANSLATIONS_DIR / lang / "LC_MESSAGES"
    mo, po = directory / "messages.mo", directory / "messages.po"
    if mo.is_file() and not (po.is_file() and po.stat().st_mtime > mo.stat().st_mtime):
        return mo.read_bytes()
    compiled = BytesIO()
    if po.is_file():
        with po.open("rb") as handle:
            write_mo(compiled, read_po(handle, locale=BABEL_LOCALES[lang]), use_fuzzy=False)
    return compiled.getvalue()


@cache
def translations(lang: str) -> Translations:
    """Babel's translations of ``lang`` (``gettext``, ``ngettext`` with the language's plural forms,
    ``pgettext``); no catalogue translates nothing."""
    compiled = _compiled(lang)
    return Translations(BytesIO(compiled), domain="messages") if compiled else Translations(domain="messages")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every translated message id of ``lang`` and its translation (plural messages left out)."""
    compiled = _compiled(lang)
    if not compiled:
        return {}
    return {
        m.id: m.string
        for m in read_mo(BytesIO(compiled))
        if m.id and isinstance(m.id, str) and isinstance(m.string, str)
    }


def gettext(message: str, lang: str) -> str:
    """Translate ``message`` into ``lang``; unknown messages come back unchanged."""
    if lang not in LANGUAGES:
        lang = "nb"
    if not message or lang == "en":
        return message  # the ids are English; "" would give the catalogue's header
    return translations(lang).gettext(message)


def pick(texts: dict[str, str] | None, lang: str) -> str:
    """Choose a language from a stored ``{"nb": ..., "nn": ..., "en": ...}`` text."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get("nb") or next(iter(texts.values()))


@cache
def _pattern(pattern: str) -> NumberPattern:
    """Babel's parsed number pattern, once: ``format_decimal`` parses its pattern and locale on every call,
    which was a fifth of drawing a page with a few hundred numbers in its tables (issue 21 §5)."""
    return parse_pattern(pattern)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(lang, "nb_NO"))


def format_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """``200000`` → ``200 000`` (nb/nn, non-breaking space) or ``200,000`` (en); no value → "–"."""
    if value is None:
        return NO_VALUE
    if type(value) is int and not decimals:  # most of a table's numbers: Babel's text, without its Decimal work
        return f"{value:,}".replace(",", _group_symbol(lang))
    return _pattern("#,##0" + ("." + "0" * decimals if decimals else "")).apply(value, _locale(lang))


@cache
def _group_symbol(lang: str) -> str:
    return _locale(lang).number_symbols["latn"]["group"]


def format_share(proportion: float | None, lang: str, decimals: int = 1) -> str:
    """``0.152`` → ``15,2 %`` (nb/nn, non-breaking space) or ``15.2%`` (en); no value → "–"."""
    if proportion is None:
        return NO_VALUE
    suffix = "%" if lang == "en" else "\u00a0%"
    return _pattern("#,##0" + ("." + "0" * decimals if decimals else "") + suffix).apply(proportion, _locale(lang))


def format_interval(low: float | None, high: float | None, lang: str, decimals: int = 0, share: bool = True) -> str:
    """An interval, "12,0 %–18,5 %" (two numbers with ``share=False``); "–" when it is missing."""
    if low is None or high is None:
        return NO_VALUE
    form = format_share if share else format_number
    return f"{form(low, lang, decimals)}–{form(high, lang, decimals)}"


def text(value: str | Mapping[str, str] | None, lang: str) -> str:
    """One lookup for every text shown: a message id (translated), a text per language from the data
    (picked), or None (empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return gettext(value, lang)
    return pick(dict(value), lang)


ResultT = TypeVar("ResultT")


def localized(result: ResultT, lang: str) -> ResultT:
    """A query result (``ShareResult``, ``MeanResult``, ``Evidence``, their rows) with its labels, which the
    query layer gives per language, as text in ``lang``; a group labelled None is everyone ("All")."""
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return result
    changes: dict = {}
    for name in ("question", "by_label", "label", "categories"):
        value = getattr(result, name, None)
        if isinstance(value, Mapping):
            changes[name] = pick(dict(value), lang)
    if hasattr(result, "group"):
        changes["group"] = gettext("All", lang) if result.group is None else text(result.group, lang)
    if hasattr(result, "rows"):
        changes["rows"] = [localized(row, lang) for row in result.rows]
    if hasattr(result, "suppressed_groups"):
        changes["suppressed_groups"] = [
            gettext("All", lang) if group is None else text(group, lang) for group in result.suppressed_groups
        ]
    sides = getattr(result, "sides", None)
    if sides:
        changes["sides"] = {g: {side: localized(row, lang) for side, row in ends.items()} for g, ends in sides.items()}
    return dataclasses.replace(result, **changes)


def error_text(error: Exception, lang: str) -> str:
    """An expected error in ``lang``: its ``message_id`` translated and filled in (``app.errors``), else its
    English message."""
    message_id = getattr(error, "message_id", None)
    if not message_id:
        return str(error)
    return gettext(message_id, lang).format(**getattr(error, "values", {}))


def N_(message: str) -> str:  # noqa: N802 - the conventional name gettext tools look for
    """Mark a message id where it is defined (a constant, a table of names); it is translated where it is
    shown, with ``gettext``. ``pybabel extract`` finds it by this name."""
    return message


def percent_suffix(lang: str) -> str:
    """What follows a percentage: "15,2 %" in Norwegian (a non-breaking space), "15.2%" in English."""
    return "%" if format_share(0.5, lang, 0).endswith("0%") else "\u00a0%"


def quoted(text: str, lang: str) -> str:
    """A quotation in the language's marks: «…» in Norwegian, “…” in English."""
    opening, closing = QUOTES.get(lang, QUOTES["nb"])
    return f"{opening}{text}{closing}"


QUOTES = {"nb": ("«", "»"), "nn": ("«", "»"), "en": ("“", "”")}


def fill(sentence: str, **parts: object) -> list:
    """A translated sentence with components in its ``{placeholders}``, as children for a Dash component:
    ``fill(_("Groups with fewer than {n} respondents …", lang), n=html.Strong("10"))``. The translator
    sees the whole sentence and may move the placeholder; the component keeps its id and markup."""
    children: list = []
    for literal, name, _spec, _conversion in Formatter().parse(sentence):
        if literal:
            children.append(literal)
        if name is not None:
            children.append(parts[name])
    return children


def format_long_date(value, lang: str) -> str:
    """A date written out, as the language writes it ("1. desember 2026", "1 December 2026")."""
    from babel.dates import format_date

    return format_date(value, format="long", locale=BABEL_LOCALES.get(lang, "nb_NO"))


def number_locale(lang: str) -> dict[str, str]:
    """The language's decimal and grouping marks, for formatting done in the browser (d3)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = BABEL_LOCALES.get(lang, "nb_NO")
    return {"decimal": get_decimal_symbol(locale), "thousands": get_group_symbol(locale)}


# How a published figure is worded in its source (``qualifier`` in seed/published_figures.csv).
QUALIFIED = {
    "about": N_("about {value}"),
    "over": N_("over {value}"),
    "under": N_("under {value}"),
    "nearly": N_("nearly {value}"),
    "at least": N_("at least {value}"),
}
HALF = {
    None: N_("half"),
    "about": N_("about half"),
    "over": N_("over half"),
    "under": N_("under half"),
    "nearly": N_("nearly half"),
}


def source_decimals(value: float) -> int:
    """The decimals the source wrote: 2.3 → 1, 50 → 0 (values are stored as the source printed them)."""
    text = repr(float(value))
    return 0 if text.endswith(".0") or "e" in text else len(text.split(".")[1])


def format_published(
    value: float,
    unit: str,
    qualifier: str | None,
    lang: str,
    *,
    value_high: float | None = None,
    quote: str = "",
) -> str:
    """A published figure worded as its source words it: «over halvparten» (a "halvparten" in the
    quote), «over 90 %», «nesten 90 %», «ca. 2,3 %» (the source's decimals), «ca. 1/3», «40–50 %»;
    never «ca. 50 %» for "over halvparten". Percent figures as shares, anything else as a number."""

    def number(v: float) -> str:
        if unit == "percent":
            return format_share(v / 100, lang, source_decimals(v))
        if unit == "fraction":
            from fractions import Fraction

            return str(Fraction(v).limit_denominator(12))
        return format_number(v, lang, source_decimals(v))

    if value_high is not None or qualifier == "range":
        high = value if value_high is None else value_high
        low = number(value)
        if unit == "percent":  # "40–50 %", not "40 %–50 %"
            low = format_number(value, lang, source_decimals(value))
        return f"{low}–{number(high)}"
    if unit == "percent" and value == 50 and "halvpart" in quote.lower() and qualifier in HALF:
        return gettext(HALF[qualifier], lang)
    if qualifier in QUALIFIED:
        return gettext(QUALIFIED[qualifier], lang).format(value=number(value))
    return number(value)
