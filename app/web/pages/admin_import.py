"""Importer data: admins load a survey (with its codebook and margins), a coworking inventory or an
SSB table from the browser, with the same checks as the command line.

Two steps. **Check** stores the uploaded files in a private directory under the data directory and
runs the real importer in a transaction that is always rolled back: the page shows every problem,
or a preview (what would change; for a survey the weighted shares of its first questions). **Import**
runs the importer again on the same files (their SHA-256 must be unchanged) and commits: all or
nothing, logged in ``import_batch`` and the change log. Uploads are refused before any import when
they are too large or have a name the slot does not take; the importers then check the contents
(an image or a zip bomb named .xlsx, a wrong encoding …).

Writing survey tables needs the owner's rights: with two database roles (README: Database roles)
the import uses ``FJERNARBEID_IMPORT_DATABASE_URL``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from flask import current_app

from app.db.audit import record
from app.db.session import import_scope
from app.errors import FjernarbeidError, ImportValidationError
from app.web import auth
from app.web.components import page_language
from app.web.i18n import N_
from app.web.i18n import gettext as _
from app.web.page_state import parse_search
from app.web.response_cache import do_not_cache_this_response

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
STAGED = "import-staged"
SURVEY_PARTS = "import-survey-parts"
SSB_PARTS = "import-ssb-parts"

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one file
KINDS = {"survey": N_("Survey"), "coworking": N_("Coworking inventory"), "ssb": N_("SSB table")}
SUFFIXES = {
    "survey": {".csv", ".txt", ".xlsx", ".sav", ".zsav"},
    "codebook": {".yaml", ".yml"},
    "margins": {".csv"},
    "coworking": {".csv", ".xlsx"},
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
            dcc.Store(id=STAGED),
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
            html.Div(id=REPORT, role="status"),
        ]
    )


@dataclass(frozen=True)
class Staged:
    token: str
    kind: str
    files: dict[str, Any]  # slot → file name (margins: list)
    digests: dict[str, str]
    table: str | None
    replace: bool


def _uploads_dir() -> Path:
    return Path(current_app.config["FJERNARBEID"].data_dir) / "uploads"


def _safe_name(name: str | None) -> str:
    base = Path(str(name or "file")).name
    cleaned = re.sub(r"[^\w.\- ]", "_", base, flags=re.UNICODE).strip(" .") or "file"
    return cleaned[:120]


class UploadRefused(FjernarbeidError):
    pass


def _store(directory: Path, slot: str, contents: str | None, name: str | None, lang: str) -> str | None:
    """Decode one upload into ``directory``; its safe name, or None when the slot is empty."""
    if not contents:
        return None
    filename = _safe_name(name)
    if Path(filename).suffix.lower() not in SUFFIXES[slot]:
        raise UploadRefused(
            _("{file}: this slot takes {suffixes} files.", lang).format(
                file=filename, suffixes=", ".join(sorted(SUFFIXES[slot]))
            )
        )
    payload = contents.partition(",")[2]
    if len(payload) * 3 // 4 > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            _("{file}: the file is larger than {mb} MB.", lang).format(file=filename, mb=MAX_UPLOAD_BYTES // 2**20)
        )
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UploadRefused(_("{file}: the upload arrived damaged; try again.", lang).format(file=filename)) from None
    (directory / slot).mkdir(exist_ok=True)  # a folder per slot: the same name may come twice
    (directory / slot / filename).write_bytes(raw)
    return f"{slot}/{filename}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(staged: Staged, directory: Path, session, actor: str) -> str:
    """Run the importer on the staged files in ``session``; a one-line summary of what it did."""
    if staged.kind == "survey":
        from app.ingest.survey_import import import_survey

        margins = [directory / m for m in staged.files.get("margins") or []]
        result = import_survey(
            session, directory / staged.files["survey"], directory / staged.files["codebook"], replace=staged.replace,
            margin_paths=margins, created_by=actor,
        )  # fmt: skip
        return result.summary()
    if staged.kind == "coworking":
        from app.ingest.coworking_import import import_coworking

        return import_coworking(
            session, directory / staged.files["coworking"], replace=staged.replace, created_by=actor
        ).summary()
    from app.ingest.ssb_import import import_ssb

    return import_ssb(session, directory / staged.files["ssb"], staged.table, created_by=actor).summary()


def _before(staged: Staged, session, lang: str) -> str | None:
    """What is there now that the import would change."""
    from sqlalchemy import func, select

    from app.db.models import CoworkingSpace, Respondent, Survey
    from app.ingest.codebook import load_codebook

    if staged.kind == "survey":
        slug = load_codebook(_staged_dir(staged) / staged.files["codebook"]).survey.slug
        count = session.scalar(
            select(func.count())
            .select_from(Respondent)
            .join(Survey, Survey.id == Respondent.survey_id)
            .where(Survey.slug == slug)
        )
        if not count:
            return _("A new survey: {slug}.", lang).format(slug=slug)
        return _("The survey {slug} has {n} respondents now; the import replaces them.", lang).format(
            slug=slug, n=count
        )
    if staged.kind == "coworking":
        count = session.scalar(select(func.count()).select_from(CoworkingSpace))
        return _("The inventory has {n} spaces now.", lang).format(n=count)
    return None


def _preview(staged: Staged, session, lang: str) -> list:
    """For a survey: the weighted shares of its first three questions with answer options, as they would be."""
    if staged.kind != "survey":
        return []
    from app.ingest.codebook import load_codebook
    from app.query.estimates import estimate_shares
    from app.web.i18n import format_share, pick

    codebook = load_codebook(_staged_dir(staged) / staged.files["codebook"])
    questions = [q for q in codebook.questions if q.type in ("single_choice", "likert")][:3]
    parts: list = [html.H3(_("Preview: weighted shares", lang), className="h5 mt-3")]
    for question in questions:
        result = estimate_shares(session, codebook.survey.slug, question.variable)
        rows = [
            html.Tr(
                [
                    html.Td(pick(r.label, lang)),
                    html.Td(format_share(r.estimate, lang) if r.estimate is not None else "–"),
                    html.Td(r.n),
                ]
            )
            for r in result.rows
        ]
        parts.append(
            html.Table(
                [
                    html.Caption(f"{question.variable}: {pick(result.question, lang)}"),
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_("Answer", lang), scope="col"),
                                html.Th(_("Share", lang), scope="col"),
                                html.Th("n", scope="col"),
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table table-sm import-preview",
            )
        )
    return parts


def _log_failure(staged: Staged, directory: Path, error: Exception, actor: str) -> None:
    """A confirmed import that failed is logged in ``import_batch`` like a failed command-line import."""
    from app.ingest.batches import record_failed_import

    kind = {"survey": "survey", "coworking": "coworking", "ssb": f"ssb_{staged.table}"}[staged.kind]
    with import_scope() as session:
        record_failed_import(session, directory / staged.files[staged.kind], error, kind, actor)


def _staged_dir(staged: Staged) -> Path:
    return _uploads_dir() / staged.token


def _problems(error: ImportValidationError, lang: str) -> dbc.Alert:
    lines = str(error).splitlines()
    return dbc.Alert(
        [
            html.P(_("The file was not imported; nothing was changed. Correct these problems and check again:", lang)),
            html.Pre("\n".join(lines), className="import-problems"),
        ],
        color="danger",
        id="import-problems",
    )


def register_callbacks(app) -> None:
    @app.callback(Output(SURVEY_PARTS, "hidden"), Output(SSB_PARTS, "hidden"), Input(KIND, "value"))
    def _parts(kind):
        return kind != "survey", kind != "ssb"

    for slot in (DATA, CODEBOOK, MARGINS):

        @app.callback(Output(f"{slot}-name", "children"), Input(slot, "filename"))
        def _chosen(name):
            if not name:
                return None
            return ", ".join(name) if isinstance(name, list) else str(name)

    @app.callback(
        Output(REPORT, "children"),
        Output(STAGED, "data"),
        Output(CONFIRM, "disabled"),
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
            return no_update, no_update, no_update
        who = auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        if kind not in KINDS:
            return dbc.Alert(_("Choose what to import.", lang), color="warning"), None, True
        token = secrets.token_urlsafe(16)
        directory = _uploads_dir() / token
        directory.mkdir(parents=True)
        try:
            files: dict[str, Any] = {
                kind: _store(directory, kind if kind != "survey" else "survey", data, data_name, lang)
            }
            if kind == "survey":
                files["codebook"] = _store(directory, "codebook", codebook, codebook_name, lang)
                files["margins"] = [
                    _store(directory, "margins", c, n, lang)
                    for c, n in zip(margins or [], margin_names or [], strict=False)
                ]
            missing = [slot for slot in (kind, "codebook" if kind == "survey" else kind) if not files.get(slot)]
            if missing:
                raise UploadRefused(_("Choose the data file (and for a survey its codebook) first.", lang))
        except UploadRefused as refused:
            shutil.rmtree(directory, ignore_errors=True)
            return dbc.Alert(str(refused), color="danger", id="import-problems"), None, True
        digests = {str(p.relative_to(directory)): _digest(p) for p in directory.rglob("*") if p.is_file()}
        staged = Staged(token, kind, files, digests, table if kind == "ssb" else None, bool(replace))
        try:
            with import_scope(trial=True) as session:
                before = _before(staged, session, lang)
                summary = _run(staged, directory, session, who.name)
                preview = _preview(staged, session, lang)
        except ImportValidationError as error:
            shutil.rmtree(directory, ignore_errors=True)
            return _problems(error, lang), None, True
        report = dbc.Alert(
            [
                html.P(_("The check found no problems. This is what the import will do:", lang)),
                html.P(before, id="import-before") if before else None,
                html.P(summary, className="fw-semibold", id="import-summary"),
                *preview,
                html.P(_("Nothing has changed yet. Press Import to carry it out.", lang)),
            ],
            color="success",
        )
        return report, staged.__dict__, False

    @app.callback(
        Output(REPORT, "children", allow_duplicate=True),
        Output(STAGED, "data", allow_duplicate=True),
        Output(CONFIRM, "disabled", allow_duplicate=True),
        Input(CONFIRM, "n_clicks"),
        State(STAGED, "data"),
        State(URL, "search"),
        prevent_initial_call=True,
    )
    def _confirm(clicks, staged_data, search):
        do_not_cache_this_response()
        if not clicks:
            return no_update, no_update, no_update
        who = auth.require(ROLE)
        lang = page_language(parse_search(search).get("lang"))
        if not staged_data or not re.fullmatch(r"[\w-]{20,}", str(staged_data.get("token", ""))):
            return dbc.Alert(_("Check the files first.", lang), color="warning"), None, True
        staged = Staged(**staged_data)
        directory = _staged_dir(staged)
        if not directory.is_dir() or any(
            _digest(directory / n) != d for n, d in staged.digests.items() if (directory / n).exists()
        ):
            return (
                dbc.Alert(_("The checked files are gone or changed; check them again.", lang), color="warning"),
                None,
                True,
            )
        try:
            with import_scope() as session:
                summary = _run(staged, directory, session, who.name)
                record(
                    session,
                    who.name,
                    f"import.{staged.kind}",
                    "import",
                    ", ".join(staged.digests),
                    None,
                    {"summary": summary},
                )
        except ImportValidationError as error:
            _log_failure(staged, directory, error, who.name)
            return _problems(error, lang), None, True
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return dbc.Alert([_("Imported.", lang), " ", html.Span(summary, id="import-done")], color="success"), None, True
