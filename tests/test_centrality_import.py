"""Another centrality classification can be loaded from a KLASS export."""

import pytest
from sqlalchemy import select

from app.db.models import CentralityClass, Municipality
from app.errors import ImportValidationError
from app.ingest.centrality import import_centrality


def test_correspondence_table_in_windows_1252(db, tmp_path):
    path = tmp_path / "korrespondanse.csv"
    path.write_bytes(
        "sourceCode;sourceName;targetCode;targetName\n4622;Kvam;5;Sentralitet 5\n"
        "4620;Ulvik;6;Sentralitet 6\n4618;Ullensvang;5;Sentralitet 5\n".encode("cp1252")
    )
    assert import_centrality(db, path, "SSB 2025 test") == 3
    classes = dict(
        db.execute(
            select(CentralityClass.kommunenummer, CentralityClass.centrality_class).where(
                CentralityClass.classification == "SSB 2025 test"
            )
        ).all()
    )
    assert classes == {"4622": 5, "4620": 6, "4618": 5}
    assert db.get(Municipality, "4622").centrality_class == 4  # default untouched


def test_code_list_with_index_values_can_become_the_default(db, tmp_path):
    path = tmp_path / "kodeliste.csv"
    path.write_text(
        '"code";"parentCode";"level";"name";"notes"\n"1";"";"1";"Sentralitet: 1 (925-1000)";""\n'
        '"5";"";"1";"Sentralitet: 5 (565-669)";""\n"4622";"5";"2";"Kvam";"600"\n',
        encoding="utf-8",
    )
    import_centrality(db, path, "KLASS test", set_default=True)
    kvam = db.get(Municipality, "4622")
    assert (kvam.centrality_class, kvam.centrality_classification) == (5, "KLASS test")
    assert db.get(CentralityClass, ("KLASS test", "4622")).index_value == 600


def test_unknown_municipality_is_reported(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sourceCode;targetCode\n9999;3\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="row 2"):
        import_centrality(db, path, "bad")
