"""A council with internet brings the SSB series up to date: ``fjernarbeid import ssb FILE --table``.

The files here are written in the layouts SSB hands out (JSON-stat 2.0 from the PxWebApi; CSV from
Statistikkbanken with a title line, labels with codes, periods in the heading) and hold SSB's own
figures from ``seed/reference/ssb``, so an import must give back exactly what SSB published.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.db.models import (
    CommutingFlow,
    EducationLevel,
    ImportBatch,
    MunicipalityStatistic,
    PopulationAgeSex,
    PopulationChange,
    PopulationTotal,
)
from app.errors import ImportValidationError
from app.ingest.ssb_import import import_ssb

SSB = Path(__file__).resolve().parents[1] / "seed" / "reference" / "ssb"
KVAM = "4622"


def seed_rows(name: str, **where: str) -> list[dict[str, str]]:
    with (SSB / name).open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if all(r[k] == v for k, v in where.items())]


def json_stat(label: str, dimensions: list[tuple[str, str, list[tuple[str, str]]]], values: list) -> str:
    """A JSON-stat 2.0 dataset as the PxWebApi answers (dimension id, its label, (code, label) pairs)."""
    return json.dumps(
        {
            "version": "2.0",
            "class": "dataset",
            "label": label,
            "source": "Statistisk sentralbyrå",
            "id": [d[0] for d in dimensions],
            "size": [len(d[2]) for d in dimensions],
            "dimension": {
                dim_id: {
                    "label": dim_label,
                    "category": {
                        "index": {code: k for k, (code, _) in enumerate(categories)},
                        "label": dict(categories),
                    },
                }
                for dim_id, dim_label, categories in dimensions
            },
            "value": values,
        },
        ensure_ascii=False,
    )


def population_json(path: Path, municipality: str = KVAM, year: str = "2026") -> Path:
    """07459 for the country (no figures here: null), Vestland and one municipality, by sex and single age."""
    people = {
        (r["sex"], int(r["age"])): int(r["population"])
        for r in seed_rows("population_age_sex_07459.csv", kommunenummer=municipality)
    }
    ages = [(f"{a:03d}" if a < 105 else "105+", f"{a} år" if a < 105 else "105 år eller eldre") for a in range(106)]
    regions = [("0", "Hele landet"), ("46", "Vestland"), (municipality, "Kvam")]
    values = []
    for region, _ in regions:
        for sex in ("1", "2"):
            for age in range(106):
                values.append(people[(sex, age)] if region == municipality else (None if region == "0" else 1000))
    path.write_text(
        json_stat(
            "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
            [
                ("Region", "region", regions),
                ("Kjonn", "kjønn", [("1", "Menn"), ("2", "Kvinner")]),
                ("Alder", "alder", ages),
                ("ContentsCode", "statistikkvariabel", [("Personer1", "Personer")]),
                ("Tid", "år", [(year, year)]),
            ],
            values,
        ),
        encoding="utf-8",
    )
    return path


def test_population_by_age_restores_what_ssb_published_with_totals_and_bands(db, tmp_path):
    expected = {
        (int(r["sex"]), int(r["age"])): int(r["population"])
        for r in seed_rows("population_age_sex_07459.csv", kommunenummer=KVAM)
    }
    db.execute(delete(PopulationAgeSex).where(PopulationAgeSex.kommunenummer == KVAM))
    db.execute(delete(PopulationTotal).where(PopulationTotal.kommunenummer == KVAM, PopulationTotal.year == 2026))

    result = import_ssb(db, population_json(tmp_path / "07459.json"), "07459")

    stored = dict(
        ((sex, age), n)
        for sex, age, n in db.execute(
            select(PopulationAgeSex.sex, PopulationAgeSex.age, PopulationAgeSex.population).where(
                PopulationAgeSex.kommunenummer == KVAM, PopulationAgeSex.year == 2026
            )
        ).all()
    )
    assert stored == expected
    total = db.get(PopulationTotal, (KVAM, 2026))
    assert (
        total.population
        == sum(expected.values())
        == int(seed_rows("population_total_2006_2026_b2024.csv", kommunenummer=KVAM, year="2026")[0]["population"])
    )
    band = seed_rows("population_bands_07459.csv", kommunenummer=KVAM, year="2026")[0]
    assert db.get(MunicipalityStatistic, (KVAM, "population_25_60", "2026-01-01")).value == int(
        band["population_25_60"]
    )
    assert result.skipped_areas == 2 * 2 * 106  # the country and Vestland
    assert result.written["population_age_sex"] == 212
    assert "population_age_sex" in result.summary()
    batch = db.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert (batch.kind, batch.status, batch.row_count) == ("ssb_07459", "succeeded", 212 + 1 + 2)


def test_importing_the_same_figures_again_changes_nothing(db, tmp_path):
    path = population_json(tmp_path / "07459.json")
    assert import_ssb(db, path, "07459").changed == 0  # the seed holds the same SSB figures


def test_statistikkbanken_csv_with_title_line_labels_and_years_in_the_heading(db, tmp_path):
    """Statistikkbanken's semicolon CSV in Windows-1252: a title line, 'K-4622 Kvam' labels, the year in the heading."""
    rows = {r["year"]: r for r in seed_rows("population_total_2006_2026_b2024.csv", kommunenummer=KVAM)}
    db.execute(delete(PopulationTotal).where(PopulationTotal.kommunenummer == KVAM))
    text = (
        "07459: Befolkning, etter region, statistikkvariabel og år\n\n"
        '"region";"Personer 2024";"Personer 2025";"Personer 2026"\n'
        f'"K-{KVAM} Kvam";{rows["2024"]["population"]};{rows["2025"]["population"]};{rows["2026"]["population"]}\n'
        '"46 Vestland";"651 299";"656 221";".."\n'
    )
    path = tmp_path / "Befolkning.csv"
    path.write_bytes(text.encode("cp1252"))

    result = import_ssb(db, path)  # the table number is read from the title

    assert result.table == "07459"
    stored = dict(
        db.execute(
            select(PopulationTotal.year, PopulationTotal.population).where(PopulationTotal.kommunenummer == KVAM)
        ).all()
    )
    assert stored == {y: int(rows[str(y)]["population"]) for y in (2024, 2025, 2026)}


