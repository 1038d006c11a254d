"""``fjernarbeid codebook draft DATAFILE``: a first codebook from what a survey's data file already knows.

Sources, best first: an SPSS file's variable and value labels; Nettskjema's codebook (the classic
``codebook-*.txt`` or the v3 API's elements JSON, given with ``--nettskjema-codebook``); the header
row of an Excel export (Questback, Enalyzer, SurveyXact write the question texts there); and, for
any file, the values it holds (a plain CSV: each observed value becomes an option).

What only a person can decide is left as a value starting with ``TODO`` with a ``# TODO:`` comment
above it (the weight, the municipality, the year, the citation, whom the sample stands for, labels
the file does not have); ``load_codebook`` refuses a codebook that still has one, naming each.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import ImportValidationError
from app.ingest.codebook import IGNORE, column_key
from app.ingest.problems import Problems
from app.ingest.progress import CHECK_EVERY, Progress, no_progress
from app.ingest.tables import SPSS_SUFFIXES, number_text, open_table, read_text

MAX_ROWS = 200_000  # enough to see every answer a column has; a draft does not need more
MAX_OPTIONS = 12  # more distinct values than this: a number or free text, not answer options
VARIABLE_MAX = 30

ID_NAMES = {"id", "nr", "$submission_id", "submission_id", "respondent", "respondent_id", "respondentid", "respid"}
ID_NAMES |= {"responseid", "response_id", "løpenr", "lopenr", "lnr", "resp_id", "caseid", "case_id", "serial"}
CREATED_NAMES = {"$created", "opprettet", "created", "startdate", "start_date", "submitdate", "submitted", "dato"}
WEIGHT_NAME = re.compile(r"^(wt|wgt)\b|vekt|weight", re.IGNORECASE)
MUNICIPALITY_NAME = re.compile(r"kommune|knr|municipality|kommnr", re.IGNORECASE)
POSTAL_NAME = re.compile(r"post\s*n(umme)?r|postal|zip", re.IGNORECASE)
BIRTH_YEAR_NAME = re.compile(r"f(ø|o)dsels(å|a)r|birth\s*_?year|f(ø|o)dt|(å|a)r\s*f(ø|o)dt", re.IGNORECASE)
PERSONAL_NAME = re.compile(
    r"telefon|phone|mobil|e-?post|e-?mail|navn|^name$|first.?name|last.?name|adresse|address|fødselsnummer|"
    r"personnummer|ip.?adress",
    re.IGNORECASE,
)
DATE_VALUE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}([ T].*)?$|^\d{1,2}:\d{2}(:\d{2})?$")
MISSING_LABEL = re.compile(
    r"vet ikke|veit ikkje|ikke sikker|ikkje sikker|ubesvart|ønsker ikke å svare|vil ikke svare|ikke relevant|"
    r"ikkje relevant|don'?t know|do not know|not sure|no answer|prefer not|not applicable|n/?a$",
    re.IGNORECASE,
)
NOT_SELECTED = {"nb": "Ikke valgt", "nn": "Ikkje valt", "en": "Not selected"}
NETTSKJEMA_IGNORED = {
    "QUESTION": "free text: not stored",
    "DATE": "a date or time: not stored",
    "ATTACHMENT": "an uploaded file: not stored",
    "EMAIL": "an e-mail address: personal data, not stored",
    "NATIONAL_ID_NUMBER": "a national identity number: personal data, not stored",
    "CONTACT_INFORMATION": "contact details: personal data, not stored",
}


@dataclass
class Choice:
    code: int
    label: str
    answers: list[str] = field(default_factory=list)
    missing: bool = False


@dataclass
class Column:
    """What the draft knows about one column of the data file."""

    name: str
    values: list[str] = field(default_factory=list)
    text: str | None = None  # the question's wording
    choices: list[Choice] | None = None  # answer options from a codebook or labels
    kind: str | None = None  # single_choice | number | postal_code | year | ignore; None: from the values
    low: float | None = None
    high: float | None = None
    note: str | None = None  # a comment for the person who reviews the draft
    labelled: bool = True  # False: the codes' meanings are not in the file (a TODO)


@dataclass
class Draft:
    source: Path
    columns: list[Column]
    title: str
    sources: list[str]  # what the draft was made from, for the heading comment


def draft_codebook(path: Path, nettskjema_codebook: Path | None = None, progress: Progress = no_progress) -> str:
    """The YAML text of a drafted codebook for the data file ``path``.

    Raises:
        ImportValidationError: the data file or the Nettskjema codebook cannot be read.
    """
    return drafted(path, nettskjema_codebook, progress)[0]


def drafted(
    path: Path, nettskjema_codebook: Path | None = None, progress: Progress = no_progress
) -> tuple[str, list[str]]:
    """The drafted codebook's YAML text and the data file's columns, in the file's order (``progress``: ``read``
    as the file is opened, then ``draft`` with row ``current`` of ``total`` as its answers are read)."""
    path = Path(path)
    progress("read")
    columns, title = _read_columns(path, progress)
    sources = [path.name]
    if path.suffix.lower() in SPSS_SUFFIXES:
        _spss_labels(path, columns)
        sources[0] += " (its variable and value labels)"
    if nettskjema_codebook is not None:
        nettskjema_codebook = Path(nettskjema_codebook)
        if nettskjema_codebook.suffix.lower() == ".json":
            _nettskjema_elements(nettskjema_codebook, columns)
        else:
            title = _nettskjema_classic(nettskjema_codebook, columns) or title
        sources.append(nettskjema_codebook.name + " (Nettskjema's codebook)")
    for column in columns:
        _classify(column)
    return _render(Draft(path, columns, title, sources)), [c.name for c in columns]


# --- reading ---------------------------------------------------------------------------------------


def _read_columns(path: Path, progress: Progress = no_progress) -> tuple[list[Column], str]:
    table = open_table(path)  # refuses what is not a data file, as the import does
    columns = [Column(name) for name in table.header]
    ignore = Problems(path.name)  # a ragged row does not matter for a draft; the import reports it
    total = None if table.size_hint is None else min(table.size_hint, MAX_ROWS)
    for count, (_, cells) in enumerate(table.rows(ignore)):
        if count >= MAX_ROWS:
            break
        if count % CHECK_EVERY == 0:
            progress("draft", count, total)
        for column, cell in zip(columns, cells, strict=False):
            if cell is not None:
                column.values.append(cell)
    title = re.sub(r"[_-]+", " ", path.stem).strip() or "Survey"
    return columns, title


def _spss_labels(path: Path, columns: list[Column]) -> None:
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)
    except Exception as exc:  # noqa: BLE001 - open_table has read it; a second failure is the file's
        raise ImportValidationError(f"{path.name}: the SPSS labels cannot be read ({exc}).") from None
    labels = meta.column_names_to_labels or {}
    value_labels = meta.variable_value_labels or {}
    missing_ranges = getattr(meta, "missing_ranges", None) or {}
    types = getattr(meta, "readstat_variable_types", None) or {}
    for column in columns:
        text = labels.get(column.name)
        if text:
            column.text = text
        if types.get(column.name) == "string" and column.name not in value_labels:
            continue
        coded = value_labels.get(column.name)
        if coded:
            ranges = missing_ranges.get(column.name, [])
            choices: list[Choice] = []
            for value, label in coded.items():
                try:
                    code = int(float(value))
                except (TypeError, ValueError):
                    choices = []
                    break  # string value labels: matched as texts below
                user_missing = any(r["lo"] <= value <= r["hi"] for r in ranges if _numeric(r.get("lo")))
                choices.append(Choice(code, str(label), [], user_missing or bool(MISSING_LABEL.search(str(label)))))
            if not choices:  # a string variable with labels: its values are the answers
                choices = [
                    Choice(i, str(label), [str(value)], bool(MISSING_LABEL.search(str(label))))
                    for i, (value, label) in enumerate(coded.items(), start=1)
                ]
            column.choices = choices
            column.kind = "single_choice"
            if any(c.missing and not MISSING_LABEL.search(c.label) for c in choices):
                column.note = "codes SPSS defines as user-missing are marked missing (the import reads them as empty)"


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float)


def _nettskjema_classic(path: Path, columns: list[Column]) -> str | None:
    """The classic ``codebook-*.txt``: blocks parted by two empty lines, each ``VARIABLE<tab>LABEL`` and then,
    after one empty line, ``VALUE<tab>LABEL`` per answer option (a label ``null``: none)."""
    text = read_text(path).replace("\r\n", "\n")
    found = re.match(r"\*\s*(.+?)\s*\(id \d+\)", text)
    title = found.group(1) if found else None
    variables: dict[str, tuple[str | None, list[tuple[str, str]]]] = {}
    for block in re.split(r"\n\s*\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip() and not line.startswith("*")]
        if not lines:
            continue
        cells = [line.split("\t") for line in lines]
        name, label = cells[0][0].strip(), (cells[0][1].strip() if len(cells[0]) > 1 else "")
        options = [(c[0].strip(), c[1].strip() if len(c) > 1 else "") for c in cells[1:]]
        variables[name] = (None if label in ("", "null") else label, options)
    if not variables:
        raise ImportValidationError(
            f"{path.name}: not a Nettskjema codebook (no 'VARIABLE<tab>LABEL' lines). Fix: download the codebook "
            "from Nettskjema as text, or give the elements JSON of the v3 API (a name ending .json)."
        )
    by_key = {column_key(name): (name, spec) for name, spec in variables.items()}
    for column in columns:
        key = column_key(column.name)
        checkbox = re.fullmatch(r"(.+)_(\d+)", column.name)
        if key in by_key:
            name, (label, options) = by_key[key]
            column.text = label or name
            if options:
                column.choices = _choices(options)
                column.kind = "single_choice"
        elif checkbox and column_key(checkbox.group(1)) in by_key:
            name, (label, options) = by_key[column_key(checkbox.group(1))]
            position = int(checkbox.group(2))
            if options and 1 <= position <= len(options):
                value, option_label = options[position - 1]
                column.text = (label or name) + (f" — {option_label}" if len(options) > 1 else "")
                if column.text == name:
                    column.text = option_label or name
                column.choices = [Choice(1, option_label or value, [value] if value != option_label else [])]
                column.kind = "single_choice"
                column.note = "a checkbox: 1 (or the text) when ticked; an empty cell is no answer (not ticked)"
    return title


def _choices(options: list[tuple[str, str]]) -> list[Choice]:
    numeric = all(re.fullmatch(r"-?\d+", value) for value, _ in options)
    choices = []
    for i, (value, label) in enumerate(options, start=1):
        code = int(value) if numeric else i
        answers = [] if numeric or value == label else [value]
        shown = label if label and label != "null" else value
        choices.append(Choice(code, shown, answers, bool(MISSING_LABEL.search(shown))))
    return choices


def _nettskjema_elements(path: Path, columns: list[Column]) -> None:
    """The v3 API's elements JSON: each question's ``externalElementId`` names the report's columns."""
    try:
        elements = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportValidationError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). Fix: save the answer "
            "of /api/v3/form/FORM/elements unchanged."
        ) from None
    if isinstance(elements, dict):
        elements = elements.get("elements", [])
    if not isinstance(elements, list) or not all(isinstance(e, dict) for e in elements):
        raise ImportValidationError(
            f"{path.name}: not Nettskjema's elements JSON (a list of form elements). Fix: save the answer of "
            "/api/v3/form/FORM/elements unchanged."
        )
    by_id = {str(e["externalElementId"]): e for e in elements if e.get("externalElementId")}
    for column in columns:
        parts = column.name.split(".")
        element = by_id.get(parts[0])
        if element is None:
            continue
        kind = element.get("elementType") or ""
        text = _plain(element.get("text")) or parts[0]
        options = element.get("answerOptions") or []
        subs = {str(s.get("externalElementId")): s for s in element.get("subElements") or []}
        if len(parts) == 1 and kind in ("RADIO", "SELECT", "LINEAR_SCALE") and options:
            column.text, column.kind = text, "single_choice"
            column.choices = _choices([(str(o.get("externalAnswerOptionId")), _option_text(o)) for o in options])
        elif len(parts) == 1 and kind in ("NUMBER", "LINEAR_SCALE", "SLIDER"):
            column.text, column.kind = text, "number"
            column.low, column.high = element.get("minimumValue"), element.get("maximumValue")
        elif len(parts) == 2 and kind == "CHECKBOX":
            option = next((o for o in options if str(o.get("externalAnswerOptionId")) == parts[1]), None)
            if option is not None:
                _ticked(column, f"{text} — {_option_text(option)}", _option_text(option))
        elif len(parts) == 2 and kind == "MATRIX_RADIO" and parts[1] in subs:
            column.text = f"{text} — {_plain(subs[parts[1]].get('text')) or parts[1]}"
            column.kind = "single_choice"
            column.choices = _choices([(str(o.get("externalAnswerOptionId")), _option_text(o)) for o in options])
        elif len(parts) == 3 and kind == "MATRIX_CHECKBOX" and parts[1] in subs:
            option = next((o for o in options if str(o.get("externalAnswerOptionId")) == parts[2]), None)
            if option is not None:
                row = _plain(subs[parts[1]].get("text")) or parts[1]
                _ticked(column, f"{text} — {row} — {_option_text(option)}", _option_text(option))
        elif kind in NETTSKJEMA_IGNORED:
            column.text, column.kind, column.note = text, IGNORE, NETTSKJEMA_IGNORED[kind]
        else:
            column.text = text


