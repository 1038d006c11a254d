"""The README's screenshots (docs/screenshots/*.png), made again: ``python -m tools.screenshots``.

Each picture is taken by the browser test that brings the page into the pictured state, run with
``--screenshots DIR``: pytest starts the app under gunicorn on a throw-away embedded PostgreSQL, migrated
and seeded with the demo data, and drives Debian's headless Chromium at 1366×768
(tests/browser/conftest.py). Without that option the tests save nothing, so an ordinary test run leaves
the working tree as it was.

    python -m tools.screenshots                  # all of them, into docs/screenshots
    python -m tools.screenshots oversikt om      # only these
    python -m tools.screenshots --into /tmp/shots
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"

B = "tests/browser/"
# picture → the test that takes it (``page.screenshot(name)`` or ``page.save_picture(name, …)``)
PICTURES: dict[str, str] = {
    "oversikt": B + "test_overview.py::test_overview_shows_the_regions_key_figures_with_the_synthetic_label",
    "kommune-4622": B
    + "test_municipality.py::test_every_hardanger_municipality_and_oslo_in_every_language_pass_axe[4622-nn]",
    "undersoking": B + "test_survey.py::test_default_view_shows_q22_with_the_synthetic_label_and_the_published_figure",
    "undersoking-chart": B
    + "test_survey.py::test_default_view_shows_q22_with_the_synthetic_label_and_the_published_figure",
    "samanhengar": B
    + "test_relationships.py::test_the_findings_are_drawn_with_claims_readings_tests_and_the_synthetic_label",
    "samanhengar-chart": B
    + "test_relationships.py::test_the_findings_are_drawn_with_claims_readings_tests_and_the_synthetic_label",
    "mobilitet": B
    + "test_mobility.py::test_region_step_uses_employed_residents_of_the_rural_municipalities_by_default",
    "nasjonalt": B + "test_national.py::test_the_national_page_in_every_language[nn-Nasjonalt bilete-Reglane]",
    "kontorfellesskap": B
    + "test_coworking.py::test_the_page_shows_the_regions_seats_with_both_labels_and_loads_nothing_from_outside",
    "tiltak": B + "test_measures.py::test_the_summary_comes_first_and_the_grids_are_folded_so_the_page_is_short",
    "intervju": B + "test_measures.py::test_the_interviews_page_shows_themes_and_quotes_accessibly[nb-Intervju]",
    "om": B + "test_about.py::test_the_page_documents_surveys_imports_and_reference_data",
    "presentasjonar": B + "test_present.py::test_save_three_views_reorder_and_present_them_with_the_keyboard",
    "presentasjonsmodus": B + "test_present.py::test_save_three_views_reorder_and_present_them_with_the_keyboard",
    "eksportert-diagram": B + "test_export.py::test_an_exported_chart_image_for_the_screenshots",
    "rediger-kontorfellesskap": B
    + "test_editing.py::test_an_editor_adds_a_space_sees_it_on_the_map_and_records_progress",
    "lysbilde-nokkeltall": B
    + "test_slides.py::test_a_sliver_at_the_end_of_the_funnel_is_a_key_figure_slide_under_its_key_sentence",
    "presentasjon-rediger": B
    + "test_slides.py::test_an_editor_retitles_annotates_and_duplicates_slides_of_a_deck_that_is_theirs_on_any_computer",
    "lysbilde-med-merknad": B
    + "test_slides.py::test_an_editor_retitles_annotates_and_duplicates_slides_of_a_deck_that_is_theirs_on_any_computer",
}


def command(names: list[str], into: Path) -> list[str]:
    """The pytest command that takes the pictures ``names`` (each test once, in the order of PICTURES)."""
    tests = list(dict.fromkeys(PICTURES[name] for name in PICTURES if name in names))
    # one process (-n 0): the pictures are taken in the order of PICTURES
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", f"--screenshots={into}", *tests]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"pictures to take (default: all): {', '.join(PICTURES)}"
    )
    parser.add_argument("--into", type=Path, default=SCREENSHOTS, help="directory (default: docs/screenshots)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in PICTURES]
    if unknown:
        parser.error(f"no such picture: {', '.join(unknown)} (known: {', '.join(PICTURES)})")
    return subprocess.call(command(args.names or list(PICTURES), args.into.resolve()), cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
