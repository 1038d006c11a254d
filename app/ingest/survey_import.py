"""``fjernarbeid import survey``: validate a respondent file against its codebook, then write it
in one transaction — all or nothing.

Flow: hash the file → (same file already imported? say so and stop) → read and validate every
cell, collecting all problems → derive variables → weights (column, raking, or 1 with a
warning) → replace or create the survey → COPY respondents and answers → record the batch.
Cells are kept as compact numpy columns, so memory grows with respondents × questions as
numbers, never as Python objects per cell.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.models import AnswerOption, Question, Survey, SurveyReader
from app.errors import ImportValidationError
from app.ingest.batches import last_succeeded_sha256, record_failed_import, record_import, sha256_of
from app.ingest.codebook import IGNORE, NONE, Codebook, DerivedSpec, QuestionSpec, column_key, load_codebook
from app.ingest.problems import Problems
from app.ingest.progress import CHECK_EVERY, Progress, no_progress
from app.ingest.raking import Margin, rake, read_margin
from app.ingest.reference_lookup import ReferenceLookup
from app.ingest.tables import Table, leading_zero, number_text, open_table
from app.ingest.vectors import rebuild_answer_vectors

log = logging.getLogger(__name__)

ID_COLUMNS = ("id",)
WEIGHT_COLUMNS = ("vekt", "weight")
MUNICIPALITY_COLUMN = "kommunenummer"
KIND = "survey"
SLUG_MAX = 60  # survey.slug and import_batch.survey_slug
SLUG = re.compile(rf"[a-z0-9_]{{1,{SLUG_MAX}}}")
KEY_MAX = 60  # respondent.respondent_key
LOCK_CLASS = 0x464A  # first key of the advisory lock an import takes per survey slug ("FJ")


@dataclass
class ImportResult:
    survey_slug: str
    status: str  # succeeded | unchanged
    respondents: int = 0
    answers: int = 0
    warnings: list[str] = field(default_factory=list)
    batch_id: int | None = None

    def summary(self) -> str:
        if self.status == "unchanged":
            return (
                f"{self.survey_slug}: this exact file (same sha256) is already imported; nothing changed. "
                "Use --replace to import it again."
            )
        return f"{self.survey_slug}: imported {self.respondents} respondents and {self.answers} answers."


def import_survey(
    session: Session,
    path: Path,
    codebook_path: Path,
    slug: str | None = None,
    replace: bool = False,
    margin_paths: list[Path] | None = None,
    created_by: str | None = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Import ``path`` into survey ``slug`` (default: the codebook's) inside ``session``'s transaction.

    The caller commits. On any problem an ImportValidationError lists all of them and nothing
    has been written; ``record_failure`` logs the attempt afterwards. ``progress`` hears each step
    (``app/ingest/progress.py``) and may raise to stop the import.

    Raises:
        ImportValidationError: the codebook, file or margins do not validate.
    """
    progress("read")
    codebook = load_codebook(codebook_path)
    slug = slug or codebook.survey.slug
    if not SLUG.fullmatch(slug):
        raise ImportValidationError(
            f"--survey {slug!r}: a survey slug is 1 to {SLUG_MAX} characters a-z, 0-9 or _. "
            "Fix: choose a slug such as hardanger2026."
        )
    table = open_table(path)  # refuses a missing, binary or wrongly encoded file before anything else
    digest = sha256_of(path)

    # Imports of one survey take turns: the second waits here until the first has committed or
    # rolled back, then sees its result (the lock is released with this transaction).
    existed_before_wait = _lock_survey(session, slug)
    existing = session.scalar(select(Survey).where(Survey.slug == slug))
    if existing is not None and not replace:
        if last_succeeded_sha256(session, KIND, slug) == digest:  # the survey holds this file's data
            batch = record_import(session, path, digest, KIND, "unchanged", created_by, slug)
            return ImportResult(slug, "unchanged", batch_id=batch.id)
        if existed_before_wait is False:
            raise _finished_first(path, slug)
        raise ImportValidationError(
            f"{path.name}: survey {slug!r} already has data from another file. "
            "Fix: add --replace to swap its data for this file, or give --survey a new slug."
        )

    lookup = ReferenceLookup.load(session)
    parsed = _read_and_validate(table, codebook, lookup, progress)
    warnings = list(parsed.warnings)
    derived = _derive(parsed, codebook, lookup)
    progress("weights")
    weights = _weights(parsed, derived, margin_paths or [], path, warnings)
    progress("save")

    kept_access = None
    if existing is not None:  # a new file for the survey keeps who may see it (app/db/visibility.py)
        readers = list(session.scalars(select(SurveyReader.user_id).where(SurveyReader.survey_id == existing.id)))
        kept_access = (existing.visibility, existing.region_id, readers)
        session.execute(delete(Survey).where(Survey.id == existing.id))
        session.flush()
    try:
        survey = _create_survey(session, codebook, slug, parsed, derived, lookup)
        if kept_access is not None:
            survey.visibility, survey.region_id = kept_access[0], kept_access[1]
            session.add_all(SurveyReader(survey_id=survey.id, user_id=user_id) for user_id in kept_access[2])
            session.flush()
    except IntegrityError as exc:
        # The advisory lock makes imports of one slug take turns; a survey created some other way
        # in the meantime still ends here, as a message rather than a traceback.
        orig = exc.orig
        if (
            getattr(orig, "sqlstate", None) == "23505"
            and getattr(getattr(orig, "diag", None), "table_name", None) == "survey"
        ):
            raise _finished_first(path, slug) from None
        raise
    batch = record_import(session, path, digest, KIND, "succeeded", created_by, slug, len(parsed.keys), warnings)
    answers = _copy_rows(session, survey, parsed, derived, weights, batch.id)
    # Fresh statistics, so the planner does not pick nested loops over a table it thinks is
    # small: before building the wide rows from the answers, and for the queries after.
    session.execute(text("ANALYZE respondent"))
    session.execute(text("ANALYZE answer"))
    rebuild_answer_vectors(session, survey.id)
    session.execute(text("ANALYZE answer_vector"))
    return ImportResult(slug, "succeeded", len(parsed.keys), answers, warnings, batch.id)


