"""`fjernarbeid seed` loads the reference data, and a second run changes nothing."""

from sqlalchemy import func, select

from app.db.models import Municipality, PostalCode, Region, RegionMember
from app.ingest.seed import seed_all


def test_second_seed_changes_nothing(db):
    before = {m: db.scalar(select(func.count()).select_from(m)) for m in (Municipality, PostalCode, RegionMember)}
    report = seed_all(db)
    assert report.total == 0, report.changed
    after = {m: db.scalar(select(func.count()).select_from(m)) for m in before}
    assert after == before


def test_seed_restores_a_changed_row(db):
    db.execute(Municipality.__table__.update().where(Municipality.kommunenummer == "4622").values(population=1))
    report = seed_all(db)
    assert report.changed["municipalities"] == 1
    assert db.get(Municipality, "4622").population == 8490


def test_reference_data_is_complete(db):
    assert db.scalar(select(func.count()).select_from(Municipality)) == 357
    assert db.scalar(select(func.count(func.distinct(Municipality.county_number)))) == 15
    assert db.scalar(select(func.count()).select_from(PostalCode)) == 5114
    assert db.get(Municipality, "0301").centrality_class == 1
    assert "2024" in db.get(Municipality, "4618").centrality_classification


def test_hardangerradet_has_its_four_municipalities(db):
    members = db.scalars(
        select(RegionMember.kommunenummer).join(Region).where(Region.name == "Hardangerrådet")
        .order_by(RegionMember.kommunenummer)
    ).all()
    assert members == ["4618", "4619", "4620", "4622"]
