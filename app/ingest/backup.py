"""``fjernarbeid export-all DIR`` and ``import-all DIR``: everything the councils made, as files
the importers read back.

The export holds what is not in ``seed/``: the coworking inventory (the importer's CSV), the measures
catalogue (the seed's YAML format), measure progress (CSV), presentations (JSON), every survey as its
respondent file with exact weights and its codebook (YAML), and the change log (CSV, for reading).
Reference data (municipalities, postal codes, SSB series) come from ``seed/reference`` and are loaded
again by ``import-all``; accounts are not exported (their password hashes stay in the database).

``import-all`` runs in one transaction: either the whole copy is in the database, or nothing is.
It is meant for an empty (migrated) database, as after a disaster; on a database with the same
surveys it replaces them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.audit import entries
from app.db.models import (
    Answer,
    CoworkingSpace,
    Deck,
    DeckView,
    MeasureActivity,
    MeasureArea,
    MeasureProgress,
    Opportunity,
    Question,
    Region,
    Respondent,
    Survey,
)
from app.errors import ImportValidationError
from app.ingest import measures, reference
from app.ingest.coworking_import import COLUMNS as COWORKING_COLUMNS
from app.ingest.coworking_import import import_coworking
from app.ingest.editing import ProgressInput
from app.ingest.seed import SEED_DIR
from app.ingest.survey_import import import_survey

MANIFEST = "manifest.json"
FORMAT = 1
PROGRESS_COLUMNS = (
    "activity",
    "place",
    "status",
    "status_date",
    "owner",
    "due_date",
    "note",
    "link",
    "is_example",
    "updated_by",
)


@dataclass
class BackupReport:
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in self.counts.items())


def export_all(session: Session, directory: Path) -> BackupReport:
    """Write the copy into ``directory`` (created; must be empty or new)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ImportValidationError(f"{directory}: the directory is not empty. Fix: give a new or empty directory.")
    (directory / "surveys").mkdir(parents=True)
    report = BackupReport()
    report.counts["coworking spaces"] = _export_coworking(session, directory / "coworking.csv")
    report.counts["measure areas"] = _export_measures(session, directory / "measures.yaml")
    report.counts["progress records"] = _export_progress(session, directory / "progress.csv")
    report.counts["presentations"] = _export_decks(session, directory / "decks.json")
    surveys = session.scalars(select(Survey).order_by(Survey.slug)).all()
    for survey in surveys:
        _export_survey(session, survey, directory / "surveys")
    report.counts["surveys"] = len(surveys)
    report.counts["change log entries"] = _export_audit(session, directory / "change_log.csv")
    manifest = {
        "format": FORMAT,
        "made": dt.datetime.now(dt.UTC).isoformat(),
        "surveys": [s.slug for s in surveys],
        "counts": report.counts,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def _write_csv(path: Path, header: list[str] | tuple[str, ...], rows: list[list[Any]]) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def _export_coworking(session: Session, path: Path) -> int:
    columns = list(COWORKING_COLUMNS)
    spaces = session.scalars(select(CoworkingSpace).order_by(CoworkingSpace.kommunenummer, CoworkingSpace.name))
    return _write_csv(path, columns, [[_text(getattr(s, c)) for c in columns] for s in spaces])


def _i18n(value: dict | None) -> dict | None:
    return {k: value[k] for k in ("nb", "nn", "en") if k in value} if value else None


def _export_measures(session: Session, path: Path) -> int:
    areas = session.scalars(
        select(MeasureArea).options(selectinload(MeasureArea.activities)).order_by(MeasureArea.number)
    ).all()
    document = {
        "areas": [
            {
                "code": a.code,
                "number": a.number,
                "title": _i18n(a.title),
                "rationale": _i18n(a.rationale),
                "source": a.source,
                "evidence": list(a.evidence or []),
                **({"evidence_note": _i18n(a.evidence_note)} if a.evidence_note else {}),
                "activities": [{"code": x.code, "title": _i18n(x.title)} for x in a.activities],
            }
            for a in areas
        ],
        "opportunities": [
            {"number": o.number, "title": _i18n(o.title), "source": o.source}
            for o in session.scalars(select(Opportunity).order_by(Opportunity.number))
        ],
    }
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return len(areas)


def _export_progress(session: Session, path: Path) -> int:
    rows = session.execute(
        select(MeasureProgress, MeasureActivity.code, Region.slug)
        .join(MeasureActivity, MeasureActivity.id == MeasureProgress.activity_id)
        .outerjoin(Region, Region.id == MeasureProgress.region_id)
        .order_by(MeasureActivity.code, MeasureProgress.kommunenummer, Region.slug)
    ).all()
    return _write_csv(
        path,
        PROGRESS_COLUMNS,
        [
            [
                code,
                p.kommunenummer or f"region:{slug}",
                p.status,
                _text(p.status_date),
                _text(p.owner),
                _text(p.due_date),
                _text(p.note),
                _text(p.link),
                _text(p.is_example),
                _text(p.updated_by),
            ]
            for p, code, slug in rows
        ],
    )


def _export_decks(session: Session, path: Path) -> int:
    decks = session.scalars(select(Deck).options(selectinload(Deck.views)).order_by(Deck.id)).all()
    document = [
        {
            "token": d.token,
            "title": d.title,
            "views": [{"path": v.path, "query": v.query_string, "title": v.title, "note": v.note} for v in d.views],
        }
        for d in decks
    ]
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return len(decks)


def _export_survey(session: Session, survey: Survey, directory: Path) -> None:
    (directory / f"{survey.slug}.yaml").write_text(
        yaml.safe_dump(survey.codebook, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )
    questions = session.scalars(
        select(Question)
        .where(Question.survey_id == survey.id, Question.is_derived.is_(False))
        .order_by(Question.position)
    ).all()
    by_id = {q.id: q for q in questions}
    answers: dict[int, dict[str, str]] = {}
    for respondent_id, question_id, code, number in session.execute(
        select(Answer.respondent_id, Answer.question_id, Answer.code, Answer.number)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.survey_id == survey.id, Answer.question_id.in_(by_id))
    ):
        question = by_id[question_id]
        if code is not None or number is None:
            text = str(code)
        elif question.type == "postal_code":
            text = f"{int(number):04d}"
        else:
            text = str(int(number)) if float(number).is_integer() else repr(float(number))
        answers.setdefault(respondent_id, {})[question.variable] = text
    respondents = session.execute(
        select(Respondent.id, Respondent.respondent_key, Respondent.weight, Respondent.kommunenummer)
        .where(Respondent.survey_id == survey.id)
        .order_by(Respondent.respondent_key)
    ).all()
    header = ["id", *[q.variable for q in questions], "kommunenummer", "vekt"]
    rows = [
        [key, *[answers.get(rid, {}).get(q.variable, "") for q in questions], number or "", repr(float(weight))]
        for rid, key, weight, number in respondents
    ]
    _write_csv(directory / f"{survey.slug}.csv", header, rows)


def _export_audit(session: Session, path: Path) -> int:
    rows = [
        [
            e.at.isoformat(),
            e.actor,
            e.action,
            e.entity,
            e.entity_id or "",
            json.dumps(e.before, ensure_ascii=False),
            json.dumps(e.after, ensure_ascii=False),
        ]
        for e in reversed(entries(session, limit=10_000_000))
    ]
    return _write_csv(path, ["at", "actor", "action", "entity", "entity_id", "before", "after"], rows)


# --- restoring ------------------------------------------------------------------------------------


def import_all(session: Session, directory: Path, created_by: str = "fjernarbeid import-all") -> BackupReport:
    """Load a copy made by ``export_all`` (and the reference data from ``seed/reference``); the caller commits.

    Raises:
        ImportValidationError: not such a copy, or a file in it fails its importer's checks.
    """
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ImportValidationError(
            f"{directory}: no {MANIFEST}. Fix: give a directory made by `fjernarbeid export-all`."
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ImportValidationError(f"{manifest_path}: format {manifest.get('format')!r}, this version reads {FORMAT}.")
    ref = SEED_DIR / "reference"
    reference.load_municipalities(session, ref)
    reference.load_postal_codes(session, ref)
    reference.load_regions(session, ref)
    reference.load_municipality_statistics(session, ref)
    reference.load_population_age_sex(session, ref)
    reference.load_municipal_series(session, ref)
    report = BackupReport()
    report.counts["measure catalogue rows"] = measures.load_measures(session, directory / "measures.yaml")
    coworking = import_coworking(session, directory / "coworking.csv", replace=True, created_by=created_by)
    report.counts["coworking spaces"] = coworking.rows
    report.counts["progress records"] = _import_progress(session, directory / "progress.csv")
    report.counts["presentations"] = _import_decks(session, directory / "decks.json")
    for slug in manifest.get("surveys", []):
        import_survey(
            session,
            directory / "surveys" / f"{slug}.csv",
            directory / "surveys" / f"{slug}.yaml",
            slug=slug,
            replace=True,
            created_by=created_by,
        )
    report.counts["surveys"] = len(manifest.get("surveys", []))
    return report


def _import_progress(session: Session, path: Path) -> int:
    activities = dict(session.execute(select(MeasureActivity.code, MeasureActivity.id)).all())
    regions = dict(session.execute(select(Region.slug, Region.id)).all())
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        activity = activities.get(row["activity"])
        place = row["place"]
        if activity is None or (place.startswith("region:") and place.removeprefix("region:") not in regions):
            raise ImportValidationError(
                f"{path.name}, row {number}: unknown activity or region {row['activity']!r}/{place!r}. Fix: restore the "
                "measures catalogue of the same copy."
            )
        values = {k: row[k] or None for k in ("status", "status_date", "owner", "due_date", "note", "link")}
        checked = ProgressInput.model_validate({k: v for k, v in values.items() if v is not None}).model_dump()
        region_id = regions[place.removeprefix("region:")] if place.startswith("region:") else None
        session.add(
            MeasureProgress(
                activity_id=activity,
                kommunenummer=None if region_id else place,
                region_id=region_id,
                is_example=row["is_example"] == "true",
                updated_by=row["updated_by"] or None,
                **checked,
            )
        )
    session.flush()
    return len(rows)


def _import_decks(session: Session, path: Path) -> int:
    document = json.loads(path.read_text(encoding="utf-8"))
    for item in document:
        deck = Deck(token=item["token"], title=item["title"])
        deck.views = [
            DeckView(position=i, path=v["path"], query_string=v["query"], title=v["title"], note=v["note"])
            for i, v in enumerate(item["views"], start=1)
        ]
        session.add(deck)
    session.flush()
    return len(document)