def record_failure(
    session: Session,
    path: Path,
    codebook_slug: str | None,
    error: Exception,
    created_by: str | None = None,
    codebook_path: Path | None = None,
) -> None:
    """Log a failed import as a batch (in its own transaction, after the data rollback).

    Without a slug, the codebook's is used when the codebook can be read.
    """
    path = Path(path)
    if codebook_slug is None and codebook_path is not None:
        try:
            codebook_slug = load_codebook(Path(codebook_path)).survey.slug
        except ImportValidationError:
            pass
    record_failed_import(session, path, error, KIND, created_by, codebook_slug[:SLUG_MAX] if codebook_slug else None)


def _lock_survey(session: Session, slug: str) -> bool | None:
    """Take the transaction-level advisory lock for ``slug``.

    Returns None when it was free; when another import held it, whether the survey existed
    before waiting for that import to end.
    """
    params = {"class": LOCK_CLASS, "slug": slug}
    if session.scalar(text("SELECT pg_try_advisory_xact_lock(:class, hashtext(:slug))"), params):
        return None
    existed = session.scalar(select(Survey.id).where(Survey.slug == slug)) is not None
    log.info("Another import of survey %r is running; waiting for it to finish …", slug)
    session.execute(text("SELECT pg_advisory_xact_lock(:class, hashtext(:slug))"), params)
    return existed


def _finished_first(path: Path, slug: str) -> ImportValidationError:
    return ImportValidationError(
        f"{path.name}: another import of survey {slug!r} finished first, so this one stopped; nothing was imported "
        "from this file. Fix: run it again with --replace to swap that import's data for this file, "
        "or give --survey a new slug."
    )