def test_commuting_matrix_in_api_csv_with_codes_and_nil_removes_a_flow(db, tmp_path):
    flows = {
        (r["bosted_kommunenummer_2024"], r["arbeidssted_kommunenummer_2024"]): int(r["employed"])
        for r in seed_rows("commuting_2020_2022_all.csv", year="2022", bosted_kommunenummer=KVAM)
        if r["arbeidssted_kommunenummer_2024"]  # 1507 Ålesund, split in 2024, is not stored
    }
    db.execute(delete(CommutingFlow).where(CommutingFlow.home == KVAM, CommutingFlow.year == 2022))
    lines = ['"bostedskommune","arbeidsstedskommune","statistikkvariabel","år","03321: Sysselsatte"']
    lines += [f'"{KVAM}","{work}","Sysselsatte","2022",{n}' for (_, work), n in flows.items()]
    lines.append(f'"{KVAM}","2311","Sysselsatte","2022",3')  # the continental shelf: not a municipality
    path = tmp_path / "03321.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    import_ssb(db, path, "03321")
    stored = dict(
        db.execute(
            select(CommutingFlow.work, CommutingFlow.employed).where(
                CommutingFlow.home == KVAM, CommutingFlow.year == 2022
            )
        ).all()
    )
    assert stored == {work: n for (_, work), n in flows.items()}

    nil = tmp_path / "03321-nil.csv"
    nil.write_text(lines[0] + f'\n"{KVAM}","4601","Sysselsatte","2022","-"\n', encoding="utf-8")
    import_ssb(db, nil, "03321")
    assert db.get(CommutingFlow, (2022, KVAM, "4601")) is None
    assert db.get(CommutingFlow, (2022, KVAM, KVAM)).employed == flows[(KVAM, KVAM)]


