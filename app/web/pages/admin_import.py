"""Importer data: admins load a survey (with its codebook and margins), a coworking inventory or an
SSB table from the browser, with the same checks as the command line.

Two steps, each a job of the worker (``app/web/server/jobs.py``), so a 60 000-respondent file never runs inside a
request. **Check** keeps the uploaded files by reference (``app/db/uploads.py``: a random id, the file 0600
under the data directory; the browser never names a file) and runs the real importer in a transaction that
is always rolled back: the page shows every problem, or a preview (what would change; for a survey the
weighted shares of its first questions). **Import** runs the importer again on the same uploads (found from
the admin's own checked job on the server, their SHA-256 unchanged) and commits: all or nothing, logged in
``import_batch`` and the change log. While a job runs the page shows its step ("Kontrollerer rad 40 000 av
100 000") and a Cancel button (the transaction is rolled back); the job is found again from the server after
a reload or in another tab. Uploads are refused before any import when they are too large or have a name
the slot does not take; the importers then check the contents (an image or a zip bomb named .xlsx, a wrong
encoding …). The admin role is checked before an upload is decoded.

Writing survey tables needs the owner's rights: with two database roles (README: Database roles)
the import uses ``FJERNARBEID_IMPORT_DATABASE_URL``.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from flask import current_app

from app.db import jobs, uploads
from app.db.audit import record
from app.db.session import import_scope, session_scope
from app.errors import FjernarbeidError, ImportValidationError
from app.language import N_, format_number
from app.language import gettext as _
from app.web.kit.components import page_language
from app.web.kit.forms import problem_summary
from app.web.kit.page_state import parse_search
from app.web.kit.site import Page
from app.web.server import auth
from app.web.server.response_cache import do_not_cache_this_response

PATH = "/admin/import"
NAME = N_("Import data")
ROLE = "admin"

URL = "import-url"
KIND = "import-kind"
DATA = "import-data"
CODEBOOK = "import-codebook"
MARGINS = "import-margins"
TABLE = "import-ssb-table"
REPLACE = "import-replace"
CHECK = "import-check"
CONFIRM = "import-confirm"
REPORT = "import-report"
POLL = "import-poll"
CANCEL = "import-cancel"
PROGRESS = "import-progress"
NOTICE = "import-notice"
JOB_KIND = "import"
SURVEY_PARTS = "import-survey-parts"
NETTSKJEMA = "import-nettskjema"  # Nettskjema's codebook beside a data file, for a draft
DRAFT = "import-draft"
REVIEW = "import-review"  # the drafted codebook as a form
REVIEW_FIELD = "import-review-field"  # its fields: {"type": REVIEW_FIELD, "name": "survey.citation" …}
REVIEW_CHECK = "import-review-check"
SSB_PARTS = "import-ssb-parts"

FETCH = "ssb-fetch"  # «Oppdater fra SSB»: one button per table, f"{FETCH}-{table}"
FETCH_FROM = "ssb-fetch-from"
FETCH_REGION = "ssb-fetch-region"
FETCH_NOTICE = "ssb-fetch-notice"
FETCH_POLL = "ssb-fetch-poll"
FETCH_PROGRESS = "ssb-fetch-progress"
FETCH_REPORT = "ssb-fetch-report"
FETCH_JOB_KIND = "ssb_fetch"
FETCH_ALL = "all"
# The tables «Oppdater fra SSB» offers (those app/ingest/ssb_import.py reads), as the page names them.
FETCH_TABLES = {
    "07459": N_("Population by sex and age"),
    "03321": N_("Commuting between municipalities"),
    "11616": N_("Employed persons, in- and out-commuters"),
    "11618": N_("Population and employed persons 15–74"),
    "06913": N_("Birth surplus and net migration"),
    "09429": N_("Education level"),
}
FETCH_STEP = N_("Fetching answer {current} of {total} from SSB")

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one file
KINDS = {"survey": N_("Survey"), "coworking": N_("Coworking inventory"), "ssb": N_("SSB table")}
SUFFIXES = {
    "survey": {".csv", ".txt", ".xlsx", ".sav", ".zsav"},
    "codebook": {".yaml", ".yml"},
    "nettskjema": {".txt", ".json"},
    "margins": {".csv"},
    "coworking": {".csv", ".xlsx", ".geojson", ".json"},
    "ssb": {".csv", ".json"},
}
SSB_TABLES = ("07459", "03321", "11618", "06913", "09429")


def layout(lang: str, search: str = "") -> html.Div:
    def upload(component_id: str, label: str, multiple: bool = False) -> html.Div:
        return html.Div(
            [
                html.Div(label, className="fw-semibold mb-1", id=f"{component_id}-label"),
                dcc.Upload(
                    html.Div(
                        [
                            _("Drag a file here, or ", lang),
                            html.Span(_("choose a file", lang), className="text-decoration-underline"),
                        ]
                    ),
                    id=component_id,
                    multiple=multiple,
                    max_size=MAX_UPLOAD_BYTES,
                    className="import-upload",
                    className_active="import-upload active",
                ),
                html.Div(id=f"{component_id}-name", className="small text-muted", role="status"),
            ],
            className="mb-3",
        )

    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Interval(id=POLL, interval=1000, disabled=True),
            html.H1(_("Import data", lang)),
            html.P(
                _(
                    "Load a file the same way as on the command line: it is checked in full first, and nothing changes "
                    "until you confirm. The formats are described in the README and in docs/.",
                    lang,
                )
            ),
            dbc.Label(_("What to import", lang), html_for=KIND, className="fw-semibold"),
            dbc.Select(
                id=KIND,
                options=[{"label": _(t, lang), "value": k} for k, t in KINDS.items()],
                value="survey",
                className="mb-3",
            ),
            upload(DATA, _("Data file", lang)),
            html.Div(
                [
                    upload(CODEBOOK, _("Codebook (YAML)", lang)),
                    upload(MARGINS, _("Population margins (CSV, optional, one or more)", lang), multiple=True),
                    html.Details(
                        [
                            html.Summary(_("No codebook yet? Draft one from the data file", lang)),
                            html.P(
                                _(
                                    "The draft takes what the file already knows: SPSS labels, Nettskjema's codebook "
                                    "(give it below), the question texts of an Excel export, or else the answers in "
                                    "the file. You then review the questions and options, decide what is marked, and "
                                    "check and import as usual.",
                                    lang,
                                ),
                                className="small mt-2",
                            ),
                            upload(
                                NETTSKJEMA,
                                _("Nettskjema's codebook (optional: codebook-….txt or the elements .json)", lang),
                            ),
                            dbc.Button(_("Draft a codebook", lang), id=DRAFT, color="primary", outline=True),
                        ],
                        className="mb-3",
                    ),
                ],
                id=SURVEY_PARTS,
            ),
            html.Div(
                [
                    dbc.Label(_("SSB table", lang), html_for=TABLE, className="fw-semibold"),
                    dbc.Select(id=TABLE, options=[{"label": t, "value": t} for t in SSB_TABLES], value=SSB_TABLES[0]),
                ],
                id=SSB_PARTS,
                className="mb-3",
                hidden=True,
            ),
            dbc.Checkbox(
                id=REPLACE,
                label=_("Replace what is there (the survey's data; spaces not in the file)", lang),
                value=False,
                className="mb-3",
            ),
            html.Div(
                [
                    dbc.Button(_("Check", lang), id=CHECK, color="primary", className="me-2"),
                    dbc.Button(_("Import", lang), id=CONFIRM, color="success", disabled=True),
                ],
                className="mb-3",
            ),
            html.Div(id=NOTICE, role="alert"),
            html.Div(
                [
                    dbc.Progress(id=PROGRESS, value=0, className="mb-1", style={"maxWidth": "40rem"}),
                    html.Span(id=f"{PROGRESS}-step", className="small text-muted me-3"),
                    dbc.Button(_("Cancel", lang), id=CANCEL, color="secondary", outline=True, size="sm"),
                ],
                id=f"{PROGRESS}-box",
                className="mb-3",
                hidden=True,
            ),
            html.Div(id=REPORT, role="status"),
            _fetch_section(lang),
        ]
    )


def _fetch_section(lang: str) -> html.Section:
    """«Oppdater fra SSB»: one button per table; the fetch runs as a job with its progress below."""
    rows = [
        html.Li(
            [
                html.Span(f"{table} {_(title, lang)}", className="me-3"),
                dbc.Button(
                    _("Update {table} from SSB", lang).format(table=table),
                    id=f"{FETCH}-{table}",
                    color="primary",
                    outline=True,
                    size="sm",
                ),
            ],
            className="d-flex justify-content-between align-items-center mb-2",
            style={"maxWidth": "44rem"},
        )
        for table, title in FETCH_TABLES.items()
    ]
    return html.Section(
        [
            html.H2(_("Update from SSB", lang), className="h4"),
            html.P(
                _(
                    "Fetch a table's newest figures straight from Statistics Norway (SSB) and import them, checked "
                    "as a downloaded file is: all or nothing. The server needs access to the internet.",
                    lang,
                )
            ),
            html.Div(
                [
                    html.Div(
                        [
                            dbc.Label(_("From the year (empty: the newest only)", lang), html_for=FETCH_FROM),
                            dbc.Input(
                                id=FETCH_FROM, type="number", min=1980, max=2100, step=1, style={"maxWidth": "10rem"}
                            ),
                        ],
                        className="me-4",
                    ),
                    html.Div(
                        [
                            dbc.Label(_("Municipalities", lang), html_for=FETCH_REGION),
                            dbc.Select(
                                id=FETCH_REGION,
                                options=[{"label": _("All municipalities", lang), "value": FETCH_ALL}],
                                value=FETCH_ALL,
                            ),
                        ]
                    ),
                ],
                className="d-flex flex-wrap mb-3",
            ),
            html.Ul(rows, className="list-unstyled"),
            dcc.Interval(id=FETCH_POLL, interval=1000, disabled=True),
            html.Div(id=FETCH_NOTICE, role="alert"),
            html.Div(
                [
                    dbc.Progress(id=FETCH_PROGRESS, value=0, className="mb-1", style={"maxWidth": "40rem"}),
                    html.Span(id=f"{FETCH_PROGRESS}-step", className="small text-muted"),
                ],
                id=f"{FETCH_PROGRESS}-box",
                className="mb-3",
                hidden=True,
            ),
            html.Div(id=FETCH_REPORT, role="status"),
        ],
        className="mt-5",
    )


def _data_dir() -> Path:
    return Path(current_app.config["FJERNARBEID"].data_dir)


class UploadRefused(FjernarbeidError):
    pass


def _decode(slot: str, contents: str | None, name: str | None, lang: str) -> tuple[str, bytes] | None:
    """One upload's cleaned name and bytes, or None when the slot is empty (the caller has checked the role)."""
    if not contents:
        return None
    filename = uploads.clean_name(name)
    if Path(filename).suffix.lower() not in SUFFIXES[slot]:
        raise UploadRefused(
            _("{file}: this slot takes {suffixes} files.", lang).format(
                file=filename, suffixes=", ".join(sorted(SUFFIXES[slot]))
            )
        )
    payload = str(contents).partition(",")[2]
    if len(payload) * 3 // 4 > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            _("{file}: the file is larger than {mb} MB.", lang).format(file=filename, mb=MAX_UPLOAD_BYTES // 2**20)
        )
    try:
        return filename, base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UploadRefused(_("{file}: the upload arrived damaged; try again.", lang).format(file=filename)) from None