# --- reading and validation ---------------------------------------------------------------


@dataclass
class Parsed:
    rows: list[int]  # each respondent's row number in the file
    keys: list[str]
    columns: dict[str, np.ndarray]  # variable -> float array, NaN = empty
    postal: list[str | None]
    kommunenummer: list[str | None]
    weight: np.ndarray | None
    warnings: list[str]


def _read_and_validate(
    table: Table, codebook: Codebook, lookup: ReferenceLookup, progress: Progress = no_progress
) -> Parsed:
    problems = Problems(table.path.name)
    questions = {q.variable: q for q in codebook.questions}
    table, shown, ignored = _mapped_table(table, codebook, problems)
    row_keys = _is_none(codebook.id_column)  # no key column: the row number is the key
    weight_names: tuple[str, ...] = WEIGHT_COLUMNS if codebook.weight_column is None else ("weight",)
    if _is_none(codebook.weight_column):
        weight_names = ()
    known = set(questions) | set(ID_COLUMNS) | set(weight_names) | {MUNICIPALITY_COLUMN} | ignored
    columns = table.columns(
        problems,
        known,
        lambda name: (
            "a column defined in the codebook",
            "remove the column, add the variable to the codebook, or name it under columns: with ignore",
        ),
    )
    seen = columns.index
    for name, position in seen.items():  # problems name a column as the file's heading writes it
        shown.setdefault(name, table.header[position])
    if "id" not in seen and not row_keys:
        problems.add(
            1,
            "id",
            None,
            "a respondent key column named id",
            "add an id column with one key per respondent, or name the key column in the codebook "
            "(id_column: NAME, or id_column: none to use the row number)",
        )
    for variable in questions:
        if variable not in seen:
            problems.add(
                1,
                variable,
                None,
                f"a column for codebook variable {variable}",
                "add the column (empty cells are allowed for questions not asked), or map the file's column to it "
                "under columns:",
            )
    weight_columns = [c for c in weight_names if c in seen]
    if len(weight_columns) > 1:
        problems.add(1, "weight", None, "one weight column", "keep either vekt or weight")
    problems.raise_if_any()

    columns_idx = {v: seen[v] for v in questions}
    values: dict[str, list[float]] = {v: [] for v in questions}
    row_numbers: list[int] = []
    keys: list[str] = []
    key_rows: dict[str, int] = {}
    postal: list[str | None] = []
    kommune: list[str | None] = []
    weights: list[float] = []
    weight_idx = seen[weight_columns[0]] if weight_columns else None
    kommune_idx = seen.get(MUNICIPALITY_COLUMN)
    postal_question = next((q for q in codebook.questions if q.type == "postal_code"), None)
    padded = 0

    total = table.size_hint
    progress("check", 0, total)
    for checked, (row_number, cells) in enumerate(table.rows(problems), start=1):
        if checked % CHECK_EVERY == 0:
            progress("check", checked, max(total, checked) if total is not None else None)
        columns.check_unnamed(
            row_number, cells, problems, "give the column a codebook variable's name in row 1, or remove the value"
        )
        row_numbers.append(row_number)
        key = str(row_number) if row_keys else cells[seen["id"]]
        if key is None:
            problems.add(row_number, shown.get("id", "id"), None, "a respondent key", "give every row a unique id")
        elif len(key) > KEY_MAX:
            problems.add(
                row_number,
                shown.get("id", "id"),
                key,
                f"a respondent key of at most {KEY_MAX} characters",
                "shorten the id (it only has to be unique within the file)",
            )
        elif key in key_rows:
            problems.add(
                row_number,
                shown.get("id", "id"),
                key,
                "a key used once",
                f"the same id is on row {key_rows[key]}; give each respondent its own id",
            )
        else:
            key_rows[key] = row_number
        keys.append(key or "")

        row_kommune = None
        if kommune_idx is not None:
            raw = cells[kommune_idx]
            if raw is not None:
                fixed = leading_zero(raw)
                padded, raw = padded + (fixed != raw), fixed
                if raw not in lookup.municipalities:
                    problems.add(
                        row_number,
                        shown.get(MUNICIPALITY_COLUMN, MUNICIPALITY_COLUMN),
                        raw,
                        "a municipality number of the 2024 structure (4 digits, e.g. 4622)",
                        "correct the number or leave the cell empty",
                    )
                else:
                    row_kommune = raw
        kommune.append(row_kommune)

        row_postal = None
        for variable, question in questions.items():
            raw = cells[columns_idx[variable]]
            if question.type == "postal_code":
                if raw is not None:
                    fixed = leading_zero(raw)
                    padded, raw = padded + (fixed != raw), fixed
                if raw is not None and not (raw.isdigit() and len(raw) == 4):
                    problems.add(
                        row_number,
                        shown.get(variable, variable),
                        raw,
                        "a 4-digit postal code",
                        "write the postal code, e.g. 5600",
                    )
                    raw = None
                elif raw is not None and raw not in lookup.postal_to_municipality and row_kommune is None:
                    problems.add(
                        row_number,
                        shown.get(variable, variable),
                        raw,
                        "a postal code in Posten's register (January 2026)",
                        "correct the postal code, or add a kommunenummer column for this respondent",
                    )
                    raw = None
                else:
                    row_postal = raw
                values[variable].append(np.nan if raw is None else float(raw))
                continue
            values[variable].append(_parse_value(raw, question, row_number, problems, shown.get(variable)))
        postal.append(row_postal)

        if weight_idx is not None:
            raw = cells[weight_idx]
            try:
                weight = float(str(raw).replace(",", "."))
            except (TypeError, ValueError):
                weight = np.nan
            if not weight > 0 or not np.isfinite(weight):
                problems.add(
                    row_number,
                    table.header[weight_idx],
                    raw,
                    "a positive number",
                    "every respondent needs a weight above 0; fix or remove the weight column",
                )
            weights.append(weight)

    progress("check", len(row_numbers), len(row_numbers))
    if not keys and not problems:
        problems.add(None, None, None, "at least one respondent row", "the file has a header but no data")
    problems.raise_if_any()

    warnings = []
    if padded:
        warnings.append(
            f"{padded} postal codes or municipality numbers had lost their leading zero "
            "(3 digits) and were read with it, e.g. 0301."
        )
    if postal_question is None and kommune_idx is None:
        warnings.append("No postal code question and no kommunenummer column: no geography can be derived.")
    return Parsed(
        rows=row_numbers,
        keys=keys,
        columns={v: np.array(values[v], dtype=float) for v in questions},
        postal=postal,
        kommunenummer=kommune,
        weight=np.array(weights) if weight_idx is not None else None,
        warnings=warnings,
    )


