"""A page's state, declared once: parsed from an address, written back to one, and described in words.

The description is what export titles, presentation mode and citations will print, so it is
checked as a reader would read it, in each language.
"""

from __future__ import annotations

import pytest

from app.config import Config
from app.web.pages import coworking, mobility, survey


@pytest.fixture
def parse(db, database_url, tmp_path):
    config = Config(database_url=database_url, data_dir=tmp_path, secret_key="t")

    def parse(page, search: str, lang: str = "nb"):
        return page.STATE.parse(db, config, search, lang)

    return parse


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nb", "25–34 år, Kvinne"), ("nn", "25–34 år, Kvinne"), ("en", "25–34, Woman")],
)
def test_survey_filters_are_described_by_their_labels_in_the_language(parse, lang, words):
    state = parse(survey, "?f_gender=2&f_age_group=1", lang)
    assert state.ignored == []
    assert state.describe() == words


def test_the_description_follows_another_language_when_asked(parse):
    state = parse(survey, "?f_gender=1", "nb")
    assert (state.describe(), state.describe("en")) == ("Mann", "Man")


def test_no_filter_means_everyone_and_says_nothing(parse):
    assert parse(survey, "").describe() == ""


def test_the_region_is_named_even_when_it_is_the_default(parse):
    state = parse(coworking, "?status=active")
    assert state["region"] == state.defaults["region"]
    assert state.describe() == "Hardangerrådet, Aktiv"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nb", "Hele landet (uten regiontrinn), 25–34 år, 35–44 år"),
        ("en", "All of Norway (no region step), 25–34, 35–44"),
    ],
)
def test_mobility_describes_region_and_chosen_ages(parse, lang, words):
    state = parse(mobility, "?region=norge&filters=none&age=2,1", lang)
    assert state.describe() == words


def test_a_value_the_address_cannot_have_is_not_described(parse):
    state = parse(survey, "?f_gender=9&f_age_group=1", "nb")
    assert state.describe() == "25–34 år"
    assert ("f_gender", "9") in state.ignored


def test_the_address_written_from_a_state_parses_back_to_the_same_state(parse):
    state = parse(survey, "?f_age_group=2,1&by=gender", "nn")
    again = parse(survey, state.query(), "nn")
    assert again.values == state.values
    assert "f_age_group=1%2C2" in state.query()