def _owner(who) -> str:
    return f"user:{who.id}"


# --- the worker's part ----------------------------------------------------------------------------------


def _run(kind: str, files: dict[str, Any], table: str | None, replace: bool, session, actor: str, report) -> Any:
    """Run the importer on the resolved files in ``session``; its result (``.summary()``: one line of what it did)."""
    if kind == "survey":
        from app.ingest.survey_import import import_survey

        return import_survey(
            session, files["survey"], files["codebook"], replace=replace, margin_paths=files.get("margins") or [],
            created_by=actor, progress=report,
        )  # fmt: skip
    if kind == "coworking":
        from app.ingest.coworking_import import import_coworking

        return import_coworking(session, files["coworking"], replace=replace, created_by=actor, progress=report)
    from app.ingest.ssb_import import import_ssb

    return import_ssb(session, files["ssb"], table, created_by=actor, progress=report)


def _before(kind: str, files: dict[str, Any], session, lang: str) -> str | None:
    """What is there now that the import would change."""
    from app.ingest.codebook import load_codebook
    from app.query.catalog import coworking_space_count, respondent_count

    if kind == "survey":
        slug = load_codebook(files["codebook"]).survey.slug
        count = respondent_count(session, slug)
        if not count:
            return _("A new survey: {slug}.", lang).format(slug=slug)
        return _("The survey {slug} has {n} respondents now; the import replaces them.", lang).format(
            slug=slug, n=count
        )
    if kind == "coworking":
        count = coworking_space_count(session)
        return _("The inventory has {n} spaces now.", lang).format(n=count)
    return None


