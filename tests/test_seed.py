"""`fjernarbeid seed` loads the reference data, and a second run changes nothing."""

from sqlalchemy import func, select

from app.db.models import Municipality, PostalCode, Region, RegionMember, Survey
from app.ingest import reference
from app.ingest.seed import SEED_DIR, seed_all


def test_second_seed_changes_nothing(db):
    before = {m: db.scalar(select(func.count()).select_from(m)) for m in (Municipality, PostalCode, RegionMember)}
    report = seed_all(db)
    assert report.total == 0, report.changed
    after = {m: db.scalar(select(func.count()).select_from(m)) for m in before}
    assert after == before


def test_one_seed_restores_a_changed_row_a_surveys_coverage_and_its_describing_texts(db):
    """Three changes, each restored and counted by one seed (a seed takes seconds, so they share it): a
    municipality's row; a survey's coverage, which comes from its codebook; a demo survey's describing texts,
    brought up to date without reimporting its answers."""
    assert db.scalar(select(Survey.coverage).where(Survey.slug == "demo_hardanger")) == "regional"
    assert db.scalar(select(Survey.coverage).where(Survey.slug == "demo_national")) == "national"
    db.execute(Municipality.__table__.update().where(Municipality.kommunenummer == "4622").values(population=1))
    db.execute(Survey.__table__.update().where(Survey.slug == "demo_hardanger").values(coverage="national"))
    db.execute(
        Survey.__table__.update()
        .where(Survey.slug == "demo_national")
        .values(citation="old text (seed/generate_demo.py)", weighting={"nb": "old"})
    )
    report = seed_all(db)
    assert report.changed["municipalities"] == 1
    assert db.get(Municipality, "4622").population == 8490
    assert report.changed["survey demo_hardanger"] == 1
    assert db.scalar(select(Survey.coverage).where(Survey.slug == "demo_hardanger")) == "regional"
    assert report.changed["survey demo_national"] == 1
    survey = db.scalar(select(Survey).where(Survey.slug == "demo_national"))
    assert survey.citation.startswith("Syntetisk") and "seed/" not in survey.citation
    assert "seed/" not in survey.weighting["nb"] and "aldersgruppe" in survey.weighting["nb"]


def test_reference_data_is_complete(db):
    assert db.scalar(select(func.count()).select_from(Municipality)) == 357
    assert db.scalar(select(func.count(func.distinct(Municipality.county_number)))) == 15
    assert db.scalar(select(func.count()).select_from(PostalCode)) == 5114
    assert db.get(Municipality, "0301").centrality_class == 1
    assert "2024" in db.get(Municipality, "4618").centrality_classification


def test_hardangerradet_has_its_four_municipalities(db):
    members = db.scalars(
        select(RegionMember.kommunenummer)
        .join(Region)
        .where(Region.name == "Hardangerrådet")
        .order_by(RegionMember.kommunenummer)
    ).all()
    assert members == ["4618", "4619", "4620", "4622"]


def test_ssb_figures_per_municipality_are_loaded_with_2024_codes(db):
    from app.db.models import MunicipalityStatistic as Stat

    def value(number, measure, period):
        return db.get(Stat, (number, measure, period))

    employed = (
        select(func.count())
        .select_from(Stat)
        .where(Stat.measure == "employed_by_residence_15_74", Stat.period == "2022-Q4")
    )
    assert db.scalar(employed) == 357  # every 2024 municipality
    assert value("4622", "employed_by_residence_15_74", "2022-Q4").value == 4258  # Kvam, SSB 11618
    assert value("4622", "employed_by_residence_15_74", "2022-Q4").source == "SSB 11618"
    assert value("4622", "population_25_60", "2026-01-01").value == 3500  # SSB 07459, summed by age
    # 1507 Ålesund (2020 code) was split in 2024: its figure is shared out and marked as an estimate
    aalesund, haram = (value(n, "employed_by_residence_15_74", "2022-Q4") for n in ("1508", "1580"))
    assert aalesund.is_estimate and haram.is_estimate and not value("4622", "population_15_74", "2022-Q4").is_estimate
    original = next(
        r
        for r in reference.read_csv(SEED_DIR / "reference" / reference.EMPLOYMENT_FILE)
        if r["kommunenummer"] == "1507" and r["year"] == "2022"
    )
    assert aalesund.value + haram.value == int(original["employed_by_residence_15_74"])
    assert aalesund.value > 5 * haram.value


def test_share_out_keeps_the_total():
    assert reference.share_out(10, [1, 1, 1]) == [4, 3, 3]
    assert reference.share_out(38_059, [43_815, 6_786]) == [32_955, 5_104]  # 32 955.2 and 5 103.8


def test_the_ssb_series_are_seeded_as_the_files_say(db):
    """Spot checks against SSB's published figures (seed/reference/ssb/SOURCES.md)."""
    from sqlalchemy import func, select

    from app.db.models import CommutingFlow, EducationLevel, PopulationAgeSex, PopulationChange, PopulationTotal

    def total(model, *where):
        return db.scalar(select(func.sum(model.population)).where(*where))

    assert total(PopulationAgeSex, PopulationAgeSex.year == 2026) == 5_627_400  # SSB, 1 January 2026
    assert total(PopulationAgeSex, PopulationAgeSex.kommunenummer == "4622") == 8_490  # Kvam
    assert db.get(PopulationTotal, ("4622", 2024)).population == 8_496
    kvam_2022 = {
        r.work: r.employed
        for r in db.scalars(select(CommutingFlow).where(CommutingFlow.home == "4622", CommutingFlow.year == 2022))
    }
    # 4 206 employed residents (SOURCES.md), less the 2 working in 1507 Ålesund, whose flows are left out
    assert sum(kvam_2022.values()) == 4_206 - 2 and kvam_2022["4622"] == 3_269 and kvam_2022["4601"] == 345
    assert db.get(EducationLevel, ("4622", 2024, "03a")).percent == 23.0
    assert db.get(PopulationChange, ("4601", 2020)).net_migration == 634
