"""``fjernarbeid export-all DIR`` and ``import-all DIR``: everything the councils made, as files
the importers read back.

The export holds every table that ``seed/reference`` does not rebuild: the coworking inventory (the
importer's CSV), the measures catalogues (the seed's YAML format: ``measures.yaml`` the template,
``catalogues/<region>.yaml`` each region's own), measure progress (CSV), presentations
(JSON), success criteria and their measured values (CSV), every survey as its respondent file with exact weights and its codebook (YAML), and, row for row
as JSON lines in ``tables/`` (``TABLE_FILES``), the change log, the published figures, the national
series, the SSB series (an admin may have imported newer ones than the seed's), other centrality
classifications and the import history. The change log is also written as CSV, for reading.

Rebuilt instead of copied (``REBUILT_FROM_REFERENCE``): municipalities, postal codes and regions come
from ``seed/reference`` again (and the regions made with ``fjernarbeid regions add`` from ``regions.json``), and the report's interviews from ``seed/interviews.yaml``
(``REBUILT_FROM_SEED``). Not in the copy at all (``NOT_COPIED``, said in the manifest): accounts,
their sessions and failed logins (password hashes stay in the database; add the accounts again with
``fjernarbeid users add``), the data version counter (the triggers move it), and the server's background
jobs and unconfirmed uploads.

``import-all`` runs in one transaction: either the whole copy is in the database, or nothing is.
It is meant for an empty (migrated) database, as after a disaster; on a database with the same
surveys it replaces them.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from psycopg.types.json import Jsonb
from sqlalchemy import Date, DateTime, Integer, Numeric, Table, delete, func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased, selectinload

from app.db.audit import entries
from app.db.catalogues import give_regions_catalogues, has_catalogue
from app.db.models import (
    Answer,
    AppUser,
    Base,
    CoworkingSpace,
    CriterionMeasurement,
    Deck,
    DeckView,
    MeasureActivity,
    MeasureArea,
    MeasureCriterion,
    MeasureProgress,
    Opportunity,
    Question,
    Region,
    RegionMember,
    Respondent,
    Survey,
)
from app.db.visibility import access_of
from app.errors import ImportValidationError
from app.ingest import figures, interviews, measures, reference
from app.ingest.coworking_import import COLUMNS as COWORKING_COLUMNS
from app.ingest.coworking_import import import_coworking
from app.ingest.editing import (
    CriterionInput,
    EditError,
    MeasurementInput,
    ProgressInput,
    measure_columns,
    measure_key,
)
from app.ingest.seed import SEED_DIR
from app.ingest.survey_import import import_survey

MANIFEST = "manifest.json"
FORMAT = 3
# a format-1 copy has no tables/: its figures and SSB series come from seed/. Copies before format 3 have one
# catalogue: the regions get copies of it, and each record goes to the catalogue of its place's region.
READABLE_FORMATS = (1, 2, 3)
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
    "updated_at",
    "catalogue",  # the region whose catalogue the activity is in; empty for the template (format 3)
)
CRITERIA_COLUMNS = (
    "measure",
    "description",
    "target_value",
    "target_unit",
    "target_text",
    "target_date",
    "is_example",
    "updated_by",
    "updated_at",
    "at_most",
)
# A measured value names its criterion by the criterion's row in criteria.csv (1 = the first data row).
MEASUREMENT_COLUMNS = ("criterion", "place", "value", "measured_on", "note", "is_example", "updated_by", "updated_at")
# Tables copied row for row (ids too) into tables/<name>.jsonl, in the order they are restored.
TABLE_FILES = (
    "centrality_class",
    "municipality_statistic",
    "population_age_sex",
    "population_total",
    "population_change",
    "commuting_flow",
    "education_level",
    "published_figure",
    "context_series",
    "import_batch",
    "audit_entry",
)
# Loaded from seed/reference by import-all, not copied.
REBUILT_FROM_REFERENCE = ("municipality", "postal_code", "region", "region_member")
# Loaded from the seed's own files by import-all, not copied: the report's interviews are not the councils' data.
REBUILT_FROM_SEED = ("interview_theme", "interview_quote")
# Deliberately not in the copy, with the reason the manifest gives.
NOT_COPIED = {
    "app_user": "accounts are not copied (password hashes stay in the database): add them again with "
    "`fjernarbeid users add`",
    "user_region_role": "accounts' roles in regions go with the accounts: give them again with "
    "`fjernarbeid users add … --region` or `users set-role … --region`",
    "survey_reader": "the accounts named to see a private survey go with the accounts: name them again with "
    "`fjernarbeid surveys visibility SLUG private --readers …` (the survey itself comes back private)",
    "user_session": "sessions end with the database they were made in",
    "login_throttle": "failed logins only count for the rate limit's window",
    "data_version": "a counter the triggers move on every write; the restore moves it too",
    "job": "background work of the running server (its results are files in its data directory)",
    "upload": "files uploaded for an import that was not confirmed; they are deleted after a day anyway",
}


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
    report.counts["measure areas"] = _export_measures(session, directory / "measures.yaml", None)
    (directory / "catalogues").mkdir()
    for region_id, slug in session.execute(select(Region.id, Region.slug).order_by(Region.slug)).all():
        if has_catalogue(session, region_id):
            path = directory / "catalogues" / f"{slug}.yaml"
            report.counts["measure areas"] += _export_measures(session, path, region_id)
    report.counts["progress records"] = _export_progress(session, directory / "progress.csv")
    report.counts["success criteria"] = _export_criteria(session, directory / "criteria.csv")
    report.counts["measured values"] = _export_measurements(session, directory / "criterion_measurements.csv")
    report.counts["presentations"] = _export_decks(session, directory / "decks.json")
    report.counts["regions"] = _export_regions(session, directory / "regions.json")
    surveys = session.scalars(select(Survey).order_by(Survey.slug)).all()
    for survey in surveys:
        _export_survey(session, survey, directory / "surveys")
    report.counts["surveys"] = len(surveys)
    report.counts["change log entries"] = _export_audit(session, directory / "change_log.csv")
    (directory / "tables").mkdir()
    for name in TABLE_FILES:
        report.counts[f"{name} rows"] = _export_table(session, _table(name), directory / "tables" / f"{name}.jsonl")
    manifest = {
        "format": FORMAT,
        "made": dt.datetime.now(dt.UTC).isoformat(),
        "surveys": [s.slug for s in surveys],
        "tables": list(TABLE_FILES),
        "rebuilt_from_reference": list(REBUILT_FROM_REFERENCE),
        "rebuilt_from_seed": list(REBUILT_FROM_SEED),
        "not_included": NOT_COPIED,
        "survey_access": access_of(session),  # who may see each non-public survey: it never comes back public
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


def _in_catalogue(column: Any, region_id: int | None) -> Any:
    return column.is_(None) if region_id is None else column == region_id


def _export_measures(session: Session, path: Path, region_id: int | None) -> int:
    areas = session.scalars(
        select(MeasureArea)
        .options(selectinload(MeasureArea.activities))
        .where(_in_catalogue(MeasureArea.region_id, region_id))
        .order_by(MeasureArea.number)
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
            for o in session.scalars(
                select(Opportunity).where(_in_catalogue(Opportunity.region_id, region_id)).order_by(Opportunity.number)
            )
        ],
    }
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return len(areas)


def _export_progress(session: Session, path: Path) -> int:
    catalogue = aliased(Region)
    rows = session.execute(
        select(MeasureProgress, MeasureActivity.code, Region.slug, catalogue.slug)
        .join(MeasureActivity, MeasureActivity.id == MeasureProgress.activity_id)
        .join(MeasureArea, MeasureArea.id == MeasureActivity.area_id)
        .outerjoin(catalogue, catalogue.id == MeasureArea.region_id)
        .outerjoin(Region, Region.id == MeasureProgress.region_id)
        .order_by(catalogue.slug.nulls_first(), MeasureActivity.code, MeasureProgress.kommunenummer, Region.slug)
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
                p.updated_at.isoformat(),
                _text(in_catalogue),
            ]
            for p, code, slug, in_catalogue in rows
        ],
    )


def _export_criteria(session: Session, path: Path) -> int:
    activity_area = aliased(MeasureArea)
    catalogue = aliased(Region)
    rows = session.execute(
        select(MeasureCriterion, MeasureArea.code, MeasureActivity.code, catalogue.slug)
        .outerjoin(MeasureArea, MeasureArea.id == MeasureCriterion.area_id)
        .outerjoin(MeasureActivity, MeasureActivity.id == MeasureCriterion.activity_id)
        .outerjoin(activity_area, activity_area.id == MeasureActivity.area_id)
        .outerjoin(catalogue, catalogue.id == func.coalesce(MeasureArea.region_id, activity_area.region_id))
        .order_by(MeasureCriterion.id)
    ).all()
    return _write_csv(
        path,
        CRITERIA_COLUMNS,
        [
            [
                measure_key("area", area, slug) if area else measure_key("activity", activity, slug),
                c.description,
                "" if c.target_value is None else repr(c.target_value),
                _text(c.target_unit),
                _text(c.target_text),
                c.target_date.isoformat(),
                _text(c.is_example),
                _text(c.updated_by),
                c.updated_at.isoformat(),
                _text(c.at_most),
            ]
            for c, area, activity, slug in rows
        ],
    )


def _export_measurements(session: Session, path: Path) -> int:
    row_of = {
        cid: number
        for number, cid in enumerate(session.scalars(select(MeasureCriterion.id).order_by(MeasureCriterion.id)), 1)
    }
    rows = session.execute(
        select(CriterionMeasurement, Region.slug)
        .outerjoin(Region, Region.id == CriterionMeasurement.region_id)
        .order_by(CriterionMeasurement.id)
    ).all()
    return _write_csv(
        path,
        MEASUREMENT_COLUMNS,
        [
            [
                row_of[m.criterion_id],
                m.kommunenummer or f"region:{slug}",
                repr(m.value),
                m.measured_on.isoformat(),
                _text(m.note),
                _text(m.is_example),
                _text(m.updated_by),
                m.updated_at.isoformat(),
            ]
            for m, slug in rows
        ],
    )


def _export_decks(session: Session, path: Path) -> int:
    """Every deck with its views; its owner by account name (accounts are not copied: the restore gives a deck
    back to the account of that name if it exists there, else to nobody, and the first editor to change it)."""
    decks = session.scalars(select(Deck).options(selectinload(Deck.views)).order_by(Deck.id)).all()
    owners = dict(session.execute(select(AppUser.id, AppUser.name)).all())
    regions = dict(session.execute(select(Region.id, Region.slug)).all())
    document = [
        {
            "token": d.token,
            "title": d.title,
            "owner": owners.get(d.owner_id) if d.owner_id is not None else None,
            "region": regions.get(d.region_id) if d.region_id is not None else None,
            "created_at": d.created_at.isoformat(),
            "updated_at": d.updated_at.isoformat(),
            "views": [
                {
                    "path": v.path,
                    "query": v.query_string,
                    "title": v.title,
                    "note": v.note,
                    "created_at": v.created_at.isoformat(),
                }
                for v in d.views
            ],
        }
        for d in decks
    ]
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return len(decks)


def _export_regions(session: Session, path: Path) -> int:
    """Every region with its members (the reference's are made again from seed/reference, the others from
    this file)."""
    regions = session.scalars(select(Region).order_by(Region.slug)).all()
    document = [
        {"slug": r.slug, "name": r.name, "municipalities": sorted(m.kommunenummer for m in r.members)} for r in regions
    ]
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return len(regions)


def _import_regions(session: Session, path: Path) -> int:
    """The regions of the copy that seed/reference does not make (``fjernarbeid regions add``)."""
    if not path.is_file():  # copies made before regions could be added have only the reference's
        return 0
    known = set(session.scalars(select(Region.slug)))
    added = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        if item["slug"] in known:
            continue
        region = Region(slug=item["slug"], name=item["name"])
        region.members = [RegionMember(kommunenummer=n) for n in item["municipalities"]]
        session.add(region)
        added += 1
    session.flush()
    return added


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


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _export_table(session: Session, table: Table, path: Path) -> int:
    """Every row of ``table`` as one JSON object per line (floats exactly: JSON keeps Python's repr)."""
    count = 0
    names = [c.name for c in table.columns]
    with path.open("w", encoding="utf-8") as handle:
        for row in session.execute(select(table).order_by(*table.primary_key.columns)).yield_per(5000):
            handle.write(json.dumps(dict(zip(names, map(_json_value, row), strict=True)), ensure_ascii=False))
            handle.write("\n")
            count += 1
    return count


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
    if manifest.get("format") not in READABLE_FORMATS:
        raise ImportValidationError(
            f"{manifest_path}: format {manifest.get('format')!r}, this version reads {READABLE_FORMATS}."
        )
    ref = SEED_DIR / "reference"
    reference.load_municipalities(session, ref)
    reference.load_postal_codes(session, ref)
    reference.load_regions(session, ref)
    report = BackupReport()
    report.counts["regions added"] = _import_regions(session, directory / "regions.json")
    copied = set(manifest.get("tables", []))
    if not copied:  # a format-1 copy: what it lacks, as the seed has it
        reference.load_municipality_statistics(session, ref)
        reference.load_population_age_sex(session, ref)
        reference.load_municipal_series(session, ref)
        figures.load_published_figures(session, SEED_DIR / "published_figures.csv")
        figures.load_context_series(session, SEED_DIR / "national_home_office.csv")
    for name in TABLE_FILES:
        if name in copied:
            report.counts[f"{name} rows"] = _import_table(session, _table(name), directory / "tables" / f"{name}.jsonl")
    report.counts["measure catalogue rows"] = measures.load_measures(session, directory / "measures.yaml")
    report.counts["measure catalogue rows"] += _import_catalogues(session, directory / "catalogues")
    coworking = import_coworking(session, directory / "coworking.csv", replace=True, created_by=created_by)
    report.counts["coworking spaces"] = coworking.rows
    report.counts["progress records"] = _import_progress(session, directory / "progress.csv")
    if (directory / "criteria.csv").is_file():  # copies made before success criteria existed have none
        one_catalogue = manifest["format"] < 3  # made before regions had their own catalogues
        criteria_ids = _import_criteria(session, directory / "criteria.csv", one_catalogue)
        report.counts["success criteria"] = len(criteria_ids)
        if (directory / "criterion_measurements.csv").is_file():
            report.counts["measured values"] = _import_measurements(
                session, directory / "criterion_measurements.csv", criteria_ids
            )
    report.counts["interview themes"] = interviews.load_interviews(session, SEED_DIR / "interviews.yaml")
    report.counts["presentations"] = _import_decks(session, directory / "decks.json")
    access = manifest.get("survey_access", {})
    regions = dict(session.execute(select(Region.slug, Region.id)).all())
    for slug in manifest.get("surveys", []):
        import_survey(
            session,
            directory / "surveys" / f"{slug}.csv",
            directory / "surveys" / f"{slug}.yaml",
            slug=slug,
            replace=True,
            created_by=created_by,
        )
        if slug in access:  # region-only or private as it was (its readers are accounts: named again later)
            restored = session.scalar(select(Survey).where(Survey.slug == slug))
            assert restored is not None
            restored.visibility = str(access[slug]["visibility"])
            restored.region_id = regions.get(str(access[slug].get("region") or ""))
            if restored.visibility == "region" and restored.region_id is None:
                restored.visibility = "private"  # its region is gone: nobody but national admins, never everyone
    session.flush()
    report.counts["surveys"] = len(manifest.get("surveys", []))
    return report


def _import_catalogues(session: Session, directory: Path) -> int:
    """Each region's catalogue of a format-3 copy; then every region still without one (a copy made before
    regions had their own) gets a copy of the template."""
    regions = dict(session.execute(select(Region.slug, Region.id)).all())
    changed = 0
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        if path.stem not in regions:
            raise ImportValidationError(
                f"{path}: no region {path.stem!r} in the copy's regions.json or seed/reference. Fix: restore the "
                "regions.json of the same copy."
            )
        changed += measures.load_measures(session, path, regions[path.stem])
    return changed + give_regions_catalogues(session)


def _catalogue_of_place(session: Session, place: str) -> str | None:
    """For a copy made before regions had their own catalogues: the catalogue a place's records go to (the
    region's; a municipality's first region by slug; the template for a municipality in no region)."""
    if place.startswith("region:"):
        return place.removeprefix("region:")
    return session.scalar(
        select(Region.slug)
        .join(RegionMember, RegionMember.region_id == Region.id)
        .where(RegionMember.kommunenummer == place)
        .order_by(Region.slug)
    )


def _activities_by_catalogue(session: Session) -> dict[tuple[str | None, str], int]:
    """(region slug or None for the template, activity code) -> activity id."""
    rows = session.execute(
        select(Region.slug, MeasureActivity.code, MeasureActivity.id)
        .select_from(MeasureActivity)
        .join(MeasureArea, MeasureArea.id == MeasureActivity.area_id)
        .outerjoin(Region, Region.id == MeasureArea.region_id)
        .order_by(MeasureArea.number.desc())  # an activity code in two areas: the first area's wins
    ).all()
    return {(slug, code): activity_id for slug, code, activity_id in rows}


def _import_progress(session: Session, path: Path) -> int:
    activities = _activities_by_catalogue(session)
    regions = dict(session.execute(select(Region.slug, Region.id)).all())
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        place = row["place"]
        in_catalogue = (row["catalogue"] or None) if "catalogue" in row else _catalogue_of_place(session, place)
        activity = activities.get((in_catalogue, row["activity"]))
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
                **({"updated_at": dt.datetime.fromisoformat(row["updated_at"])} if row.get("updated_at") else {}),
                **checked,
            )
        )
    session.flush()
    return len(rows)