def _preview(kind: str, files: dict[str, Any], session, lang: str, result: Any = None) -> list[dict[str, Any]]:
    """For a survey: the weighted shares of its first three questions with answer options, as they would be. For a
    coworking list: where each space's municipality was found (coordinates, postal code) and the unknown seats."""
    if kind == "coworking":
        return _coworking_preview(files["coworking"], session, lang, result)
    if kind != "survey":
        return []
    from app.ingest.codebook import load_codebook
    from app.language import format_share, pick
    from app.query.estimates import estimate_shares
    from app.web.kit import page_state

    codebook = load_codebook(files["codebook"])
    questions = [q for q in codebook.questions if q.type in ("single_choice", "likert")][:3]
    tables = []
    for question in questions:
        result = estimate_shares(session, codebook.survey.slug, question.variable, min_n=page_state.min_n())
        rows = [
            [pick(r.label, lang), format_share(r.estimate, lang) if r.estimate is not None else "–", r.n]
            for r in result.rows
        ]
        tables.append({"caption": f"{question.variable}: {pick(result.question, lang)}", "rows": rows})
    return tables


INFERRED_SHOWN = 50  # spaces listed one by one in a coworking check's preview; the rest are counted
FOUND_FROM = {"coordinates": N_("the coordinates"), "postal code": N_("the postal code")}


def _coworking_preview(path: Path, session, lang: str, result: Any) -> list[dict[str, Any]]:
    """The spaces whose municipality the check inferred (row or feature, name, municipality, from what), and how many
    have unknown seats: what a person should look at before importing."""
    from app.query.municipality import municipalities
    from app.web.kit.shared_texts import unknown_seats_text

    if result is None or getattr(result, "status", "") != "succeeded":
        return []
    names = {number: name for number, name, _slug in municipalities(session)}
    geojson = path.suffix.lower() in {".geojson", ".json"}
    tables: list[dict[str, Any]] = []
    inferred = list(result.inferred_rows)
    if inferred:
        rows = [
            [
                str(number),
                name,
                f"{kommunenummer} {names.get(kommunenummer, '')}".strip(),
                _(FOUND_FROM.get(source, source), lang),
            ]
            for number, name, kommunenummer, source in inferred[:INFERRED_SHOWN]
        ]
        rest = len(inferred) - INFERRED_SHOWN
        tables.append(
            {
                "heading": _("Preview: what the check inferred", lang),
                "caption": _("Municipality found from the coordinates or the postal code: {n} spaces", lang).format(
                    n=format_number(len(inferred), lang)
                )
                + (" " + _("(the first {shown} are listed)", lang).format(shown=INFERRED_SHOWN) if rest > 0 else ""),
                "head": [
                    _("Feature", lang) if geojson else _("Row", lang),
                    _("Space", lang),
                    _("Municipality", lang),
                    _("Found from", lang),
                ],
                "rows": rows,
                "id": "import-inferred",
            }
        )
    if result.unknown_seats:
        tables.append(
            {
                "heading": None if tables else _("Preview: what the check inferred", lang),
                "note": unknown_seats_text(result.unknown_seats, lang)
                + ": "
                + _("stored as unknown, not 0; add the number of seats where you know it.", lang),
                "id": "import-unknown-seats",
            }
        )
    return tables