def test_employment_change_and_education(db, tmp_path):
    work = seed_rows("employment_11618_2020_2022_all.csv", kommunenummer=KVAM, year="2022")[0]
    change = seed_rows("population_change_06913_vestland_2020_2025.csv", kommunenummer=KVAM, year="2024")[0]
    levels = seed_rows("education_09429_2024.csv", kommunenummer=KVAM)
    db.execute(delete(MunicipalityStatistic).where(MunicipalityStatistic.kommunenummer == KVAM))
    db.execute(delete(PopulationChange).where(PopulationChange.kommunenummer == KVAM))
    db.execute(delete(EducationLevel).where(EducationLevel.kommunenummer == KVAM))

    employment = tmp_path / "11618.csv"
    employment.write_text(
        '"region";"statistikkvariabel";"år";"11618: Sysselsatte"\n'
        f'"{KVAM} Kvam";"Befolkning 15-74 år";"2022";{work["population_15_74"]}\n'
        f'"{KVAM} Kvam";"Sysselsatte 15-74 år, etter bosted";"2022";{work["employed_by_residence_15_74"]}\n'
        f'"{KVAM} Kvam";"Sysselsatte 15-74 år, etter arbeidssted";"2022";{work["employed_by_workplace_15_74"]}\n'
        f'"{KVAM} Kvam";"Sysselsatte i prosent av befolkningen";"2022";"74,1"\n',
        encoding="utf-8",
    )
    import_ssb(db, employment, "11618")
    assert db.get(MunicipalityStatistic, (KVAM, "employed_by_residence_15_74", "2022-Q4")).value == int(
        work["employed_by_residence_15_74"]
    )

    migration = tmp_path / "06913.json"
    contents = [
        ("Folketallet11", "Befolkning 1. januar"),
        ("Fodselsoverskudd", "Fødselsoverskudd"),
        ("Nettoinnflytting", "Nettoinnflytting inkl. inn- og utvandring"),
    ]
    migration.write_text(
        json_stat(
            "06913: Befolkning og endringar",
            [
                ("Region", "region", [(KVAM, "Kvam")]),
                ("ContentsCode", "statistikkvariabel", contents),
                ("Tid", "år", [("2024", "2024")]),
            ],
            [int(change["population_jan1"]), int(change["birth_surplus"]), int(change["net_migration"])],
        ),
        encoding="utf-8",
    )
    import_ssb(db, migration, "06913")
    stored = db.get(PopulationChange, (KVAM, 2024))
    assert (stored.birth_surplus, stored.net_migration) == (int(change["birth_surplus"]), int(change["net_migration"]))

    education = tmp_path / "09429.csv"
    education.write_text(
        '"region";"nivå";"statistikkvariabel";"år";"09429: Personer 16 år og over"\n'
        + "".join(
            f'"{KVAM} Kvam";"{r["nivaa_label"]}";"Personer 16 år og over (prosent)";"2024";"{r["percent_of_residents_16plus"].replace(".", ",")}"\n'
            f'"{KVAM} Kvam";"{r["nivaa_label"]}";"Personer 16 år og over";"2024";"1200"\n'
            for r in levels
        ),
        encoding="utf-8",
    )
    import_ssb(db, education, "09429")
    stored_levels = dict(
        db.execute(
            select(EducationLevel.level, EducationLevel.percent).where(EducationLevel.kommunenummer == KVAM)
        ).all()
    )
    assert stored_levels == {r["nivaa_code"]: float(r["percent_of_residents_16plus"]) for r in levels}


def _refused(db, path: Path, table: str | None, *fragments: str) -> str:
    before = db.scalar(select(func.count()).select_from(PopulationAgeSex))
    flows = db.scalar(select(func.count()).select_from(CommutingFlow))
    with pytest.raises(ImportValidationError) as caught:
        import_ssb(db, path, table)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "Fix:" in message
    assert db.scalar(select(func.count()).select_from(PopulationAgeSex)) == before
    assert db.scalar(select(func.count()).select_from(CommutingFlow)) == flows
    return message