CriterionIds = list[dict[str | None, int]]  # per row of criteria.csv: catalogue (region slug, None) -> new id


def _import_criteria(session: Session, path: Path, one_catalogue: bool) -> CriterionIds:
    """The criteria of the copy, added; their new ids in the file's order, by catalogue. A criterion of a copy
    made before regions had their own catalogues (``one_catalogue``) is added to the template and to every
    region's catalogue, as the upgrade to them did (migration 0019)."""
    slugs = [None, *session.scalars(select(Region.slug).order_by(Region.slug))]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    added: list[dict[str | None, MeasureCriterion]] = []
    for number, row in enumerate(rows, start=2):
        measure = row["measure"]
        kind, _, code = measure.partition(":")
        catalogues = slugs if one_catalogue else [code.partition("@")[2] or None]
        values = {k: row.get(k) or None for k in CriterionInput.model_fields}  # at_most: not in copies before 0013
        checked = CriterionInput.model_validate({k: v for k, v in values.items() if v is not None}).model_dump()
        copies: dict[str | None, MeasureCriterion] = {}
        for slug in catalogues:
            try:
                area_id, activity_id, _region = measure_columns(
                    session, measure_key(kind, code.partition("@")[0], slug)
                )
            except EditError:
                raise ImportValidationError(
                    f"{path.name}, row {number}: unknown measure {measure!r}. Fix: restore the measures catalogues "
                    "(measures.yaml, catalogues/) of the same copy."
                ) from None
            copies[slug] = MeasureCriterion(
                area_id=area_id,
                activity_id=activity_id,
                is_example=row["is_example"] == "true",
                updated_by=row["updated_by"] or None,
                **({"updated_at": dt.datetime.fromisoformat(row["updated_at"])} if row.get("updated_at") else {}),
                **checked,
            )
        session.add_all(copies.values())
        added.append(copies)
    session.flush()
    return [{slug: c.id for slug, c in copies.items()} for copies in added]