def run_import_job(job: jobs.JobInfo, report) -> dict[str, Any]:
    """A check (always rolled back) or an import (committed) of the uploads the job names."""
    from app.ingest.batches import record_failed_import

    params = job.params
    kind, mode, lang, actor = params["kind"], params["mode"], params["lang"], params["actor"]
    data_dir = _data_dir()
    with session_scope() as session:
        resolved = {
            slot: [uploads.resolve(session, data_dir, u, job.owner).path for u in ids]
            if isinstance(ids, list)
            else uploads.resolve(session, data_dir, ids, job.owner).path
            for slot, ids in params["uploads"].items()
        }
    table, replace = params.get("table"), bool(params.get("replace"))
    if mode == "draft":  # nothing is written: the draft and the file's columns, for the review form
        from app.ingest.codebook_draft import drafted

        data, nettskjema = resolved["survey"], resolved.get("nettskjema")
        assert isinstance(data, Path) and not isinstance(nettskjema, list)
        text, columns = drafted(data, nettskjema, progress=report)
        return {"mode": mode, "codebook": text, "columns": columns, "file": data.name}
    try:
        with import_scope(trial=mode == "check") as session:
            before = _before(kind, resolved, session, lang) if mode == "check" else None
            result = _run(kind, resolved, table, replace, session, actor, report)
            summary = result.summary()
            report("preview")
            if mode == "check":
                return {
                    "mode": mode,
                    "summary": summary,
                    "before": before,
                    "preview": _preview(kind, resolved, session, lang, result),
                }
            record(session, actor, f"import.{kind}", "import", str(job.id), None, {"summary": summary})
    except ImportValidationError as error:
        if mode == "run":
            batch_kind = {"survey": "survey", "coworking": "coworking", "ssb": f"ssb_{table}"}[kind]
            with import_scope() as session:
                failed_file = resolved[kind]
                assert isinstance(failed_file, Path)
                record_failed_import(session, failed_file, error, batch_kind, actor)
        raise
    with session_scope() as session:
        ids = [u for v in params["uploads"].values() for u in (v if isinstance(v, list) else [v])]
        uploads.confirm_and_delete(session, data_dir, ids)
    return {"mode": mode, "summary": summary}


def run_fetch_job(job: jobs.JobInfo, report) -> dict[str, Any]:
    """«Oppdater fra SSB»: ask SSB for the table (``app/ingest/ssb_fetch.py``) and import the answers, all or
    nothing; an expected failure (no internet, SSB's refusal, an answer the importer refuses) ends the job
    with its message in the admin's language."""
    from app.ingest.batches import record_failed_import
    from app.ingest.ssb_fetch import fetch_ssb
    from app.language import error_text

    params = job.params
    table, lang, actor = params["table"], params["lang"], params["actor"]
    config = current_app.config["FJERNARBEID"]
    try:
        with import_scope() as session:
            result = fetch_ssb(
                session, table, base=config.ssb_api, first_year=params.get("first_year"),
                region=params.get("region"), created_by=actor, report=report,
            )  # fmt: skip
            summary = result.summary()
            record(session, actor, "import.ssb_fetch", "import", str(job.id), None, {"summary": summary})
    except ImportValidationError as error:  # SSB's answer was refused: logged like a refused file
        with import_scope() as session:
            record_failed_import(session, Path(f"ssb-api_{table}.json"), error, f"ssb_{table}", actor)
        raise
    except FjernarbeidError as error:
        if error.message_id:  # its values too, where they are message ids ("connection refused")
            error.values = {k: _(v, lang) if isinstance(v, str) and v else v for k, v in error.values.items()}
            raise FjernarbeidError(error_text(error, lang)) from None
        raise
    return {"table": table, "rows": result.rows, "changed": result.changed, "summary": summary}


# --- the page's part ------------------------------------------------------------------------------------


def _problems(message: str, lang: str) -> html.Div:
    """The check's refusal as an error summary: a heading, then each line of the importer's message (which names
    file, row, column and fix) as an item; the focus moves to it."""
    heading = _("The file was not imported; nothing was changed. Correct these problems and check again:", lang)
    return html.Div(problem_summary(heading, message.splitlines()), id="import-problems")


def _preview_tables(preview: list[dict[str, Any]], lang: str) -> list:
    """A check's preview: tables (a survey's weighted shares by default; ``head`` names other columns) and notes,
    under a heading (``heading``: another than the survey's, or None for none)."""
    if not preview:
        return []
    heading = preview[0].get("heading", _("Preview: weighted shares", lang))
    parts: list = [html.H3(heading, className="h5 mt-3")] if heading else []
    for table in preview:
        named = {"id": table["id"]} if table.get("id") else {}  # Dash refuses id=None
        if "note" in table:
            parts.append(html.P(table["note"], **named))
            continue
        head = table.get("head") or [_("Answer", lang), _("Share", lang), "n"]
        parts.append(
            html.Table(
                [
                    html.Caption(table["caption"]),
                    html.Thead(html.Tr([html.Th(cell, scope="col") for cell in head])),
                    html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in table["rows"]]),
                ],
                className="table table-sm import-preview",
                **named,
            )
        )
    return parts


