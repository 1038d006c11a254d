"""Codebooks: the YAML description of a questionnaire (format in docs/codebook-format.md).

Loaded into pydantic models so a malformed codebook fails with the path of the bad field.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app import resources
from app.errors import ImportValidationError
from app.ingest.problems import Problems, document_error
from app.ingest.tables import bad_byte, check_text_limits

LANGS = ("nb", "nn", "en")
# Bounds of the database columns the codebook ends up in, so a codebook that fits the format
# also fits the tables (an answer code is a SMALLINT, a variable name at most 60 characters …).
Code = Annotated[int, Field(ge=-32768, le=32767)]
Variable = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Theme = Annotated[str, Field(max_length=40)]
ANSWER_TYPES = ("single_choice", "likert", "number", "postal_code", "year")


class I18nText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nb: str
    nn: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"nb": self.nb, "nn": self.nn, "en": self.en}


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    label: I18nText
    missing: bool = False
    # texts a data file may hold for this option besides its labels (e.g. Nettskjema's "Ja" for a
    # checkbox whose label is the whole sentence); matched like the labels, ignoring case and spaces
    answers: list[str] = []


class SurveyMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    title: I18nText
    year: int = Field(ge=1900, le=2100)
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date | None = None
    population: I18nText | None = None
    weighting: I18nText | None = None
    citation: str
    is_synthetic: bool = False
    synthetic_note: I18nText | None = None
    # whom the sample represents: the whole country's target population, or residents of one region
    coverage: Literal["national", "regional"] = "national"

    @model_validator(mode="after")
    def _synthetic_needs_note(self):
        if self.is_synthetic and self.synthetic_note is None:
            raise ValueError("a synthetic survey needs synthetic_note (nb, nn, en)")
        return self


class QuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variable: Variable
    theme: Theme | None = None
    type: Literal["single_choice", "likert", "number", "postal_code", "year"]
    text: I18nText
    short: I18nText | None = None
    asked_if: str | None = Field(None, max_length=200)
    direction: str | None = Field(None, max_length=30)
    min: float | None = None
    max: float | None = None
    options: list[Option] = []

    @model_validator(mode="after")
    def _options_match_type(self):
        coded = self.type in ("single_choice", "likert")
        if coded and not self.options:
            raise ValueError(f"{self.variable}: a {self.type} question needs options")
        if not coded and self.options:
            raise ValueError(f"{self.variable}: a {self.type} question has no options")
        codes = [o.code for o in self.options]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{self.variable}: option codes must be unique")
        return self

    @cached_property
    def codes(self) -> frozenset[int]:
        """Allowed codes; cached because validation asks once per cell."""
        return frozenset(o.code for o in self.options)

    @cached_property
    def missing_codes(self) -> frozenset[int]:
        return frozenset(o.code for o in self.options if o.missing)

    @cached_property
    def answer_texts(self) -> dict[str, set[int]]:
        """Texts that stand for an answer code in a data file: each option's labels (every language) and
        ``answers``, compared ignoring case and runs of spaces (``column_key``); a text may name several."""
        texts: dict[str, set[int]] = {}
        for option in self.options:
            for text in [*option.label.as_dict().values(), *option.answers]:
                texts.setdefault(column_key(text), set()).add(option.code)
        return texts


class Bin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    min: float
    max: float
    label: I18nText


class IndexItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variable: str
    reverse: bool = False


class DerivedSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variable: Variable
    kind: Literal["age_from_year", "bins", "copy", "recode", "reference", "mean_index"]
    label: I18nText
    source: str | None = None
    bins: list[Bin] = []
    map: dict[int, Code] = {}
    options: list[Option] = []
    level: Literal["municipality", "county", "region", "centrality"] | None = None
    items: list[IndexItem] = []
    min_items: int = 1
    theme: Theme | None = None

    @model_validator(mode="after")
    def _kind_has_its_fields(self):
        need = {
            "age_from_year": ["source"],
            "bins": ["source", "bins"],
            "copy": ["source"],
            "recode": ["source", "map", "options"],
            "reference": ["level"],
            "mean_index": ["items"],
        }
        for name in need[self.kind]:
            if not getattr(self, name):
                raise ValueError(f"{self.variable}: kind {self.kind} needs {name}")
        if self.kind == "recode":
            unknown = sorted(set(self.map.values()) - {o.code for o in self.options})
            if unknown:
                raise ValueError(f"{self.variable}: map gives codes {unknown} that options does not list")
        return self


NATIONAL_FIGURES = ("afi_weekly_2022", "afi_daily_2022", "afi_wish_weekly_2022", "afi_agreement_2022")


class BenchmarkSpec(BaseModel):
    """A question of this survey that measures what a national figure measures (the page "The national
    picture" sets them side by side): the share answering ``categories`` of ``variable``, and in ``note``
    how the two differ in population, time and wording."""

    model_config = ConfigDict(extra="forbid")
    national: Literal[NATIONAL_FIGURES]  # type: ignore[valid-type]
    variable: Variable
    categories: list[Code] = Field(min_length=1)
    note: I18nText


class KeyFigureSpec(BaseModel):
    """A headline share of the survey (the overview's cards): the share answering ``categories``."""

    model_config = ConfigDict(extra="forbid")
    variable: Variable
    categories: list[Code] = Field(min_length=1)
    label: I18nText


class EducationGroup(BaseModel):
    """Answer codes of the survey's education variable that together match SSB 09429 levels."""

    model_config = ConfigDict(extra="forbid")
    codes: list[Code] = Field(min_length=1)
    ssb_09429: list[Annotated[str, Field(pattern=r"^[0-9a-z]{2,4}$")]] = Field(min_length=1)
    label: I18nText


class EducationCovariate(BaseModel):
    """The model-based estimates may add education as a covariate (``fjernarbeid small-area --education``):
    ``variable``'s answer codes grouped so each group is a set of SSB 09429 levels (the municipality's
    education margin). Codes in no group (e.g. "other") leave a respondent out of that model."""

    model_config = ConfigDict(extra="forbid")
    variable: Variable
    groups: list[EducationGroup] = Field(min_length=2)

    @model_validator(mode="after")
    def _groups_do_not_overlap(self):
        codes = [c for g in self.groups for c in g.codes]
        levels = [level for g in self.groups for level in g.ssb_09429]
        if len(codes) != len(set(codes)) or len(levels) != len(set(levels)):
            raise ValueError("education groups: an answer code or SSB level is in two groups")
        return self


IGNORE = "ignore"  # a ``columns`` target: the column is read past, not stored
NONE = "none"  # ``id_column``/``weight_column``/``municipality_column``: the file has no such column
ColumnName = Annotated[str, Field(min_length=1, max_length=300)]
ColumnTarget = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


def column_key(name: str) -> str:
    """A column name as the codebook and the file are compared: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


class Codebook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1] = 1
    survey: SurveyMeta
    questions: list[QuestionSpec]
    derived: list[DerivedSpec] = []
    # What the survey explorer offers (variables with answer options, questions or derived). Unset: the
    # NORCE breakdowns and filters the survey has, or else its background questions and derived groupings.
    breakdowns: list[Variable] = []
    filters: list[Variable] = []
    benchmarks: list[BenchmarkSpec] = []
    key_figures: list[KeyFigureSpec] = Field(default=[], max_length=3)
    education_covariate: EducationCovariate | None = None
    # How the data file's columns are read (see "Columns of the data file" in docs/codebook-format.md):
    # a column's name in the file -> a question's variable, or ``ignore``; the respondent key column
    # (default ``id``; ``none``: the row number); the weight column (default ``vekt`` or ``weight``;
    # ``none``: every weight 1 or --margins); the municipality-number column (default ``kommunenummer``).
    columns: dict[str, ColumnTarget] = {}
    id_column: ColumnName | None = None
    weight_column: ColumnName | None = None
    municipality_column: ColumnName | None = None

    @model_validator(mode="after")
    def _columns_resolve(self):
        questions = {q.variable for q in self.questions}
        unknown = sorted(t for t in self.columns.values() if t != IGNORE and t not in questions)
        if unknown:
            raise ValueError(f"columns: {unknown} are not questions of this codebook (or write ignore)")
        targets = [t for t in self.columns.values() if t != IGNORE]
        twice = sorted({t for t in targets if targets.count(t) > 1})
        if twice:
            raise ValueError(f"columns: more than one column is mapped to {twice}")
        keys = [column_key(k) for k in self.columns]
        if len(keys) != len(set(keys)):
            raise ValueError("columns: a column is named twice (names are compared ignoring case and spaces)")
        return self

    @model_validator(mode="after")
    def _references_resolve(self):
        names = [q.variable for q in self.questions] + [d.variable for d in self.derived]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"variables defined twice: {sorted(duplicates)}")
        known = {q.variable for q in self.questions}
        coded = {q.variable for q in self.questions if q.options}
        for d in self.derived:
            for item in d.items:
                if item.variable in known and item.variable not in coded:
                    raise ValueError(f"{d.variable}: item {item.variable!r} must be a question with answer options")
            sources = [d.source] if d.source else []
            sources += [i.variable for i in d.items]
            for s in sources:
                if s not in known:
                    raise ValueError(f"{d.variable}: source {s!r} is not defined before it")
            known.add(d.variable)
        grouping = coded | {d.variable for d in self.derived if d.kind in ("bins", "copy", "recode", "reference")}
        for b in self.benchmarks:
            if b.variable not in grouping:
                raise ValueError(f"benchmark {b.national}: {b.variable!r} is not a question with answer options")
        if self.education_covariate and self.education_covariate.variable not in grouping:
            raise ValueError(f"education_covariate: {self.education_covariate.variable!r} has no answer codes")
        for k in self.key_figures:
            if k.variable not in grouping:
                raise ValueError(f"key_figures: {k.variable!r} is not a question with answer options")
        for where, names in (("breakdowns", self.breakdowns), ("filters", self.filters)):
            unknown = [n for n in names if n not in grouping]
            if unknown:
                raise ValueError(f"{where}: {unknown} are not questions or derived variables with answer codes")
        return self

    def question(self, variable: str) -> QuestionSpec:
        return next(q for q in self.questions if q.variable == variable)


SHIPPED_CODEBOOKS = resources.seed_dir() / "codebooks"


def load_codebook(path: Path) -> Codebook:
    """Read a codebook YAML file, following ``extends``.

    Raises:
        ImportValidationError: unreadable YAML or a field that does not fit the format.
    """
    data = _read_yaml(path)
    base_name = data.pop("extends", None)
    if base_name:
        if not isinstance(base_name, str):
            raise ImportValidationError(
                f"{path.name}: extends: {base_name!r} is not a file name. Fix: write the codebook file to extend, "
                "relative to this one, e.g. extends: norce2025.yaml."
            )
        base_path = path.parent / base_name
        shipped = SHIPPED_CODEBOOKS / Path(base_name).name
        if not base_path.is_file() and shipped.is_file():
            base_path = shipped  # a questionnaire the dashboard ships (seed/codebooks), e.g. for an upload
        base = _read_yaml(base_path, f"the extends: of {path.name} (relative to that file, or in seed/codebooks)")
        base.pop("extends", None)
        surveys = [d.get("survey") or {} for d in (base, data)]
        if all(isinstance(s, dict) for s in surveys):
            data = {**base, **data, "survey": {**surveys[0], **surveys[1]}}
        else:
            data = {**base, **data}  # the format check below names the survey that is not a mapping
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        raise document_error(
            path.name,
            exc,
            f"{path.name}: the codebook does not follow the format; nothing was imported. Fix: correct the fields "
            "below as docs/codebook-format.md describes (seed/codebooks/norce2025.yaml is a full example):",
            "correct the field as docs/codebook-format.md describes",
        ) from None


def _read_yaml(path: Path, given_in: str = "--codebook") -> dict:
    fix = "Fix: see docs/codebook-format.md; seed/codebooks/norce2025.yaml is a full example."
    try:
        if path.is_file():
            check_text_limits(
                path, "codebook", "a codebook is a YAML text file of a few hundred kilobytes: check it is one"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportValidationError(f"{path}: codebook not found. Fix: check the path given in {given_in}.") from None
    except OSError as exc:
        raise ImportValidationError(f"{path}: the codebook cannot be read ({exc.strerror or exc}).") from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportValidationError(
            f"{path.name}: the codebook is not UTF-8 text ({bad_byte(raw, exc)}). "
            "Fix: save it as UTF-8 in a text editor (a codebook is a YAML text file)."
        ) from None
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and mark is not None and start.line != mark.line:
            problem += f"; {context} that starts on line {start.line + 1}"
        raise ImportValidationError(
            f"{path.name}: not valid YAML{where} ({problem}). Fix: check the indentation and quoting there; "
            "text containing ': ' or starting with a special character needs quotes."
        ) from None
    if not isinstance(data, dict):
        raise ImportValidationError(f"{path.name}: a codebook must be a YAML mapping with survey and questions. {fix}")
    _refuse_open_decisions(path, source)
    return data


# A value a drafted codebook leaves for a person to decide (``fjernarbeid codebook draft``): any text
# that starts with "TODO", e.g. ``weight_column: "TODO: weight? a column, or none"``.
TODO_MARK = re.compile(r"^\s*TODO\b")


def open_decisions(source: str) -> list[tuple[str, int, str]]:
    """The TODO values of a codebook's YAML text: (field path, line, value), in file order."""
    found: list[tuple[str, int, str]] = []

    def walk(node: yaml.Node, where: list[str]) -> None:
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and TODO_MARK.match(node.value):
                found.append((".".join(where) or "(top level)", node.start_mark.line + 1, node.value.strip()))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(key, where)  # a key can be a TODO too
                walk(value, [*where, str(key.value)])
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, [*where, str(i)])

    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return found  # safe_load has read it already; cannot happen
    if root is not None:
        walk(root, [])
    return found


def _refuse_open_decisions(path: Path, source: str) -> None:
    decisions = open_decisions(source)
    if not decisions:
        return
    problems = Problems(path.name)
    for where, line, value in decisions:
        problems.add(
            line,
            where,
            value,
            "a decision in place of the TODO",
            "replace the value with your choice as the comment above it says (docs/codebook-format.md)",
        )
    lines = "\n".join(f"  - line {line}, {where}: {value}" for where, line, value in decisions[:30])
    more = f"\n  … and {len(decisions) - 30} more" if len(decisions) > 30 else ""
    raise ImportValidationError(
        f"{path.name}: the codebook still has {len(decisions)} open decision(s) marked TODO; nothing was imported. "
        f"Fix: replace each TODO value with your choice (the comment above it says what to decide), then import "
        f"again:\n{lines}{more}",
        problems=problems.as_dicts(),
    )