def _import_measurements(session: Session, path: Path, criteria_ids: CriterionIds) -> int:
    regions = dict(session.execute(select(Region.slug, Region.id)).all())
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        criterion = int(row["criterion"]) if row["criterion"].isdigit() else 0
        place = row["place"]
        region_id = regions.get(place.removeprefix("region:")) if place.startswith("region:") else None
        if not 1 <= criterion <= len(criteria_ids) or (place.startswith("region:") and region_id is None):
            raise ImportValidationError(
                f"{path.name}, row {number}: no criterion row {row['criterion']!r} in criteria.csv, or unknown place "
                f"{place!r}. Fix: restore criteria.csv and criterion_measurements.csv of the same copy."
            )
        values = {k: row[k] or None for k in MeasurementInput.model_fields}
        checked = MeasurementInput.model_validate({k: v for k, v in values.items() if v is not None}).model_dump()
        session.add(
            CriterionMeasurement(
                criterion_id=_criterion_for(session, criteria_ids[criterion - 1], place),
                kommunenummer=None if region_id is not None else place,
                region_id=region_id,
                is_example=row["is_example"] == "true",
                updated_by=row["updated_by"] or None,
                **({"updated_at": dt.datetime.fromisoformat(row["updated_at"])} if row.get("updated_at") else {}),
                **checked,
            )
        )
    session.flush()
    return len(rows)