TYPE_WORDS = {
    "single_choice": N_("one answer from the options"),
    "multi_choice": N_("several answers from the options"),
    "likert": N_("a scale"),
    "number": N_("a number"),
    "postal_code": N_("a postal code"),
    "year": N_("a year"),
}
NONE_WORDS = {
    "id_column": N_("none: the row number is the key"),
    "weight_column": N_("none: every weight 1 (or margins)"),
    "municipality_column": N_("none: from a postal code question, or no geography"),
}
COVERAGE_WORDS = {
    "national": N_("national: a sample of the whole country"),
    "regional": N_("regional: residents of one region"),
}
COLUMN_WORDS = {
    "id_column": N_("Respondent key column"),
    "weight_column": N_("Weight column"),
    "municipality_column": N_("Municipality column (4-digit numbers)"),
}


def _review_form(draft: dict[str, Any], lang: str) -> html.Div:
    """The drafted codebook in words, editable: the survey's facts, which column is the key, the weight and the
    municipality, and each question's text and option labels (or leave the question's column out). An answer
    still to decide is empty and marked; the check names any left."""
    from app.ingest.codebook_review import COVERAGES, review_of

    review = review_of(draft["codebook"], draft["columns"])
    given: dict[str, Any] = draft.get("answers") or {}
    todo = review.todo

    def value(name: str, drafted: Any) -> Any:
        return given.get(name, drafted)

    def box(name: str, label: str, control: Any, help_text: str | None = None) -> html.Div:
        control.id = {"type": REVIEW_FIELD, "name": name}
        dom_id = f'{{"name":"{name}","type":"{REVIEW_FIELD}"}}'
        decide = todo.get(name)
        parts = [dbc.Label(label, html_for=dom_id, className="fw-semibold"), control]
        if decide:
            parts.append(html.Div(_("To decide", lang) + ": " + decide, className="form-text text-danger"))
        elif help_text:
            parts.append(html.Div(help_text, className="form-text"))
        return html.Div(parts, className="mb-2")

    def column_choice(name: str) -> dbc.Select:
        options = [{"label": _("Choose …", lang), "value": ""}, {"label": _(NONE_WORDS[name], lang), "value": "none"}]
        options += [{"label": c, "value": c} for c in review.columns]
        return dbc.Select(options=options, value=value(name, getattr(review, name)))

    survey = review.survey
    facts = dbc.Row(
        [
            dbc.Col(
                box("survey.title", _("Title", lang), dbc.Input(value=value("survey.title", survey["title"]))), md=6
            ),
            dbc.Col(box("survey.year", _("Year", lang), dbc.Input(value=value("survey.year", survey["year"]))), md=2),
            dbc.Col(
                box(
                    "survey.coverage",
                    _("Whom the respondents stand for", lang),
                    dbc.Select(
                        options=[{"label": _("Choose …", lang), "value": ""}]
                        + [{"label": _(COVERAGE_WORDS[c], lang), "value": c} for c in COVERAGES],
                        value=value("survey.coverage", survey["coverage"]),
                    ),
                ),
                md=4,
            ),
            dbc.Col(
                box(
                    "survey.citation",
                    _("Citation (who made the survey)", lang),
                    dbc.Input(value=value("survey.citation", survey["citation"])),
                ),
                md=12,
            ),
        ]
        + [dbc.Col(box(name, _(COLUMN_WORDS[name], lang), column_choice(name)), md=4) for name in COLUMN_WORDS]
    )
    questions = []
    for q in review.questions:
        prefix = f"q.{q.index}"
        options = [
            html.Li(
                box(
                    f"{prefix}.o.{o.code}.label",
                    _("Code {code}", lang).format(code=o.code)
                    + (" (" + _("missing: read as no answer", lang) + ")" if o.missing else ""),
                    dbc.Input(value=value(f"{prefix}.o.{o.code}.label", o.label), size="sm"),
                )
            )
            for o in q.options
        ]
        questions.append(
            html.Fieldset(
                [
                    html.Legend(
                        f"{q.variable} · " + _("column {column}", lang).format(column=q.column) + " · "
                        f"{_(TYPE_WORDS[q.type], lang) if q.type in TYPE_WORDS else q.type}",
                        className="fs-6 fw-semibold",
                    ),
                    box(
                        f"{prefix}.text",
                        _("Question text", lang),
                        dbc.Input(value=value(f"{prefix}.text", q.text)),
                        None,
                    ),
                    html.Div(_("To decide", lang) + ": " + q.todo, className="form-text text-danger")
                    if q.todo
                    else None,
                    html.Ul(options, className="list-unstyled ms-3 mb-1") if options else None,
                    dbc.Checkbox(
                        id={"type": REVIEW_FIELD, "name": f"{prefix}.ignore"},
                        label=_("Leave this column out (not stored)", lang),
                        value=bool(value(f"{prefix}.ignore", False)),
                    ),
                ],
                className="border rounded p-2 mb-2 import-review-question",
            )
        )
    return html.Div(
        [
            html.H3(_("Review the drafted codebook", lang), className="h5 mt-3"),
            html.P(
                _(
                    "Drafted from {file}. Decide what is marked, correct the texts and labels, then check: nothing "
                    "is stored until you import.",
                    lang,
                ).format(file=draft.get("file") or "")
            ),
            facts,
            html.H4(_("Questions ({n})", lang).format(n=len(review.questions)), className="h6 mt-3"),
            *questions,
            html.P(
                _("Columns left out (not stored)", lang) + ": " + (", ".join(review.ignored) or "–"),
                className="small",
                id=f"{REVIEW}-ignored",
            ),
            dbc.Button(_("Check with this codebook", lang), id=REVIEW_CHECK, color="primary"),
        ],
        id=REVIEW,
    )


