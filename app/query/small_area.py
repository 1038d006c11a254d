"""Model-based estimates ("modellbasert anslag") of a share for one municipality.

The national survey has too few respondents in most municipalities to describe them directly. This
estimate borrows strength from the whole survey instead: a design-weighted logistic regression of
the share on age group, gender and centrality class (``app/stats/small_area.py``, as R's
``svyglm``), predicted for each age group × gender cell at the municipality's centrality class and
weighted by the municipality's residents in each cell (SSB 07459, latest year, the survey's age
groups summed from single years of age). It assumes that people of the same age group, gender and
centrality class answer alike wherever they live: it is a model's answer, never a direct estimate,
and every place that shows it says so.

With ``education=True`` (where the survey's codebook declares ``education_covariate``: its education answers
grouped as SSB 09429 levels) the model adds education, and each municipality's age group × gender ×
education cells are raked (``app.stats.small_area.rake``, as R's ``survey::rake``) to both its residents
25–60 by age group and gender (SSB 07459) and its education level (SSB 09429, residents 16 and over),
starting from the survey's own weighted counts of the same cells, so the cells keep the survey's
association between age, gender and education. tests/test_small_area.py holds it against R
(tests/r_reference/make_small_area_education.R). The default model stays the one without education: a
survey without the declaration, and every page, gets the model every user has seen.

Only cell sums leave the database (n, Σw, Σw·y, Σw², Σw²·y per predictor combination); a cell with
few respondents is part of the fit but is never shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import AnswerVector, EducationLevel, Municipality, PopulationAgeSex, Survey
from app.query.data_version import remembered
from app.query.metadata import QueryError, QuestionInfo, survey_meta
from app.stats.small_area import AreaEstimate, Cell, LogisticFit, area_estimate, fit_cells, rake

VECTOR = AnswerVector.__table__
PREDICTORS = ("age_group", "gender", "centrality")
METHOD = (
    "model-based estimate: design-weighted logistic regression on age group + gender + centrality class "
    "(as R's survey::svyglm, quasibinomial), predicted per age group × gender at the municipality's "
    "centrality class and weighted by its residents (SSB 07459); delta-method standard error, 95 % interval "
    "on the logit scale"
)
METHOD_EDUCATION = (
    "model-based estimate: design-weighted logistic regression on age group + gender + education + centrality "
    "class (as R's survey::svyglm, quasibinomial), predicted per age group × gender × education at the "
    "municipality's centrality class and weighted by its residents, the cells raked (as R's survey::rake) to "
    "residents 25–60 by age group and gender (SSB 07459) and to education level (SSB 09429, residents 16 and "
    "over) from the survey's weighted cells; delta-method standard error, 95 % interval on the logit scale"
)
SSB_SEX = {1: 1, 2: 2}  # the survey's gender code → SSB's sex code (1 male, 2 female)


@dataclass
class SmallAreaResult:
    survey: str
    variable: str
    question: dict
    categories: list[int]  # the answer codes counted as "yes"
    kommunenummer: str
    municipality: str
    centrality: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    population_year: int
    respondents: int  # in the model
    method: str = METHOD
    cells: list[dict] = field(default_factory=list)
    covariates: list[str] = field(default_factory=lambda: list(PREDICTORS))
    education_year: int | None = None  # SSB 09429's year, when education is a covariate
    synthetic_note: dict | None = None  # the survey's label when its data are synthetic

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _predictor(meta, variable: str) -> QuestionInfo:
    try:
        return meta.question(variable)
    except QueryError:
        raise QueryError(
            f"A model-based estimate needs the variable {variable!r} ({', '.join(PREDICTORS)}); "
            f"survey {meta.slug!r} does not have it."
        ) from None


@dataclass
class Model:
    """A fitted model for one share of one survey, ready to predict for any municipality."""

    survey: str
    question: QuestionInfo
    categories: list[int]
    age: QuestionInfo
    gender: QuestionInfo
    fit: LogisticFit
    synthetic_note: dict | None
    education: Education | None = None


@dataclass
class Education:
    """Education as a covariate: the codebook's groups (answer codes → SSB 09429 levels) and the survey's
    weighted count of each age group × gender × education cell, the raking's seed."""

    variable: QuestionInfo
    groups: list[dict]  # the codebook's education_covariate groups: codes, ssb_09429, label
    seed: dict[tuple[int, ...], float]

    @property
    def predictors(self) -> tuple[str, ...]:
        return ("age_group", "gender", "education", "centrality")

    def group_of(self) -> dict[int, int]:
        return {code: k + 1 for k, g in enumerate(self.groups) for code in g["codes"]}


