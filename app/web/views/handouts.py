"""A deck's PDF handout, built by the worker once per version of the deck and the data, and kept.

``/deck/<token>.pdf`` never draws inside the request (30 views took over 30 s and the worker was killed):

* the file for this version exists → it is sent at once;
* otherwise the handout job for this version is started, or joined when it is already queued or running
  (whoever asks), and the answer is **202** with the job's progress — a small page that reloads itself for
  a browser, JSON for anything else — and ``Retry-After``;
* a client with ``MAX_ACTIVE`` handout jobs of its own waiting gets **429** with ``Retry-After``.

The file is ``<data dir>/jobs/handout-<deck id>-<hash>.pdf``, the hash over the deck's title, views and
notes, the language, the data version and the layout (``LAYOUT``), so a changed deck or new data make a new
handout. What the file holds and how it is printed: ``app.web.views.handout_document`` (a cover, then a page
per view, all A4, numbered, tagged). It is sent under the deck's title, æ, ø and å kept (``filename*``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

from app.config import LANGUAGES
from app.db import jobs
from app.db.decks import DeckError, deck_version, shown_deck
from app.db.session import session_scope
from app.language import N_, error_text
from app.language import gettext as _
from app.query.data_version import data_version
from app.web.kit.page_state import default_language, parse_search
from app.web.views.handout_document import content_disposition, download_name

KIND = "handout"
FAILED_SHOWN_FOR = dt.timedelta(minutes=1)  # a failed handout is reported, not retried, for this long
POLL_SECONDS = 2
NO_VIEW = N_("The presentation has no view to hand out.")
LAYOUT = 2  # of the handout's pages: a new one makes every handout anew (2: a cover, equal A4 pages, tagged)


@dataclass(frozen=True)
class HandoutState:
    """Where a deck's handout stands for one request."""

    file: Path | None  # ready
    job: jobs.JobInfo | None  # being built (or failed)
    filename: str  # the deck's title as a file name, æ, ø and å kept


def jobs_dir() -> Path:
    return Path(current_app.config["FJERNARBEID"].data_dir) / "jobs"


def _language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else default_language()


def ensure_handout(token: str, lang: str | None, owner: str, host: str = "") -> HandoutState:
    """The handout's file if it is ready; else its job, started or joined.

    Raises:
        DeckError: no deck has this token, or it has no views.
        JobLimitReached: ``owner`` already has ``MAX_ACTIVE`` handout jobs waiting or running.
    """
    lang = _language(lang)
    with session_scope() as session:
        deck = shown_deck(session, token, public_only=True)  # one file for everyone: the public surveys' views
        if not deck.views:
            raise DeckError(message_id=NO_VIEW)
        deck_id, content = deck_version(session, token)
        version = data_version(session)
    digest = hashlib.sha256(f"{LAYOUT}:{content}:{lang}:{version}".encode()).hexdigest()[:24]
    name = f"handout-{deck_id}-{digest}.pdf"
    path = jobs_dir() / name
    download = download_name(deck.title, _("Presentation", lang))
    if path.is_file():
        return HandoutState(path, None, download)
    key = f"handout:{deck_id}:{digest}"
    with session_scope() as session:
        last = session.scalar(_newest_for_key(key))
        if last is not None and last.state == "failed" and _age(last.updated_at) < FAILED_SHOWN_FOR:
            return HandoutState(None, jobs.get_job(session, last.id), download)
        job, created = jobs.submit(
            session, KIND, owner, {"token": token, "lang": lang, "file": name, "host": host}, key
        )
    if created:
        jobs.enqueue(current_app.config["FJERNARBEID"], job.id)
    return HandoutState(None, job, download)


def _newest_for_key(key: str):
    from sqlalchemy import select

    from app.db.models import Job

    return select(Job).where(Job.key == key).order_by(Job.id.desc()).limit(1)


def _age(moment: dt.datetime) -> dt.timedelta:
    return dt.datetime.now(dt.UTC) - moment