def job_report(job: jobs.JobInfo | None, lang: str) -> tuple[Any, bool, bool, int, str, bool]:
    """The page for the admin's newest import job: (report, import disabled, poll disabled, percent, step,
    progress hidden)."""
    from app.web.server.jobs import describe, percent

    if job is None:
        return None, True, True, 0, "", True
    if job.active:
        return None, True, False, percent(job), describe(job, lang), False
    result = job.result or {}
    review = job.params.get("review")  # a check of a reviewed draft: its form again, with the answers given
    if job.state == "failed":
        again = [_review_form(review, lang)] if review else []
        return html.Div([_problems(job.error or "", lang), *again]), True, True, 0, "", True
    if result.get("mode") == "draft":
        return _review_form(result, lang), True, True, 100, "", True
    if job.state == "cancelled":
        message = _("The import was cancelled; nothing was changed.", lang)
        return dbc.Alert(message, color="warning", id="import-cancelled"), True, True, 0, "", True
    if result.get("mode") == "check":
        report = dbc.Alert(
            [
                html.P(_("The check found no problems. This is what the import will do:", lang)),
                html.P(result["before"], id="import-before") if result.get("before") else None,
                html.P(result.get("summary"), className="fw-semibold", id="import-summary"),
                *_preview_tables(result.get("preview") or [], lang),
                html.P(_("Nothing has changed yet. Press Import to carry it out.", lang)),
            ],
            color="success",
        )
        return report, bool(job.params.get("confirmed")), True, 100, "", True
    done = dbc.Alert([_("Imported.", lang), " ", html.Span(result.get("summary"), id="import-done")], color="success")
    return done, True, True, 100, "", True


def fetch_report(job: jobs.JobInfo | None, lang: str) -> tuple[Any, bool, int, str, bool]:
    """The admin's newest «Oppdater fra SSB» job: (report, poll disabled, percent, step, progress hidden)."""
    from app.web.server.jobs import describe, percent

    if job is None:
        return None, True, 0, "", True
    if job.active:
        step = describe(job, lang)
        if job.state == "running" and job.step == "download" and not job.cancel_requested:
            step = _(FETCH_STEP, lang).format(
                current=format_number(job.current or 0, lang), total=format_number(job.total or 0, lang)
            )
        return None, False, percent(job), step, False
    table = job.params.get("table", "")
    if job.state != "succeeded":
        message = job.error or _("The job was cancelled; nothing was changed.", lang)
        alert = dbc.Alert(
            [html.Strong(_("SSB table {table} was not updated.", lang).format(table=table)), " ", message],
            color="danger",
            id="ssb-fetch-failed",
        )
        return alert, True, 0, "", True
    result = job.result or {}
    done = dbc.Alert(
        [
            html.P(
                _(
                    "SSB table {table} fetched and imported: {rows} rows read, {changed} inserted or changed.", lang
                ).format(
                    table=table,
                    rows=format_number(result.get("rows", 0), lang),
                    changed=format_number(result.get("changed", 0), lang),
                ),
                id="ssb-fetch-done",
                className="fw-semibold",
            ),
            html.Div(result.get("summary", ""), className="small mb-0", style={"whiteSpace": "pre-line"}),
        ],
        color="success",
    )
    return done, True, 100, "", True


def _start(who, params: dict[str, Any], lang: str, kind: str = JOB_KIND) -> Any:
    """Queue an import job for ``who``; None, or the message why not."""
    try:
        with session_scope() as session:
            job, _created = jobs.submit(session, kind, _owner(who), params)
    except jobs.JobLimitReached:
        message = _("You already have two imports waiting or running; wait until one has finished.", lang)
        return dbc.Alert(message, color="warning", id="import-limit")
    jobs.enqueue(current_app.config["FJERNARBEID"], job.id)
    return None