def _ticked(column: Column, text: str, label: str) -> None:
    column.text, column.kind = text, "single_choice"
    column.choices = [Choice(1, label), Choice(0, NOT_SELECTED["nb"])]
    column.note = "a checkbox: 1 ticked, 0 not ticked"


def _option_text(option: dict[str, Any]) -> str:
    return _plain(option.get("text") or option.get("textOrAltText")) or str(option.get("externalAnswerOptionId"))


def _plain(text: Any) -> str:
    """Nettskjema texts may hold HTML: the words only, on one line."""
    if not isinstance(text, str):
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ").split())


# --- deciding what each column is -----------------------------------------------------------------


def _classify(column: Column) -> None:
    key = column_key(column.name)
    values = column.values
    if column.kind is not None:
        if column.kind == "single_choice" and column.choices:
            _note_unknown_answers(column)
        return
    if key in ID_NAMES or key in CREATED_NAMES or key.startswith("$"):
        column.kind = IGNORE
        column.note = "respondent key" if key in ID_NAMES else "form metadata: not stored"
        return
    if not values:
        column.kind, column.note = IGNORE, "no answers in the file"
        return
    if PERSONAL_NAME.search(column.name) or PERSONAL_NAME.search(column.text or ""):
        column.kind, column.note = IGNORE, "personal data: not stored"
        return
    if MUNICIPALITY_NAME.search(column.name) and all(re.fullmatch(r"\d{3,4}", v) for v in values):
        column.kind, column.note = IGNORE, "municipality numbers: name it under municipality_column to use it"
        return
    numbers = [_number(v) for v in values]
    distinct = list(dict.fromkeys(values))
    if all(n is not None for n in numbers):
        whole = all(n is not None and float(n).is_integer() for n in numbers)
        if POSTAL_NAME.search(column.name) and all(re.fullmatch(r"\d{3,4}", v) for v in values):
            column.kind, column.note = "postal_code", "postal codes: the import looks up the municipality"
        elif BIRTH_YEAR_NAME.search(column.name) and whole and all(1900 <= (n or 0) <= 2100 for n in numbers):
            column.kind, column.note = "year", "birth years"
        elif WEIGHT_NAME.search(column.name) and not whole:
            column.kind, column.note = IGNORE, "looks like a weight: name it under weight_column to use it"
        elif whole and len(set(numbers)) <= MAX_OPTIONS and len(values) > len(set(numbers)):
            codes = sorted({int(n) for n in numbers if n is not None})
            column.kind, column.labelled = "single_choice", False
            column.choices = [Choice(code, str(code)) for code in codes]
        else:
            column.kind = "number"
            low, high = min(n for n in numbers if n is not None), max(n for n in numbers if n is not None)
            column.note = f"observed {low:g} to {high:g}: set min and max to the allowed range"
        return
    if all(DATE_VALUE.match(v) for v in values):
        column.kind, column.note = IGNORE, "dates or times: not stored"
    elif len(distinct) <= MAX_OPTIONS and len(distinct) * 2 <= len(values):
        column.kind = "single_choice"
        column.choices = [Choice(i, text, [], bool(MISSING_LABEL.search(text))) for i, text in enumerate(distinct, 1)]
        column.note = "the answers as the file writes them, in order of appearance: reorder the codes if you like"
    else:
        column.kind, column.note = IGNORE, "free text: not stored"


