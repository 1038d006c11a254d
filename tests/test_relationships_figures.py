"""Samanhengar's pure pieces: readings written from the estimates, tests in plain words, figures, tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.config import Config
from app.language import format_share, localized
from app.query.estimates import EstimateRow, MeanResult, MeanRow, ShareResult, estimate_mean, estimate_shares
from app.query.estimates import Test as GroupTest
from app.query.relationships import WALD_METHOD, equal_means_test, findings, top2_test
from app.web.pages import relationships
from app.web.pages.relationships import figures as page
from app.web.views.block import Views


def _texts(component) -> list[str]:
    """Every text in a Dash component tree."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    return [t for child in (children if isinstance(children, list) else [children]) for t in _texts(child)]


def _share(rows, by_label="Gruppe", question="Spørsmål", test=None) -> ShareResult:
    result = ShareResult("s", "q", question, "by", by_label, {}, 10, 100, rows=rows, test=test)
    result.suppressed_groups = [r.group for r in rows if r.suppressed]
    return result


def _row(group, code, est, cat="1+2", label="Enig", n=50):
    if est is None:
        return EstimateRow(group, code, cat, label, None, None, None, None, None, None, True)
    return EstimateRow(group, code, cat, label, est, 0.05, max(est - 0.1, 0), min(est + 0.1, 1), n, float(n))


def test_the_reading_compares_the_first_and_last_shown_group_of_the_statement_that_differs_most():
    small = _share([_row("Hver dag", 1, 0.50), _row("Aldri", 6, 0.45)], question="Liten forskjell")
    large = _share(
        [_row("Hver dag", 1, 0.90), _row("Sjelden", 5, 0.30), _row("Aldri", 6, None)], question="Stor forskjell"
    )
    text = page.reading_agree([small, large], "nb")
    assert (
        text
        == "Blant dem som svarer «Hver dag», er 90\u00a0% enige i «Stor forskjell», mot 30\u00a0% blant dem som svarer «Sjelden»."
    )
    assert "Aldri" not in text  # suppressed groups are never read out


def test_the_reading_says_so_when_there_is_nothing_to_compare():
    assert (
        page.reading_agree([_share([_row("A", 1, 0.5), _row("B", 2, None)])], "en")
        == "Too few respondents in the groups to compare."
    )


def test_travel_reading_uses_the_complement_of_up_to_half_an_hour_with_its_interval():
    rows = [
        _row("3+", 1, 0.2, cat=1, label="Inntil 30 minutter"),
        _row("3+", 1, 0.8, cat=2, label="Inntil en time"),
        _row("<3", 2, 0.6, cat=1, label="Inntil 30 minutter"),
        _row("<3", 2, 0.4, cat=2, label="Inntil en time"),
    ]
    result = _share(rows)
    group, share, low, high = page.over_half_hour(result)[0]
    assert group == "3+" and (share, low, high) == pytest.approx((0.8, 0.7, 0.9))
    text = page.reading_travel(result, "en")
    assert "80%" in text and "40%" in text and "“3+”" in text


@pytest.mark.parametrize(
    "p,lang,expected", [(0.0004, "nb", "p < 0,001"), (0.0158, "nb", "p = 0,016"), (0.2, "en", "p = 0.200")]
)
def test_p_values_in_the_languages_number_format(p, lang, expected):
    assert page.p_text(p, lang) == expected


def test_the_test_in_plain_words():
    assert "statistisk signifikant (Rao–Scott-test, p = 0,012)" in page.describe_test(
        GroupTest(5.0, (1, 99), 0.012, "Rao-Scott F"), "nb"
    )
    assert "ikke statistisk signifikant (Wald-test, p = 0,300)" in page.describe_test(
        GroupTest(1.0, (1, 99), 0.3, WALD_METHOD), "nb"
    )
    assert page.describe_test(None, "en").startswith("No test")


def test_equal_means_test_matches_a_two_group_z_test_and_skips_suppressed_groups():
    rows = [
        MeanRow("A", 1, 2.0, 0.1, 1.8, 2.2, 100, 100.0),
        MeanRow("B", 2, 2.3, 0.1, 2.1, 2.5, 100, 100.0),
        MeanRow("C", 3, None, None, None, None, None, None, True),
    ]
    result = MeanResult("s", "factory_index", "Indeks", "q22", {}, 10, 200, rows=rows)
    test = equal_means_test(result)
    z2 = (0.3 / np.sqrt(0.02)) ** 2
    assert test.statistic == pytest.approx(z2) and test.df == (1.0, 199.0)
    assert equal_means_test(MeanResult("s", "f", "I", "q22", {}, 10, 200, rows=rows[:1])) is None