def register_callbacks(app) -> None:
    @app.callback(Output(SURVEY_PARTS, "hidden"), Output(SSB_PARTS, "hidden"), Input(KIND, "value"))
    def _parts(kind):
        return kind != "survey", kind != "ssb"

    for slot in (DATA, CODEBOOK, MARGINS, NETTSKJEMA):

        @app.callback(Output(f"{slot}-name", "children"), Input(slot, "filename"))
        def _chosen(name):
            if not name:
                return None
            return ", ".join(name) if isinstance(name, list) else str(name)

    @app.callback(
        Output(NOTICE, "children"),
        Output(POLL, "disabled"),
        Input(CHECK, "n_clicks"),
        State(KIND, "value"),
        State(DATA, "contents"),
        State(DATA, "filename"),
        State(CODEBOOK, "contents"),
        State(CODEBOOK, "filename"),
        State(MARGINS, "contents"),
        State(MARGINS, "filename"),
        State(TABLE, "value"),
        State(REPLACE, "value"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _check(clicks, kind, data, data_name, codebook, codebook_name, margins, margin_names, table, replace, search):
        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        who = auth.require_national(ROLE)  # before anything of the upload is decoded
        lang = page_language(parse_search(search).get("lang"))
        if kind not in KINDS:
            return dbc.Alert(_("Choose what to import.", lang), color="warning"), True
        try:
            decoded: dict[str, Any] = {kind: _decode(kind, data, data_name, lang)}
            if kind == "survey":
                decoded["codebook"] = _decode("codebook", codebook, codebook_name, lang)
                decoded["margins"] = [
                    _decode("margins", c, n, lang) for c, n in zip(margins or [], margin_names or [], strict=False)
                ]
            if not decoded[kind] or (kind == "survey" and not decoded["codebook"]):
                raise UploadRefused(_("Choose the data file (and for a survey its codebook) first.", lang))
        except UploadRefused as problem:
            return dbc.Alert(str(problem), color="danger", id="import-problems"), True
        owner = _owner(who)
        with session_scope() as session:
            uploads.delete_stale(session, _data_dir())
            stored: dict[str, Any] = {}
            for slot, value in decoded.items():
                if isinstance(value, list):
                    stored[slot] = [
                        uploads.store(session, _data_dir(), owner, slot, n, raw).id for n, raw in value if raw
                    ]
                elif value is not None:
                    stored[slot] = uploads.store(session, _data_dir(), owner, slot, value[0], value[1]).id
        params = {
            "mode": "check", "kind": kind, "uploads": stored, "table": table if kind == "ssb" else None,
            "replace": bool(replace), "lang": lang, "actor": who.name,
        }  # fmt: skip
        notice = _start(who, params, lang)
        return notice, notice is not None

    @app.callback(
        Output(NOTICE, "children", allow_duplicate=True),
        Output(POLL, "disabled", allow_duplicate=True),
        Input(CONFIRM, "n_clicks"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _confirm(clicks, search):
        """Import what this admin's newest job checked: the uploads come from that job on the server, never
        from the browser."""
        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        who = auth.require_national(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        with session_scope() as session:
            checked = jobs.latest_job(session, _owner(who), JOB_KIND)
            ready = (
                checked is not None
                and checked.state == "succeeded"
                and checked.params.get("mode") == "check"
                and not checked.params.get("confirmed")
            )
            if ready and checked is not None:
                jobs.update_params(session, checked.id, confirmed=True)  # one import per check
        if not ready or checked is None:
            return dbc.Alert(_("Check the files first.", lang), color="warning"), True
        notice = _start(who, checked.params | {"mode": "run", "confirmed": False}, lang)
        return notice, notice is not None

    @app.callback(
        Output(NOTICE, "children", allow_duplicate=True),
        Output(POLL, "disabled", allow_duplicate=True),
        Input(CANCEL, "n_clicks"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _cancel(clicks, search):
        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        who = auth.require_national(ROLE)
        with session_scope() as session:
            running = jobs.latest_job(session, _owner(who), JOB_KIND)
            if running is not None and running.active:
                jobs.cancel(session, running.id, _owner(who))
        return None, False

    @app.callback(
        Output(REPORT, "children"),
        Output(CONFIRM, "disabled"),
        Output(POLL, "disabled", allow_duplicate=True),
        Output(PROGRESS, "value"),
        Output(f"{PROGRESS}-step", "children"),
        Output(f"{PROGRESS}-box", "hidden"),
        Input(POLL, "n_intervals"),
        Input(URL, "search"),
        prevent_initial_call="initial_duplicate",
    )
    def _follow(_ticks, search):
        """The admin's newest import job as it stands: found from the server, so a reload or another tab
        shows the same progress and then the same result."""
        found = _newest_job(search, JOB_KIND)
        return job_report(*found) if found else (None, True, True, 0, "", True)

    _register_fetch(app)
    _register_draft(app)


def _register_draft(app) -> None:
    @app.callback(
        Output(NOTICE, "children", allow_duplicate=True),
        Output(POLL, "disabled", allow_duplicate=True),
        Input(DRAFT, "n_clicks"),
        State(DATA, "contents"),
        State(DATA, "filename"),
        State(NETTSKJEMA, "contents"),
        State(NETTSKJEMA, "filename"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _draft(clicks, data, data_name, nettskjema, nettskjema_name, search):
        """Draft a codebook from the survey's data file (and Nettskjema's codebook): a job, as it reads the file."""
        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        who = auth.require_national(ROLE)  # before anything of the upload is decoded
        lang = page_language(parse_search(search).get("lang"))
        try:
            decoded = {"survey": _decode("survey", data, data_name, lang)}
            decoded["nettskjema"] = _decode("nettskjema", nettskjema, nettskjema_name, lang)
            if not decoded["survey"]:
                raise UploadRefused(_("Choose the data file first.", lang))
        except UploadRefused as problem:
            return dbc.Alert(str(problem), color="danger", id="import-problems"), True
        owner = _owner(who)
        with session_scope() as session:
            uploads.delete_stale(session, _data_dir())
            stored = {
                slot: uploads.store(session, _data_dir(), owner, slot, value[0], value[1]).id
                for slot, value in decoded.items()
                if value is not None
            }
        params = {"mode": "draft", "kind": "survey", "uploads": stored, "lang": lang, "actor": who.name}
        notice = _start(who, params, lang)
        return notice, notice is not None

    @app.callback(
        Output(NOTICE, "children", allow_duplicate=True),
        Output(POLL, "disabled", allow_duplicate=True),
        Input(REVIEW_CHECK, "n_clicks"),
        State({"type": REVIEW_FIELD, "name": ALL}, "value"),
        State(REPLACE, "value"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _check_review(clicks, values, replace, search):
        """Check the data file with the codebook the review makes: the draft and the data file come from this
        admin's newest job on the server, the answers from the form."""
        from app.ingest.codebook_review import reviewed_codebook

        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update
        who = auth.require_national(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        names = [state["id"]["name"] for state in ctx.states_list[0]]
        answers = dict(zip(names, values, strict=True))
        owner = _owner(who)
        with session_scope() as session:
            latest = jobs.latest_job(session, owner, JOB_KIND)
            draft = None
            if latest is not None and latest.state == "succeeded" and (latest.result or {}).get("mode") == "draft":
                draft = {**(latest.result or {}), "uploads": latest.params["uploads"]}
            elif latest is not None and latest.params.get("review"):  # a reviewed check, refused: review again
                draft = latest.params["review"]
            if draft is None:
                return dbc.Alert(_("Draft the codebook first.", lang), color="warning"), True
            text = reviewed_codebook(draft["codebook"], draft["columns"], answers)
            name = Path(str(draft.get("file") or "survey")).stem + ".yaml"
            codebook = uploads.store(session, _data_dir(), owner, "codebook", name, text.encode("utf-8")).id
        review = {k: draft[k] for k in ("codebook", "columns", "file", "uploads") if k in draft} | {"answers": answers}
        params = {
            "mode": "check", "kind": "survey", "table": None, "replace": bool(replace), "lang": lang,
            "actor": who.name, "uploads": {"survey": draft["uploads"]["survey"], "codebook": codebook},
            "review": review,
        }  # fmt: skip
        notice = _start(who, params, lang)
        return notice, notice is not None


def _newest_job(search: str | None, kind: str):
    """(the signed-in admin's newest job of ``kind``, the page's language), or None for anyone else: found on
    the server, so a reload or another tab shows the same progress and result. Never from the response cache."""
    do_not_cache_this_response()
    who = auth.account()
    if who is None or not who.national(ROLE):
        return None
    with session_scope() as session:
        job = jobs.latest_job(session, _owner(who), kind)
    return job, page_language(parse_search(search).get("lang"))


def _register_fetch(app) -> None:
    @app.callback(Output(FETCH_REGION, "options"), Input(URL, "search"))
    def _regions(search):
        do_not_cache_this_response()
        from app.query.catalog import list_regions

        lang = page_language(parse_search(search).get("lang"))
        with session_scope() as session:
            regions = list_regions(session)
        return [{"label": _("All municipalities", lang), "value": FETCH_ALL}] + [
            {"label": r.name, "value": r.slug} for r in regions
        ]

    @app.callback(
        Output(FETCH_NOTICE, "children"),
        Output(FETCH_POLL, "disabled"),
        *[Input(f"{FETCH}-{table}", "n_clicks") for table in FETCH_TABLES],
        State(FETCH_FROM, "value"),
        State(FETCH_REGION, "value"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _fetch(*values):
        """Queue «Oppdater fra SSB» for the table whose button was pressed."""
        do_not_cache_this_response()
        first_year, region, search = values[-3:]
        table = str(ctx.triggered_id or "").removeprefix(f"{FETCH}-")
        if table not in FETCH_TABLES or not any(values[: len(FETCH_TABLES)]):
            return no_update, no_update
        who = auth.require_national(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        try:
            year = int(first_year) if first_year not in (None, "") else None
        except (TypeError, ValueError):
            year = -1
        if year is not None and not 1900 <= year <= 2100:
            return dbc.Alert(_("Give a year such as 2015, or leave the field empty.", lang), color="warning"), True
        params = {
            "table": table, "first_year": year, "region": None if region in (None, FETCH_ALL) else str(region),
            "lang": lang, "actor": who.name,
        }  # fmt: skip
        notice = _start(who, params, lang, FETCH_JOB_KIND)
        return notice, notice is not None

    @app.callback(
        Output(FETCH_REPORT, "children"),
        Output(FETCH_POLL, "disabled", allow_duplicate=True),
        Output(FETCH_PROGRESS, "value"),
        Output(f"{FETCH_PROGRESS}-step", "children"),
        Output(f"{FETCH_PROGRESS}-box", "hidden"),
        Input(FETCH_POLL, "n_intervals"),
        Input(URL, "search"),
        prevent_initial_call="initial_duplicate",
    )
    def _follow_fetch(_ticks, search):
        """The admin's newest fetch as it stands on the server (a reload finds it again)."""
        found = _newest_job(search, FETCH_JOB_KIND)
        return fetch_report(*found) if found else (None, True, 0, "", True)


PAGE = Page(
    name="admin_import",
    path=PATH,
    title=NAME,
    layout=layout,
    register_callbacks=register_callbacks,
    role=ROLE,
    national=True,
    jobs={JOB_KIND: run_import_job, FETCH_JOB_KIND: run_fetch_job},
)