def _criterion_for(session: Session, ids: dict[str | None, int], place: str) -> int:
    """The criterion a measured value in ``place`` belongs to: the one criterion of its row, or, for a copy made
    before regions had their own catalogues, the copy in the catalogue of the place's region."""
    if len(ids) == 1:
        return next(iter(ids.values()))
    return ids.get(_catalogue_of_place(session, place), ids[None])


def _import_decks(session: Session, path: Path) -> int:
    document = json.loads(path.read_text(encoding="utf-8"))
    accounts = dict(session.execute(select(AppUser.name, AppUser.id)).all())
    regions = dict(session.execute(select(Region.slug, Region.id)).all())
    for item in document:
        deck = Deck(
            token=item["token"],
            title=item["title"],
            owner_id=accounts.get(item.get("owner") or ""),  # copies made before decks had owners have none
            region_id=regions.get(item.get("region") or ""),  # … and before regions, no region
            **_times(item, "created_at", "updated_at"),
        )
        deck.views = [
            DeckView(
                position=i,
                path=v["path"],
                query_string=v["query"],
                title=v["title"],
                note=v["note"],
                **_times(v, "created_at"),
            )
            for i, v in enumerate(item["views"], start=1)
        ]
        session.add(deck)
    session.flush()
    return len(document)