def fit_model(
    session: Session,
    survey: str,
    variable: str,
    collapse: str | None = None,
    categories: Sequence[int] | None = None,
    education: bool = False,
) -> Model:
    """The model of ``variable``'s first valid answer (``collapse="top2"``: its two first; ``categories``:
    these answer codes) over the whole survey; ``education``: with education as a covariate (the survey's
    codebook must declare ``education_covariate``). Remembered until the data version changes: Kommune fits
    the same models for every municipality (the fit reads the whole survey; it is not changed by its users)."""
    key = (
        "small_area.fit_model",
        survey,
        variable,
        collapse,
        None if categories is None else tuple(categories),
        education,
    )
    return remembered(session, key, lambda: _fit_model(session, survey, variable, collapse, categories, education))


def _fit_model(
    session: Session,
    survey: str,
    variable: str,
    collapse: str | None,
    categories: Sequence[int] | None,
    education: bool,
) -> Model:
    meta = survey_meta(session, survey)
    question = meta.question(variable)
    valid = question.valid_codes
    if question.is_numeric or len(valid) < 2:
        raise QueryError(f"{variable!r} is not a question with answer categories; a share needs one.")
    if collapse not in (None, "top2"):
        raise QueryError(f"--collapse {collapse!r}: only 'top2' (the two first answers) is known.")
    if categories is not None:
        unknown = [c for c in categories if c not in valid]
        if unknown or not categories:
            raise QueryError(f"Answer codes {unknown or list(categories)} are not valid answers to {variable!r}.")
        chosen = sorted(set(categories))
    else:
        chosen = valid[:2] if collapse == "top2" else valid[:1]
    age, gender, centrality = (_predictor(meta, p) for p in PREDICTORS)
    if not age.ranges:
        raise QueryError(
            f"The age groups of survey {survey!r} have no age ranges (it was imported before they were kept); "
            "import it again."
        )
    covariate = None
    if education:
        declared = (meta.codebook or {}).get("education_covariate")
        if not declared:
            raise QueryError(
                f"Survey {survey!r} does not declare education_covariate in its codebook (its education answers "
                "as SSB 09429 levels), so education cannot be a covariate."
            )
        covariate = Education(_predictor(meta, declared["variable"]), declared["groups"], {})
    cells = _cells(session, meta, question, chosen, age, gender, centrality, covariate)
    predictors = covariate.predictors if covariate else PREDICTORS
    fit = fit_cells(cells, predictors, meta.n_design)
    if covariate:
        for c in cells:
            key = (c.values["age_group"], c.values["gender"], c.values["education"])
            covariate.seed[key] = covariate.seed.get(key, 0.0) + c.sw
    synthetic = session.execute(select(Survey.is_synthetic, Survey.synthetic_note).where(Survey.id == meta.id)).one()
    note = (synthetic.synthetic_note or {"en": "synthetic data"}) if synthetic.is_synthetic else None
    return Model(survey, question, chosen, age, gender, fit, note, covariate)