def test_a_file_of_another_table_is_refused(db, tmp_path):
    message = _refused(
        db, population_json(tmp_path / "07459.json"), "03321", "07459.json", "is SSB table 07459, not 03321"
    )
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_a_table_the_dashboard_does_not_read_is_refused(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('"region";"år";"12345: Noe annet"\n"4622 Kvam";"2024";1\n', encoding="utf-8")
    message = _refused(db, path, None, "SSB table 12345 is not one the dashboard reads", "07459")
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_no_table_number_anywhere_asks_for_table(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('"region";"år";"Personer"\n"4622 Kvam";"2024";1\n', encoding="utf-8")
    message = _refused(db, path, None, "does not say which SSB table", "--table")
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_age_groups_instead_of_single_years_name_the_row(db, tmp_path):
    path = tmp_path / "07459.csv"
    path.write_text(
        '"region";"kjønn";"alder";"år";"07459: Befolkning"\n'
        '"4622 Kvam";"Menn";"0 år";"2026";40\n'
        '"4622 Kvam";"Menn";"15-19 år";"2026";250\n',
        encoding="utf-8",
    )
    message = _refused(
        db, path, "07459", "07459.csv, row 3, column 07459: Befolkning", "'15-19 år'", "single years of age"
    )
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_a_municipality_of_an_old_structure_is_refused_but_empty_old_rows_are_not(db, tmp_path):
    path = tmp_path / "03321.csv"
    path.write_text(
        '"bostedskommune";"arbeidsstedskommune";"år";"03321: Sysselsatte"\n'
        '"1201 Bergen (-2019)";"4622 Kvam";"2022";".."\n'
        '"1238 Kvam (-2019)";"4622 Kvam";"2022";1500\n',
        encoding="utf-8",
    )
    message = _refused(db, path, "03321", "row 3", "'1238'", "current regional division")
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_a_value_that_is_not_a_number_is_refused(db, tmp_path):
    path = tmp_path / "03321.csv"
    path.write_text(
        '"bostedskommune";"arbeidsstedskommune";"år";"03321: Sysselsatte"\n"4622 Kvam";"4601 Bergen";"2022";"mange"\n',
        encoding="utf-8",
    )
    message = _refused(db, path, "03321", "row 2", "'mange'", "a number, or one of SSB's symbols")
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_a_missing_dimension_and_an_extra_one_are_named(db, tmp_path):
    path = tmp_path / "07459.csv"
    path.write_text(
        '"region";"kjønn";"sivilstand";"år";"07459: Befolkning"\n"4622 Kvam";"Menn";"Gift";"2026";40\n',
        encoding="utf-8",
    )
    message = _refused(db, path, "07459", "column sivilstand", "a dimension of SSB table 07459")
    assert "nothing was imported" in message


def test_sex_without_age_is_refused(db, tmp_path):
    path = tmp_path / "07459.csv"
    path.write_text('"region";"kjønn";"år";"07459: Befolkning"\n"4622 Kvam";"Menn";"2026";4400\n', encoding="utf-8")
    message = _refused(db, path, "07459", "both sex and age, or neither")
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("07459.json", b'{"version": "2.0", "columns": []}', "not a JSON-stat 2.0 dataset"),
        ("07459.json", b"{broken", "not valid JSON"),
        ("07459.xlsx", b"PK\x03\x04", "unknown file type '.xlsx'"),
        ("07459.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        ("07459.csv", b"Befolkning\nKvam;Ulvik\n1;2\n", "no header row naming SSB's dimensions"),
    ],
)
def test_files_that_are_not_ssb_downloads_are_refused(db, tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    message = _refused(db, path, "07459", fragment)
    assert message.split(":")[0].endswith((".json", ".csv", ".xlsx")), message  # names the file first


def test_cli_imports_and_a_failure_exits_4_and_is_logged(database_url, tmp_path, capsys, engine, monkeypatch):
    """The same SSB figures as the seed's, so the shared database keeps its content."""
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    path = population_json(tmp_path / "07459.json")
    assert main(["import", "ssb", str(path), "--table", "07459"]) == 0
    assert "SSB 07459" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("{broken", encoding="utf-8")
    assert main(["import", "ssb", str(bad), "--table", "07459"]) == 4
    assert "not valid JSON" in capsys.readouterr().err
    with engine.connect() as connection:
        status = connection.execute(
            select(ImportBatch.status).where(ImportBatch.kind == "ssb_07459").order_by(ImportBatch.id.desc())
        ).first()
    assert status == ("failed",)


def test_an_older_year_of_population_leaves_the_pages_on_the_newest(db, tmp_path):
    """Education is weighted by residents 16+ of the newest year only, and the pyramid stays on it.

    (The file carries the 2026 figures under 2025, in a transaction that is rolled back: only which
    year the pages pick is checked here.)"""
    from app.query.municipality import age_pyramid, education

    before = education(db, (KVAM,), "46")
    import_ssb(db, population_json(tmp_path / "07459-2025.json", year="2025"), "07459")
    assert db.get(PopulationTotal, (KVAM, 2025)) is not None
    assert education(db, (KVAM,), "46") == before
    assert age_pyramid(db, (KVAM,))[0] == 2026