def _note_unknown_answers(column: Column) -> None:
    """Answers in the file that no option names: say so in the draft (the import would refuse them)."""
    assert column.choices is not None
    known = {column_key(t) for c in column.choices for t in [c.label, *c.answers]}
    codes = {c.code for c in column.choices}
    unknown = []
    for value in dict.fromkeys(column.values):
        number = _number(value)
        if (number is not None and float(number).is_integer() and int(number) in codes) or column_key(value) in known:
            continue
        unknown.append(value)
    if unknown:
        shown = ", ".join(repr(v) for v in unknown[:5])
        column.note = (column.note + "; " if column.note else "") + f"the file also has {shown}: add options for them"


def _number(text: str) -> float | None:
    try:
        number = float(number_text(text))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


# --- writing the YAML -----------------------------------------------------------------------------


def _render(draft: Draft) -> str:
    columns = draft.columns
    variables = _variable_names(columns)
    id_column = next((c.name for c in columns if column_key(c.name) in ID_NAMES), None)
    created = next((c for c in columns if column_key(c.name) in CREATED_NAMES), None)
    dates = sorted(d for d in (_date(v) for v in (created.values if created else [])) if d is not None)
    weights = [c.name for c in columns if WEIGHT_NAME.search(c.name) and c.kind in (IGNORE, "number")]
    municipalities = [
        c.name
        for c in columns
        if MUNICIPALITY_NAME.search(c.name) and c.values and all(re.fullmatch(r"\d{3,4}", v) for v in c.values)
    ]
    postal = [c.name for c in columns if c.kind == "postal_code"]
    q = _quote
    out = [
        f"# Drafted by `fjernarbeid codebook draft` from {', '.join(draft.sources)}.",
        "# Read it through before importing. Each TODO is a decision only you can make: replace the value",
        "# after it with your choice; `fjernarbeid import survey` refuses the codebook while a TODO is left.",
        "# Question and option texts are the file's own, in nb, nn and en alike: translate them where you want.",
        "# The format is described in docs/codebook-format.md.",
        "format: 1",
        "survey:",
        f"  slug: {_slug(draft.title)}",
        f"  title: {_i18n(draft.title)}",
    ]
    if dates:
        out.append(f"  year: {dates[0].year}  # from {created.name if created else ''}: the first answer's year")
        out.append(f"  fieldwork_start: {dates[0].isoformat()}")
        out.append(f"  fieldwork_end: {dates[-1].isoformat()}")
    else:
        out.append("  # TODO: which year were the answers given? (the file has no dates)")
        out.append(f"  year: {q('TODO: year')}")
    out += [
        "  # TODO: who made the survey, as it should be cited (e.g. Kvam herad (2026): Spørjeundersøking om …)",
        f"  citation: {q('TODO: citation')}",
        "  # TODO: whom do the respondents stand for? national (a sample of the whole country) or regional",
        "  # (residents of one region: national figures such as the mobility funnel are then refused)",
        f"  coverage: {q('TODO: national or regional')}",
    ]
    if id_column is not None:
        out.append(f"id_column: {q(id_column)}  # one key per respondent")
    else:
        out.append("# TODO: which column identifies a respondent? Its name, or none to use the row number")
        out.append(f"id_column: {q('TODO: which column is the respondent key?')}")
    hint = f" (perhaps: {', '.join(weights)})" if weights else " (none of the columns looks like one)"
    out.append(f"# TODO: weight? The column with survey weights{hint}, or none: every weight 1, or rake with --margins")
    out.append(f"weight_column: {q('TODO: weight?')}")
    if municipalities:
        where = f"perhaps {', '.join(municipalities)}"
    elif postal:
        where = f"or none: the postal code question ({', '.join(postal)}) gives the municipality"
    else:
        where = "or none: no geography (no postal code question was found either)"
    out.append(f"# TODO: which is the municipality? The column with 4-digit municipality numbers, {where}")
    out.append(f"municipality_column: {q('TODO: which is the municipality?')}")

    mapped = [
        (c, variables.get(c.name))
        for c in columns
        if c.kind == IGNORE and c.name != id_column or (c.kind != IGNORE and column_key(c.name) != variables[c.name])
    ]
    if mapped:
        out.append("columns:  # the file's column -> a question below, or ignore (not stored)")
        for column, variable in mapped:
            target = IGNORE if column.kind == IGNORE else variable
            note = f"  # {column.note}" if column.kind == IGNORE and column.note else ""
            out.append(f"  {q(column.name)}: {target}{note}")
    questions = [c for c in columns if c.kind not in (IGNORE, None)]
    out.append("questions:" if questions else "questions: []  # no column holds answers the dashboard can store")
    for column in questions:
        text = column.text or column.name
        out.append(f"  - variable: {variables[column.name]}")
        if column.note:
            out.append(f"    # {column.note}")
        out.append(f"    type: {column.kind}")
        if column.kind == "single_choice" and not column.labelled:
            out.append("    # TODO: what was asked, and what does each code mean? The file has codes only.")
            out.append(f"    text: {_i18n('TODO: ' + text, text)}")
        else:
            out.append(f"    text: {_i18n(text)}")
        if column.kind == "number":
            if column.low is not None:
                out.append(f"    min: {column.low:g}")
            if column.high is not None:
                out.append(f"    max: {column.high:g}")
        if column.kind == "year":
            out += ["    min: 1900", "    max: 2100"]
        if column.choices:
            out.append("    options:")
            for choice in column.choices:
                if choice.label == NOT_SELECTED["nb"]:
                    label = _i18n(NOT_SELECTED["nb"], NOT_SELECTED["nn"], NOT_SELECTED["en"])
                else:
                    label = _i18n(choice.label)
                parts = [f"code: {choice.code}", f"label: {label}"]
                if choice.missing:
                    parts.append("missing: true")
                if choice.answers:
                    parts.append("answers: [" + ", ".join(q(a) for a in choice.answers) + "]")
                out.append("      - {" + ", ".join(parts) + "}")
    return "\n".join(out) + "\n"


def _variable_names(columns: list[Column]) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = set()
    for position, column in enumerate(columns, start=1):
        name = _identifier(column.name)
        if not name or len(name) > VARIABLE_MAX or len(column.name.split()) > 3:
            name = f"q{position}"
        base, n = name, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[column.name] = name
    return names


def _identifier(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if text and not text[0].isalpha():
        text = "q" + text
    return text


def _slug(title: str) -> str:
    return (_identifier(title) or "survey")[:60].strip("_") or "survey"


def _date(value: str) -> dt.date | None:
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
        if not found:
            return None
        day, month, year = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def _i18n(nb: str, nn: str | None = None, en: str | None = None) -> str:
    return f"{{nb: {_quote(nb)}, nn: {_quote(nn or nb)}, en: {_quote(en or nn or nb)}}}"
