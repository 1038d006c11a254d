"""The survey explorer's figures and sentences, without a browser or database."""

from app.query.estimates import EstimateRow, ShareResult
from app.query.estimates import Test as Independence
from app.web.pages.survey import independence_sentence, key_sentence, p_text
from app.web.pages.survey.figures import bar_figure, group_label, likert_figure, likert_sides


def _result(by="gender", suppress_second=False) -> ShareResult:
    result = ShareResult("s", "q22", "Aktuelt å flytte", by, "Kjønn", {}, 10, 500)
    for group, code, n in (("Mann", 1, 260), ("Kvinne", 2, 8)):
        hidden = suppress_second and code == 2
        for answer, share in zip(range(1, 6), (0.05, 0.10, 0.20, 0.25, 0.40), strict=False):
            result.rows.append(
                EstimateRow(
                    group,
                    code,
                    answer,
                    f"A{answer}",
                    None if hidden else share,
                    None if hidden else 0.02,
                    None if hidden else share - 0.03,
                    None if hidden else share + 0.03,
                    None if hidden else n,
                    None if hidden else float(n),
                    hidden,
                )
            )
    return result


def test_likert_sides_put_the_middle_answer_in_the_neutral_group():
    assert likert_sides([1, 2, 3, 4, 5]) == ([1, 2], [3], [4, 5])
    assert likert_sides(["1+2", 3, 4, 5]) == (["1+2"], [3], [4, 5])


def test_group_label_carries_n_in_norwegian_format():
    assert group_label("Kvinne", 2400, "nb") == "Kvinne (n = 2\u00a0400)"
    assert group_label("Kvinne", None, "nb") == "Kvinne"


def test_likert_bars_diverge_and_suppressed_groups_keep_a_labelled_row():
    fig = likert_figure(_result(suppress_second=True), "T", "nb")
    bars = [t for t in fig.data if t.type == "bar"]
    negative = next(t for t in bars if t.name == "A5")
    assert all(x < 0 for x in negative.x)  # negative end to the left of zero
    text_rows = [t for t in fig.data if t.type == "scatter"]
    assert text_rows and text_rows[0].y == ("Kvinne",) and text_rows[0].text == ("for få svar",)
    assert fig.layout.xaxis.range[1] == -fig.layout.xaxis.range[0]


def test_bar_figure_has_intervals_for_every_bar():
    fig = bar_figure(_result(), "T", "en")
    for trace in fig.data:
        assert len(trace.error_x.array) == len(trace.x)


def test_independence_sentence_in_plain_words():
    significant = Independence(5.0, (1.0, 400.0), 0.003, "Rao-Scott")
    assert (
        independence_sentence(significant, "nb")
        == "Forskjellen mellom gruppene er statistisk signifikant (Rao–Scott F-test, p = 0,003)."
    )
    assert "er ikkje statistisk signifikant" in independence_sentence(Independence(0.4, (1.0, 400.0), 0.79, "x"), "nn")
    assert p_text(0.0001, "en") == "p < 0.001"


def test_the_key_sentence_names_the_most_common_answer_and_its_range_over_the_groups():
    result = _result()
    result.rows[4] = result.rows[4].__class__(**{**result.rows[4].__dict__, "estimate": 0.5})  # Mann: A5 50 %
    result.test = Independence(4.2, (3.9, 1500.0), 0.003, "Rao-Scott")
    sentence = key_sentence(result, "nb")
    assert sentence.startswith("«A5» varierer fra 40,0\u00a0% (Kvinne) til 50,0\u00a0% (Mann).")
    assert sentence.endswith(independence_sentence(result.test, "nb"))


def test_without_a_breakdown_the_key_sentence_gives_the_share_and_its_interval():
    result = _result(by=None)
    result.rows = [r for r in result.rows if r.group == "Mann"]
    assert key_sentence(result, "en") == "The most common answer is «A5»: 40.0% (37.0%–43.0%)."


def test_no_key_sentence_when_every_group_is_hidden():
    result = _result(suppress_second=True)
    result.rows = [r for r in result.rows if r.suppressed]
    assert key_sentence(result, "nn") == ""