def predict(session: Session, model: Model, kommunenummer: str) -> SmallAreaResult:
    """The model's share for one municipality (QueryError when it cannot speak for it)."""
    place = session.get(Municipality, kommunenummer)
    if place is None:
        raise QueryError(f"No municipality has the number {kommunenummer!r} (four digits, e.g. 4622).")
    if place.centrality_class is None:
        raise QueryError(f"{place.name} has no centrality class, which the model needs.")
    fit = model.fit
    if place.centrality_class not in fit.design.levels["centrality"]:
        raise QueryError(
            f"No respondent of survey {model.survey!r} lives in a municipality of centrality class "
            f"{place.centrality_class}, so the model cannot speak for {place.name}."
        )
    year, population = _population(session, kommunenummer, model.age, model.gender, fit.design.levels)
    education_year = None
    if model.education:
        education_year, population = _raked(session, kommunenummer, model.education, population)
    result = area_estimate(fit, {"centrality": place.centrality_class}, population)
    return SmallAreaResult(
        model.survey,
        model.question.variable,
        model.question.text,
        model.categories,
        kommunenummer,
        place.name,
        place.centrality_class,
        result.estimate,
        result.se,
        result.ci_low,
        result.ci_high,
        year,
        fit.n,
        cells=[
            {
                **c,
                "age_group_label": model.age.label(c["age_group"]),
                "gender_label": model.gender.label(c["gender"]),
                **({"education_label": model.education.groups[c["education"] - 1]["label"]} if model.education else {}),
            }
            for c in result.cells
        ],
        synthetic_note=model.synthetic_note,
        method=METHOD_EDUCATION if model.education else METHOD,
        covariates=list(fit.design.predictors),
        education_year=education_year,
    )


def predict_area(session: Session, model: Model, numbers: Sequence[str]) -> AreaEstimate:
    """The model's share for several municipalities together (a region): every member's age group × gender
    cells at its own centrality class, weighted by its residents."""
    fit = model.fit
    classes = dict(
        session.execute(
            select(Municipality.kommunenummer, Municipality.centrality_class).where(
                Municipality.kommunenummer.in_(list(numbers))
            )
        ).all()
    )
    population: dict[tuple[int, ...], float] = defaultdict(float)
    for number in numbers:
        centrality = classes.get(number)
        if centrality not in fit.design.levels["centrality"]:
            raise QueryError(f"The model cannot speak for {number}: its centrality class is not in the survey.")
        _year, cells = _population(session, number, model.age, model.gender, fit.design.levels)
        if model.education:
            _year, cells = _raked(session, number, model.education, cells)
        for cell, people in cells.items():
            population[(*cell, centrality)] += people
    return area_estimate(fit, {}, population)


def small_area_estimate(
    session: Session,
    survey: str,
    variable: str,
    kommunenummer: str,
    collapse: str | None = None,
    categories: Sequence[int] | None = None,
    education: bool = False,
) -> SmallAreaResult:
    """The model-based share for one municipality (see ``fit_model`` and ``predict``)."""
    return predict(session, fit_model(session, survey, variable, collapse, categories, education), kommunenummer)


def county_estimates(
    session: Session,
    survey: str,
    variable: str,
    county_number: str,
    categories: Sequence[int] | None = None,
    education: bool = False,
) -> list[SmallAreaResult | tuple[str, str]]:
    """The model-based share for every municipality of a county, from one fit (``education``: with education
    as a covariate); a municipality the model cannot speak for is (kommunenummer, name). Remembered until the
    data version changes: every municipality of the county shows the same map (some 130 statements)."""
    key = (
        "small_area.county_estimates",
        survey,
        variable,
        county_number,
        None if categories is None else tuple(categories),
        education,
    )
    return list(
        remembered(
            session, key, lambda: _county_estimates(session, survey, variable, county_number, categories, education)
        )
    )


def _county_estimates(
    session: Session,
    survey: str,
    variable: str,
    county_number: str,
    categories: Sequence[int] | None,
    education: bool,
) -> list[SmallAreaResult | tuple[str, str]]:
    model = fit_model(session, survey, variable, categories=categories, education=education)
    found: list[SmallAreaResult | tuple[str, str]] = []
    for number, name in session.execute(
        select(Municipality.kommunenummer, Municipality.name)
        .where(Municipality.county_number == county_number)
        .order_by(Municipality.name)
    ):
        try:
            found.append(predict(session, model, number))
        except QueryError:
            found.append((number, name))
    return found


