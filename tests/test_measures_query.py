"""The measures query layer: the catalogue, the progress grid's defaults and the evidence figures."""

from app.db.models import MeasureProgress, Region
from app.query.estimates import estimate_mean, estimate_shares
from app.query.measures import catalogue, evidence, opportunities, progress_grid


def test_the_catalogue_has_five_areas_with_activities_and_eight_opportunities(db):
    areas = catalogue(db)
    assert [a.number for a in areas] == [1, 2, 3, 4, 5]
    assert all(a.activities and a.evidence for a in areas)
    assert [o.number for o in opportunities(db)] == list(range(1, 9))


def test_activities_without_a_record_are_not_started_and_records_are_read(db):
    areas = catalogue(db, "hardangerradet")
    grid = progress_grid(db, "hardangerradet")
    assert [p.name for p in grid.places][-1] == "Hardangerrådet" and len(grid.places) == 5
    first = areas[0].activities[0]
    assert grid.recorded == 0 and grid.statuses(first.id) == {"not_started"}
    region = db.query(Region).filter_by(slug="hardangerradet").one()
    db.add(MeasureProgress(activity_id=first.id, region_id=region.id, status="planned", owner="Rådet"))
    db.flush()
    grid = progress_grid(db, "hardangerradet")
    assert grid.recorded == 1 and grid.statuses(first.id) == {"not_started", "planned"}
    assert grid.get(first.id, "region").owner == "Rådet"


def test_evidence_is_the_share_of_the_first_answer_the_top_two_or_the_mean(db):
    q13 = evidence(db, "demo_national", "q13", min_n=10)
    own_room = next(r for r in estimate_shares(db, "demo_national", "q13", min_n=10).rows if r.code == 1)
    assert q13.kind == "share" and abs(q13.estimate - own_room.estimate) < 1e-12
    q22 = evidence(db, "demo_national", "q22", min_n=10)
    top2 = next(
        r for r in estimate_shares(db, "demo_national", "q22", collapse="top2", min_n=10).rows if r.code == "1+2"
    )
    assert abs(q22.estimate - top2.estimate) < 1e-12
    index = evidence(db, "demo_national", "factory_index", min_n=10)
    assert index.kind == "mean"
    assert abs(index.estimate - estimate_mean(db, "demo_national", "factory_index", min_n=10).rows[0].estimate) < 1e-12
    assert evidence(db, "demo_national", "no_such_variable", min_n=10).kind == "unavailable"
