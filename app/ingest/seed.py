"""``fjernarbeid seed``: load everything in ``seed/`` into the database, idempotently.

Demo surveys go through the real importer (``import_survey``), exactly as a user's file
would; a survey whose file is already imported (same sha256) is skipped without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import resources
from app.db.catalogues import give_regions_catalogues
from app.db.models import Survey
from app.ingest import figures, interviews, measures, reference
from app.ingest.batches import last_succeeded_sha256, sha256_of
from app.ingest.codebook import load_codebook
from app.ingest.survey_import import KIND as SURVEY
from app.ingest.survey_import import import_survey

SEED_DIR = resources.seed_dir()

# (data file, codebook) for each demo survey, relative to seed/
DEMO_SURVEYS = (
    ("data/demo_national.csv", "codebooks/demo_national.yaml"),
    ("data/demo_hardanger.csv", "codebooks/demo_hardanger.yaml"),
    ("data/demo_ansatte.csv", "codebooks/demo_ansatte.yaml"),  # an employee survey after Bærum 2020
)


@dataclass
class SeedReport:
    """Rows inserted or changed per step; all zero on a second run."""

    changed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def seed_all(session: Session, seed_dir: Path = SEED_DIR, surveys: bool = True) -> SeedReport:
    report = SeedReport()
    ref = seed_dir / "reference"
    report.changed["municipalities"] = reference.load_municipalities(session, ref)
    report.changed["postal codes"] = reference.load_postal_codes(session, ref)
    report.changed["regions"] = reference.load_regions(session, ref)
    report.changed["SSB figures per municipality"] = reference.load_municipality_statistics(session, ref)
    report.changed["SSB population by age and sex"] = reference.load_population_age_sex(session, ref)
    report.changed["SSB municipal series"] = reference.load_municipal_series(session, ref)
    report.changed["published figures"] = figures.load_published_figures(session, seed_dir / "published_figures.csv")
    report.changed["national context series"] = figures.load_context_series(
        session, seed_dir / "national_home_office.csv"
    )
    report.changed["measures catalogue"] = measures.load_measures(session, seed_dir / "measures.yaml")
    report.changed["regions' own measures catalogues"] = give_regions_catalogues(session)
    report.changed["interviews (NORCE 2025, 3.1)"] = interviews.load_interviews(session, seed_dir / "interviews.yaml")
    report.changed["coworking spaces (example)"] = _seed_coworking(session, seed_dir / "coworking_example.csv")
    if surveys:
        for data, codebook in DEMO_SURVEYS:
            report.changed[f"survey {Path(data).stem}"] = _seed_survey(session, seed_dir / data, seed_dir / codebook)
    return report


def _seed_survey(session: Session, data: Path, codebook: Path) -> int:
    """Import a demo survey unless this exact file is already in the database."""
    slug = load_codebook(codebook).survey.slug
    exists = session.scalar(select(Survey.id).where(Survey.slug == slug)) is not None
    if exists and last_succeeded_sha256(session, SURVEY, slug) == sha256_of(data):
        return _sync_survey_block(session, codebook)
    result = import_survey(session, data, codebook, replace=True, created_by="fjernarbeid seed")
    return result.respondents


def _seed_coworking(session: Session, path: Path) -> int:
    from app.ingest.coworking_import import import_coworking, is_current

    if is_current(session, path):
        return 0
    result = import_coworking(session, path, created_by="fjernarbeid seed")
    return 0 if result.status == "unchanged" else result.inserted + result.updated


def _sync_survey_block(session: Session, codebook: Path) -> int:
    """The describing texts of a demo survey's codebook (title, population, weighting, citation, synthetic
    note, coverage) are brought up to date without re-importing the unchanged data; 1 when something
    changed. The answers and weights only change through an import."""
    meta = load_codebook(codebook).survey
    survey = session.scalar(select(Survey).where(Survey.slug == meta.slug))
    if survey is None:
        return 0
    texts = {
        "title": meta.title.as_dict(),
        "population": meta.population.as_dict() if meta.population else None,
        "weighting": meta.weighting.as_dict() if meta.weighting else None,
        "citation": meta.citation,
        "synthetic_note": meta.synthetic_note.as_dict() if meta.synthetic_note else None,
        "coverage": meta.coverage,
    }
    changed = {name: value for name, value in texts.items() if getattr(survey, name) != value}
    for name, value in changed.items():
        setattr(survey, name, value)
    session.flush()
    return 1 if changed else 0