def _mapped_table(table: Table, codebook: Codebook, problems: Problems) -> tuple[Table, dict[str, str], set[str]]:
    """``table`` with its columns named as the codebook's ``columns``, ``id_column``, ``weight_column`` and
    ``municipality_column`` say; the file's own name of each renamed column (to name it in problems) and the
    names given to the ignored columns."""
    targets = {column_key(name): target for name, target in codebook.columns.items()}
    roles = {
        "id": codebook.id_column,
        "weight": codebook.weight_column,
        MUNICIPALITY_COLUMN: codebook.municipality_column,
    }
    for role, name in roles.items():
        if name is not None and not _is_none(name):
            targets[column_key(name)] = role  # wins over columns: (a drafted weight column is listed as ignore)
    if not targets:
        return table, {}, set()
    header: list[str] = []
    shown: dict[str, str] = {}
    ignored: set[str] = set()
    found: set[str] = set()
    for position, name in enumerate(table.header):
        target = targets.get(column_key(name))
        if target is None:
            header.append(name)
            continue
        found.add(column_key(name))
        if target == IGNORE:
            target = f"\x00ignored column {position + 1}"
            ignored.add(target)
        else:
            shown[target] = name
        header.append(target)
    named = {column_key(name): name for name in codebook.columns}
    named.update({column_key(n): n for n in roles.values() if n is not None and not _is_none(n)})
    for key, name in named.items():
        if key not in found:
            problems.add(
                1,
                name,
                None,
                "the column the codebook names (columns:, id_column:, weight_column: or municipality_column:)",
                "correct the name in the codebook to the file's column heading, or remove it there",
            )
    return dataclasses.replace(table, header=header), shown, ignored