def test_figures_and_tables_for_both_demo_surveys_in_every_language(db):
    for survey in ("demo_national", "demo_hardanger"):
        for lang in ("nb", "nn", "en"):
            found = findings(db, survey, min_n=10).map(lambda r, lang=lang: localized(r, lang))
            state = relationships.STATE.parse(
                db, Config(database_url=None, data_dir=Path("unused")), f"?survey={survey}", lang
            )
            views = Views(relationships.PATH, state)
            content = relationships.sections(found, views)
            assert len(views.views) == 6 and all(v.table.rows for v in views.views)
            assert len(content) == 5
            fig = page.facet_figure(found.home_office, lang, "t")
            assert len(fig.data) == 4 and fig.layout.separators
            assert page.mean_figure(found.factory, lang).layout.xaxis.range == (1, 5)
            assert len(page.travel_figure(found.travel, lang).data) == 2


def test_the_centrality_table_shows_the_query_layers_number(db):
    result = estimate_shares(db, "demo_national", "q23", by="centrality", collapse="top2", min_n=10)
    central = next(r for r in result.rows if r.group_code == 1)
    table = page.share_table(localized(result, "nb"), "nb", "Tabell")
    assert format_share(central.estimate, "nb", 0) in " ".join(_texts(table))


def test_factory_reading_is_written_from_the_means(db):
    result = estimate_mean(db, "demo_national", "factory_index", by="q22", min_n=10)
    text = page.reading_factory(localized(result, "nb"), "nb")
    assert "«Svært aktuelt»" in text and "«Helt uaktuelt»" in text
    assert equal_means_test(result).p_value < 0.05  # the report's direction holds in the demo data


def test_the_share_test_runs_where_the_all_categories_test_fails_on_a_sparse_table(db):
    full = estimate_shares(db, "demo_national", "q6_1", by="home_office", collapse="top2", min_n=10)
    test = top2_test(db, "demo_national", "q6_1", "home_office")
    assert full.test is None  # "every day" has empty disagree cells: singular, as in R's svychisq
    assert test is not None and test.df[0] == pytest.approx(test.df[0]) and test.p_value < 0.05


@pytest.mark.parametrize(
    "variable,by", [("q6_1", "home_office"), ("q6_3", "workspace"), ("q23", "centrality"), ("q23", "education")]
)
def test_the_top2_test_from_the_shares_cells_equals_the_separate_top2_test(db, variable, by):
    # min_n = 1: every group is shown, so both tests see the same table
    shares = estimate_shares(db, "demo_national", variable, by=by, collapse="top2", test="top2", min_n=1)
    separate = top2_test(db, "demo_national", variable, by)
    assert shares.test.statistic == pytest.approx(separate.statistic, rel=1e-9)
    assert shares.test.df == pytest.approx(separate.df) and shares.test.p_value == pytest.approx(separate.p_value)


def test_the_figures_built_unvalidated_are_as_plotly_validates_them(db, monkeypatch):
    """``facet_figure`` and ``bars_figure`` make their traces as dicts without Plotly's validation
    (``charts.figure_of``); with it switched on they come out the same."""
    from app.web.kit import charts

    found = findings(db, "demo_national", min_n=10).map(lambda r: localized(r, "nn"))

    def drawn():
        return (
            page.facet_figure(found.home_office, "nn", "t").to_dict(),
            page.bars_figure(found.centrality, "nn", "t").to_dict(),
        )

    fast = drawn()
    monkeypatch.setattr(charts, "VALIDATE", True)
    assert drawn() == fast


def test_a_table_is_one_component_with_every_text_escaped():
    table = page.share_table(_share([_row("<b>A</b> & {b}", 1, 0.5)]), "nb", "Tabell <i>")
    markup = table.children
    assert isinstance(markup, str) and "relationships-table" in markup
    assert "<b>A</b>" not in markup and "&lt;b&gt;A&lt;/b&gt; &amp; &#123;b&#125;" in markup
    assert '<th scope="row">' in markup and "Tabell &lt;i&gt;" in markup