def _cells(session, meta, question, categories, age, gender, centrality, education=None) -> list[Cell]:
    """Cell sums per predictor combination, over the respondents with a valid answer and all predictors
    (``education``: also an education answer in one of its groups, counted as the group's number)."""
    infos = (age, gender, centrality)
    columns = [VECTOR.c.codes[info.slot] for info in infos]
    allowed = [info.valid_codes for info in infos]
    if education:
        group_of = education.group_of()
        columns.append(VECTOR.c.codes[education.variable.slot])
        allowed.append([code for code in education.variable.valid_codes if code in group_of])
    y = VECTOR.c.codes[question.slot]
    w = VECTOR.c.weight
    stmt = (
        select(*columns, y, func.count(), func.sum(w), func.sum(w * w))
        .where(
            VECTOR.c.survey_id == meta.id,
            y.in_(question.valid_codes),
            *[column.in_(codes) for column, codes in zip(columns, allowed, strict=True)],
        )
        .group_by(*columns, y)
    )
    sums: dict[tuple[int, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0])
    for a, g, c, *rest in session.execute(stmt):
        code, n, sw, sw2 = rest[-4:]
        key: tuple[int, ...] = (a, g, group_of[rest[0]], c) if education else (a, g, c)
        cell = sums[key]
        yes = code in categories
        cell[0] += n
        cell[1] += sw
        cell[2] += sw if yes else 0.0
        cell[3] += sw2
        cell[4] += sw2 if yes else 0.0
    predictors = education.predictors if education else PREDICTORS
    return [Cell(dict(zip(predictors, key, strict=True)), int(s[0]), *s[1:]) for key, s in sorted(sums.items())]


def _population(session, kommunenummer: str, age: QuestionInfo, gender: QuestionInfo, levels) -> tuple[int, dict]:
    """(year, {(age group, gender): residents}) for the model's age groups and genders, latest year."""
    year = session.scalar(
        select(func.max(PopulationAgeSex.year)).where(PopulationAgeSex.kommunenummer == kommunenummer)
    )
    if year is None:
        raise QueryError(f"There are no SSB population figures by age and sex for {kommunenummer}.")
    rows = session.execute(
        select(PopulationAgeSex.sex, PopulationAgeSex.age, PopulationAgeSex.population).where(
            PopulationAgeSex.kommunenummer == kommunenummer, PopulationAgeSex.year == year
        )
    ).all()
    population: dict[tuple[int, int], float] = defaultdict(float)
    sexes = {ssb: code for code, ssb in SSB_SEX.items() if code in levels["gender"]}
    for sex, years, people in rows:
        group = next((code for code, (low, high) in age.ranges.items() if low <= years <= high), None)
        if group is not None and group in levels["age_group"] and sex in sexes:
            population[(group, sexes[sex])] += people
    if not population:
        raise QueryError(f"No residents of {kommunenummer} fall in the survey's age groups and genders.")
    return year, dict(population)


def _raked(session, kommunenummer: str, education: Education, population: dict) -> tuple[int, dict]:
    """(SSB 09429's year, {(age group, gender, education group): residents}): the survey's weighted cells
    raked to the municipality's residents by age group × gender and to its education level (09429's
    percentages of residents 16 and over, over the levels the groups name, times its residents 25–60)."""
    year = session.scalar(select(func.max(EducationLevel.year)).where(EducationLevel.kommunenummer == kommunenummer))
    if year is None:
        raise QueryError(f"There are no SSB education figures (09429) for {kommunenummer}.")
    percent = dict(
        session.execute(
            select(EducationLevel.level, EducationLevel.percent).where(
                EducationLevel.kommunenummer == kommunenummer, EducationLevel.year == year
            )
        ).all()
    )
    shares = {k + 1: sum(percent.get(level, 0.0) for level in g["ssb_09429"]) for k, g in enumerate(education.groups)}
    total, named = sum(population.values()), sum(shares.values())
    if named <= 0:
        raise QueryError(f"SSB 09429 has none of the codebook's education levels for {kommunenummer}.")
    try:
        cells = rake(
            education.seed,
            [((0, 1), population), ((2,), {(k,): total * share / named for k, share in shares.items()})],
        )
    except ValueError as error:
        raise QueryError(f"The cells of {kommunenummer} cannot be raked to its margins: {error}") from None
    return int(year), cells