def run(job: jobs.JobInfo, report) -> dict[str, Any]:
    """The worker's part: the cover and a sheet per view as one HTML document (``handout_document``), printed
    to one tagged PDF of equal A4 pages by Chromium, kept as the file. Progress is reported per view."""
    from app.language import format_long_date
    from app.web.kit.site import installed
    from app.web.views import handout_document as document
    from app.web.views.export import _without_own, chosen_view, render_views

    token, lang, name = job.params["token"], job.params["lang"], job.params["file"]
    with session_scope() as session:
        deck = shown_deck(session, token, public_only=True)  # one file for everyone: the public surveys' views
        version = data_version(session)
    sheets: list[document.Sheet] = []
    states = []
    total = len(deck.views)
    for number, saved in enumerate(deck.views, start=1):
        report("handout", number, total)
        page = installed().for_path(saved.path)
        if page is None or not page.has_views:
            continue
        rendered = render_views(page, _without_own(saved.query_string), lang, primary=True)
        asked = parse_search(saved.query_string)
        view = chosen_view(rendered, asked.get("chart"))
        if view is None:
            continue
        as_table = asked.get("show") == "table"  # the view was saved shown as a table
        sheets.append(document.sheet_for(view, rendered, title=saved.title, note=saved.note, as_table=as_table))
        states.append(rendered.state)
    if not sheets:
        raise DeckError(message_id=NO_VIEW)
    cover = document.Cover(
        title=deck.title,
        date=format_long_date(dt.date.today(), lang),
        data_version=version,
        places=document.places(states),
        synthetic=next((s.synthetic for s in sheets if s.synthetic), ""),
    )
    report("save", total, total)
    pdf = document.print_pdf(document.document(cover, sheets, lang))
    folder = jobs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.{os.getpid()}.part"
    partial.write_bytes(pdf)
    partial.replace(folder / name)  # whole or not at all
    return {"file": name, "pages": len(sheets) + 1}


def _progress_page(state: HandoutState, lang: str) -> str:
    from app.web.server.jobs import describe, percent

    job = state.job
    title = html.escape(_("Handout (PDF)", lang))
    if job is not None and job.state == "failed":
        # a job keeps its error in English; one the catalogues know is said in the page's language
        failed = html.escape(
            _("The handout could not be made:", lang) + " " + (_(job.error, lang) if job.error else "")
        )
        body, refresh = f"<p role='alert'>{failed}</p>", ""
    else:
        done = percent(job)
        waiting = html.escape(_("The handout is being made; this page fetches it when it is ready.", lang))
        body = (
            f"<p>{waiting}</p><progress max='100' value='{done}'>{done} %</progress> "
            f"<span role='status'>{html.escape(describe(job, lang))}</span>"
        )
        refresh = f"<meta http-equiv='refresh' content='{POLL_SECONDS}'>"
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>{refresh}"
        f"<title>{title}</title></head><body>{body}</body></html>"
    )


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def register(server: Flask) -> None:
    @server.route("/deck/<token>.pdf")
    def deck_handout(token: str):
        """The deck's handout if it is ready; else 202 and the progress of the job making it."""
        from app.web.server.jobs import describe, owner_of_request, percent

        lang = _language(request.args.get("lang"))
        try:
            state = ensure_handout(token, lang, owner_of_request(), request.host_url)
        except DeckError as error:
            return Response(error_text(error, lang) + "\n", status=404, mimetype="text/plain")
        except jobs.JobLimitReached as error:
            response = Response(str(error) + "\n", status=429, mimetype="text/plain")
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        if state.file is not None:
            response = Response(state.file.read_bytes(), mimetype="application/pdf")
            response.headers["Content-Disposition"] = content_disposition(state.filename)
            response.headers["Cache-Control"] = "no-cache"
            return response
        job = state.job
        assert job is not None
        status = 503 if job.state == "failed" else 202
        if _wants_html():
            response = Response(_progress_page(state, lang), status=status, mimetype="text/html")
        else:
            document = job.as_dict() | {"progress": percent(job), "message": describe(job, lang)}
            response = Response(json.dumps(document), status=status, mimetype="application/json")
        response.headers["Retry-After"] = str(POLL_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response