def _times(item: dict[str, Any], *names: str) -> dict[str, dt.datetime]:
    return {name: dt.datetime.fromisoformat(item[name]) for name in names if item.get(name)}


def _import_table(session: Session, table: Table, path: Path) -> int:
    """Replace the rows of ``table`` by those of ``path`` (written by ``_export_table``), ids included; a
    serial id's sequence then continues after the highest one."""
    readers = {
        c.name: (
            dt.datetime.fromisoformat
            if isinstance(c.type, DateTime)
            else dt.date.fromisoformat
            if isinstance(c.type, Date)
            else decimal.Decimal
            if isinstance(c.type, Numeric) and c.type.asdecimal
            else None
        )
        for c in table.columns
    }
    session.execute(delete(table))
    names = [c.name for c in table.columns]
    documents = {c.name for c in table.columns if isinstance(c.type, JSONB)}
    columns = ", ".join(f'"{n}"' for n in names)
    count = 0
    connection = session.connection().connection.driver_connection  # psycopg's own: COPY, not INSERTs
    assert connection is not None
    with (
        path.open(encoding="utf-8") as handle,
        connection.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
    ):
        for number, line in enumerate(handle, start=1):
            try:
                row = json.loads(line)
                for name, read in readers.items():
                    if read is not None and row.get(name) is not None:
                        row[name] = read(row[name])
                values = [Jsonb(row.get(n)) if n in documents and row.get(n) is not None else row.get(n) for n in names]
            except (ValueError, TypeError, AttributeError) as error:
                raise ImportValidationError(
                    f"{path.name}, line {number}: not a row of {table.name} ({error}). Fix: restore the file "
                    "from the copy as export-all wrote it."
                ) from None
            copy.write_row(values)
            count += 1
    if "id" in table.c and isinstance(table.c.id.type, Integer) and count:
        session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
            {"table": table.name, "last": session.scalar(select(func.max(table.c.id)))},
        )
    return count