def _is_none(name: str | None) -> bool:
    return name is not None and name.strip().casefold() == NONE


def _parse_value(
    raw: str | None, question: QuestionSpec, row: int, problems: Problems, column: str | None = None
) -> float:
    if raw is None:
        return np.nan
    column = column or question.variable
    text = number_text(raw)
    try:
        number = float(text)
        if not np.isfinite(number):
            raise ValueError(text)
    except ValueError:
        if question.options:
            codes = question.answer_texts.get(column_key(raw), set())
            if len(codes) == 1:
                return float(next(iter(codes)))
            labels = ", ".join(repr(o.label.nb) for o in question.options[:8])
            more = ", …" if len(question.options) > 8 else ""
            if codes:
                expected = f"a text that names one option (it matches the options {sorted(codes)})"
                fix = "give the options different labels in the codebook, or write the code"
            else:
                expected = f"an answer code or an option's label ({labels}{more}), ignoring case and spaces"
                fix = (
                    "correct the answer, or add the text to the option's answers: in the codebook, or leave the "
                    "cell empty for no answer"
                )
            problems.add(row, column, raw, expected, fix)
            return np.nan
        problems.add(row, column, raw, "a number", "write the value as digits, or leave the cell empty")
        return np.nan
    if question.options:
        if not number.is_integer() or int(number) not in question.codes:
            allowed = ", ".join(str(c) for c in sorted(question.codes))
            problems.add(
                row,
                column,
                raw,
                f"one of the codes {allowed}",
                "use a code from the codebook, or leave the cell empty for no answer",
            )
            return np.nan
        return number
    low, high = question.min, question.max
    if (low is not None and number < low) or (high is not None and number > high):
        what = "birth year" if question.type == "year" else "value"
        if low is not None and high is not None:
            bounds = f"between {low:g} and {high:g}"
        else:  # a codebook may give only one of min and max
            bounds = f"of at least {low:g}" if low is not None else f"of at most {high:g}"
        problems.add(
            row,
            column,
            raw,
            f"a {what} {bounds}",
            "correct the value, or leave the cell empty if it is unknown",
        )
        return np.nan
    if question.type == "year" and not (number.is_integer() and 1900 <= number <= 2100):
        problems.add(
            row,
            column,
            raw,
            "a whole year between 1900 and 2100, e.g. 1985",
            "write the year with four digits",
        )
        return np.nan
    return number


# --- derived variables --------------------------------------------------------------------


@dataclass
class DerivedColumn:
    spec: DerivedSpec
    values: np.ndarray  # float, NaN = missing
    is_number: bool
    options: list[tuple[int, dict[str, str], bool]]  # code, label, is_missing


