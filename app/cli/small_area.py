"""``fjernarbeid small-area``: a municipality's model-based share (a model's prediction, not a direct estimate)."""

from __future__ import annotations

import argparse

from app.cli.common import _engine
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    small = subparsers.add_parser(
        "small-area",
        help="model-based share for one municipality (modellbasert anslag: a model over the whole survey, "
        "weighted by the municipality's residents; not a direct estimate)",
    )
    small.add_argument("--survey", required=True)
    small.add_argument("--question", required=True, help="a question with answer categories, e.g. q22")
    small.add_argument(
        "--collapse", choices=["top2"], help="count the two first answers (default: the first answer only)"
    )
    small.add_argument("--municipality", required=True, help="kommunenummer, e.g. 4622")
    small.add_argument(
        "--education",
        action="store_true",
        help="add education as a covariate, raking the cells to SSB 09429's education level too "
        "(the survey's codebook must declare education_covariate)",
    )
    small.add_argument("--lang", default="nb", choices=["nb", "nn", "en"], metavar="nb|nn|en")
    small.add_argument("--format", default="table", choices=["table", "json"], metavar="table|json")
    small.set_defaults(func=cmd_small_area)


def cmd_small_area(args, config: Config) -> int:
    """A municipality's model-based share, with full precision (it is a model's prediction, and the checks
    against R need every digit)."""
    import json

    from app.db.session import session_scope
    from app.language import pick
    from app.language.small_area import caveats
    from app.query.small_area import small_area_estimate

    _engine(config)
    with session_scope() as session:
        result = small_area_estimate(
            session, args.survey, args.question, args.municipality, args.collapse, education=args.education
        )
    document = result.as_dict()
    document["question"] = pick(result.question, args.lang)
    document["synthetic_note"] = pick(result.synthetic_note, args.lang) if result.synthetic_note else None
    document["caveats"] = caveats(args.lang, education=args.education)  # what it cannot say, in --lang
    for cell in document["cells"]:
        for label in ("age_group_label", "gender_label", "education_label"):
            if label in cell:
                cell[label] = pick(cell[label], args.lang)
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{result.municipality} ({result.kommunenummer}), centrality class {result.centrality}: {document['question']}"
    )
    print(f"answers counted: {', '.join(str(c) for c in result.categories)}")
    for key in ("estimate", "se", "ci_low", "ci_high"):
        print(f"{key:>16}: {document[key]:.6f}")
    print(f"{'population_year':>16}: {result.population_year}")
    if result.education_year is not None:
        print(f"{'education_year':>16}: {result.education_year}")
    print(f"{'respondents':>16}: {result.respondents} (the whole survey; the model is not a direct estimate)")
    print(f"{'method':>16}: {result.method}")
    for caveat in document["caveats"]:
        print(f"{'caveat':>16}: {caveat}")
    education = "education" if args.education else ""
    print(f"\n{'age group':<12} {'gender':<10} {education:<12} {'residents':>10} {'weight':>8} {'predicted':>10}")
    for cell in document["cells"]:
        print(
            f"{cell['age_group_label']:<12} {cell['gender_label']:<10} {cell.get('education_label', ''):<12.12} "
            f"{cell['population']:>10.1f} {cell['weight']:>8.4f} {cell['predicted']:>10.6f}"
        )
    return 0
