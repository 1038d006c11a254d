"""Codebooks: the YAML description of a questionnaire (format in docs/codebook-format.md).

Loaded into pydantic models so a malformed codebook fails with the path of the bad field.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.errors import ImportValidationError

LANGS = ("nb", "nn", "en")
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
    code: int
    label: I18nText
    missing: bool = False


class SurveyMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=r"^[a-z0-9_]+$")
    title: I18nText
    year: int
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
    variable: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: str | None = None
    type: Literal["single_choice", "likert", "number", "postal_code", "year"]
    text: I18nText
    short: I18nText | None = None
    asked_if: str | None = None
    direction: str | None = None
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


class Bin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: int
    min: float
    max: float
    label: I18nText


class IndexItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variable: str
    reverse: bool = False


class DerivedSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variable: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["age_from_year", "bins", "copy", "recode", "reference", "mean_index"]
    label: I18nText
    source: str | None = None
    bins: list[Bin] = []
    map: dict[int, int] = {}
    options: list[Option] = []
    level: Literal["municipality", "county", "region", "centrality"] | None = None
    items: list[IndexItem] = []
    min_items: int = 1
    theme: str | None = None

    @model_validator(mode="after")
    def _kind_has_its_fields(self):
        need = {"age_from_year": ["source"], "bins": ["source", "bins"], "copy": ["source"],
                "recode": ["source", "map", "options"], "reference": ["level"], "mean_index": ["items"]}
        for name in need[self.kind]:
            if not getattr(self, name):
                raise ValueError(f"{self.variable}: kind {self.kind} needs {name}")
        return self


class Codebook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1] = 1
    survey: SurveyMeta
    questions: list[QuestionSpec]
    derived: list[DerivedSpec] = []

    @model_validator(mode="after")
    def _references_resolve(self):
        names = [q.variable for q in self.questions] + [d.variable for d in self.derived]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"variables defined twice: {sorted(duplicates)}")
        known = {q.variable for q in self.questions}
        for d in self.derived:
            sources = [d.source] if d.source else []
            sources += [i.variable for i in d.items]
            for s in sources:
                if s not in known:
                    raise ValueError(f"{d.variable}: source {s!r} is not defined before it")
            known.add(d.variable)
        return self

    def question(self, variable: str) -> QuestionSpec:
        return next(q for q in self.questions if q.variable == variable)


def load_codebook(path: Path) -> Codebook:
    """Read a codebook YAML file, following ``extends``.

    Raises:
        ImportValidationError: unreadable YAML or a field that does not fit the format.
    """
    data = _read_yaml(path)
    base_name = data.pop("extends", None)
    if base_name:
        base = _read_yaml(path.parent / base_name)
        base.pop("extends", None)
        merged_survey = {**base.get("survey", {}), **data.get("survey", {})}
        data = {**base, **data, "survey": merged_survey}
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        lines = [f"  - {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:30]]
        raise ImportValidationError(
            f"{path.name}: the codebook does not follow the format (docs/codebook-format.md):\n" + "\n".join(lines)
        ) from None


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportValidationError(f"{path}: codebook not found.") from None
    except yaml.YAMLError as exc:
        raise ImportValidationError(f"{path.name}: not valid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise ImportValidationError(f"{path.name}: a codebook must be a YAML mapping.")
    return data