def _derive(parsed: Parsed, codebook: Codebook, lookup: ReferenceLookup) -> list[DerivedColumn]:
    columns = dict(parsed.columns)
    question_options = {
        q.variable: [(o.code, o.label.as_dict(), o.missing) for o in q.options] for q in codebook.questions
    }
    kommunenummer = [
        k or lookup.postal_to_municipality.get(p or "")
        for k, p in zip(parsed.kommunenummer, parsed.postal, strict=False)
    ]
    result: list[DerivedColumn] = []
    for spec in codebook.derived:
        options: list[tuple[int, dict[str, str], bool]] = []
        is_number = False
        values: np.ndarray
        if spec.kind == "reference":
            level = spec.level
            assert level is not None  # DerivedSpec requires a level for this kind
            codes = [lookup.level_code(k, level) if k else None for k in kommunenummer]
            values = np.array([np.nan if c is None else c for c in codes], dtype=float)
            options = [(c, lookup.level_label(c, level), False) for c in lookup.level_codes(level)]
        elif spec.kind == "mean_index":
            items = []
            for item in spec.items:
                raw = columns[item.variable].copy()
                question = codebook.question(item.variable)
                raw[np.isin(raw, list(question.missing_codes))] = np.nan
                scale_max = max(question.codes - question.missing_codes)
                scale_min = min(question.codes - question.missing_codes)
                items.append(scale_max + scale_min - raw if item.reverse else raw)
            stacked = np.vstack(items)
            answered = np.sum(~np.isnan(stacked), axis=0)
            totals = np.nansum(stacked, axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                values = totals / answered
            values[answered < max(spec.min_items, 1)] = np.nan
            is_number = True
        else:
            assert spec.source is not None  # DerivedSpec requires a source for the other kinds
            source = columns[spec.source]
            if spec.kind == "age_from_year":
                values, is_number = codebook.survey.year - source, True
            elif spec.kind == "bins":
                values = np.full(len(source), np.nan)
                for b in spec.bins:
                    values[(source >= b.min) & (source <= b.max)] = b.code
                options = [(b.code, b.label.as_dict(), False) for b in spec.bins]
            elif spec.kind == "copy":
                values, options = source.copy(), question_options[spec.source]
            else:  # recode
                values = np.full(len(source), np.nan)
                for old, new in spec.map.items():
                    values[source == old] = new
                options = [(o.code, o.label.as_dict(), o.missing) for o in spec.options]
        columns[spec.variable] = values
        question_options[spec.variable] = options
        result.append(DerivedColumn(spec, values, is_number, options))
    parsed.columns.update({d.spec.variable: d.values for d in result})
    parsed.kommunenummer = kommunenummer
    return result


# --- weights ------------------------------------------------------------------------------


def _weights(
    parsed: Parsed, derived: list[DerivedColumn], margin_paths: list[Path], path: Path, warnings: list[str]
) -> np.ndarray:
    n = len(parsed.keys)
    if parsed.weight is not None:
        if margin_paths:
            warnings.append("The file has a weight column; --margins was ignored.")
        return parsed.weight
    if margin_paths:
        margins: list[Margin] = [read_margin(p) for p in margin_paths]
        for margin in margins:
            unknown = Problems(margin.source)
            for variable in margin.variables:
                if variable not in parsed.columns:
                    unknown.add(
                        1,
                        variable,
                        None,
                        "a codebook or derived variable",
                        "name margin columns after codebook or derived variables, e.g. age_group, gender",
                    )
            unknown.raise_if_any()
        derived_names = {d.spec.variable for d in derived}
        problems = Problems(path.name)
        frame = {}
        for variable in dict.fromkeys(v for margin in margins for v in margin.variables):
            column = parsed.columns[variable]
            for i in np.flatnonzero(np.isnan(column)):
                problems.add(
                    parsed.rows[i],
                    variable,
                    None,
                    f"a value of {variable}, needed for weighting to the margins",
                    ("fill in the answers it is derived from" if variable in derived_names else "fill in the answer")
                    + ", or supply a weight column instead of --margins",
                )
            frame[variable] = column
        problems.raise_if_any()
        frame = {variable: column.astype(int) for variable, column in frame.items()}
        return rake(pd.DataFrame(frame), margins)
    warnings.append("No weight column and no --margins: every respondent has weight 1, so estimates are unweighted.")
    return np.ones(n)


# --- writing ------------------------------------------------------------------------------


def _create_survey(
    session: Session,
    codebook: Codebook,
    slug: str,
    parsed: Parsed,
    derived: list[DerivedColumn],
    lookup: ReferenceLookup,
) -> Survey:
    meta = codebook.survey
    survey = Survey(
        slug=slug,
        title=meta.title.as_dict(),
        year=meta.year,
        fieldwork_start=meta.fieldwork_start,
        fieldwork_end=meta.fieldwork_end,
        population=meta.population.as_dict() if meta.population else None,
        weighting=meta.weighting.as_dict() if meta.weighting else None,
        citation=meta.citation,
        is_synthetic=meta.is_synthetic,
        synthetic_note=meta.synthetic_note.as_dict() if meta.synthetic_note else None,
        coverage=meta.coverage,
        codebook=codebook.model_dump(mode="json"),
    )
    position = 0
    for q in codebook.questions:
        position += 1
        survey.questions.append(
            Question(
                variable=q.variable,
                position=position,
                theme=q.theme,
                type=q.type,
                text=q.text.as_dict(),
                short=q.short.as_dict() if q.short else None,
                direction=q.direction,
                asked_if=q.asked_if,
                min_value=q.min,
                max_value=q.max,
                is_derived=False,
                options=[
                    AnswerOption(code=o.code, label=o.label.as_dict(), position=i, is_missing=o.missing)
                    for i, o in enumerate(q.options)
                ],
            )
        )
    for d in derived:
        position += 1
        survey.questions.append(
            Question(
                variable=d.spec.variable,
                position=position,
                theme=d.spec.theme or "derived",
                type="derived_number" if d.is_number else "derived_code",
                text=d.spec.label.as_dict(),
                short=d.spec.label.as_dict(),
                is_derived=True,
                options=[
                    AnswerOption(
                        code=c,
                        label=label,
                        position=i,
                        is_missing=m,
                        min_value=bins[c].min if c in bins else None,
                        max_value=bins[c].max if c in bins else None,
                    )
                    for bins in [{b.code: b for b in d.spec.bins}]
                    for i, (c, label, m) in enumerate(d.options)
                ],
            )
        )
    session.add(survey)
    session.flush()
    return survey


def _copy_rows(
    session: Session, survey: Survey, parsed: Parsed, derived: list[DerivedColumn], weights: np.ndarray, batch_id: int
) -> int:
    connection = session.connection().connection.driver_connection
    assert connection is not None  # the session's connection is checked out and open
    birth = next((q.variable for q in survey.questions if q.type == "year"), None)
    gender = parsed.columns.get("gender")
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY respondent (survey_id, respondent_key, weight, kommunenummer, postal_code, "
            "birth_year, gender, import_batch_id) FROM STDIN"
        ) as copy:
            for i, key in enumerate(parsed.keys):
                copy.write_row(
                    (
                        survey.id,
                        key,
                        float(weights[i]),
                        parsed.kommunenummer[i],
                        parsed.postal[i],
                        _int_or_none(parsed.columns[birth][i]) if birth else None,
                        _int_or_none(gender[i]) if gender is not None else None,
                        batch_id,
                    )
                )
        cursor.execute("SELECT respondent_key, id FROM respondent WHERE survey_id = %s", (survey.id,))
        ids = dict(cursor.fetchall())
        written = 0
        number_types = {"number", "year", "postal_code", "derived_number"}
        respondent_ids = np.array([ids[key] for key in parsed.keys], dtype=np.int64)
        with cursor.copy("COPY answer (respondent_id, question_id, code, number) FROM STDIN") as copy:
            for question in survey.questions:
                column = parsed.columns[question.variable]
                present = np.flatnonzero(~np.isnan(column))
                qid = question.id
                if question.type in number_types:
                    rows = zip(respondent_ids[present].tolist(), column[present].tolist(), strict=False)
                    for rid, value in rows:
                        copy.write_row((rid, qid, None, value))
                else:
                    rows = zip(
                        respondent_ids[present].tolist(), column[present].astype(np.int64).tolist(), strict=False
                    )
                    for rid, code in rows:
                        copy.write_row((rid, qid, code, None))
                written += len(present)
    return written


def _int_or_none(value: float) -> int | None:
    return None if np.isnan(value) else int(value)
