"""``fjernarbeid query``, ``mobility`` and ``compare``: the published figures, as tables, JSON or CSV."""

from __future__ import annotations

import argparse
import sys

from app.cli.common import _engine
from app.config import Config
from app.errors import FjernarbeidError


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = subparsers.add_parser("query", help="weighted estimates with intervals, breakdowns and tests")
    query.add_argument("--survey", required=True, help="survey slug, e.g. demo_national")
    query.add_argument("--question", required=True, help="variable, e.g. q22 or factory_index")
    query.add_argument("--by", help="breakdown dimension, e.g. age_group, region, centrality")
    query.add_argument("--where", action="append", metavar="DIM=v1,v2", help="filter (repeatable)")
    query.add_argument("--collapse", choices=["top2", "bottom2"], help="merge the first or last two categories")
    query.add_argument("--include-missing", action="store_true", help="keep don't-know codes in the base")
    query.add_argument(
        "--min-n",
        type=int,
        help="suppress groups smaller than this (default FJERNARBEID_MIN_N; at least 1, a warning below the default)",
    )
    query.add_argument(
        "--exact",
        action="store_true",
        help="print unrounded estimates, standard errors and weighted counts (for checking against "
        "other software; groups are suppressed all the same). Default: rounded as published",
    )
    query.add_argument("--lang", default="nb", choices=["nb", "nn", "en"])
    query.add_argument("--format", default="table", choices=["table", "json", "csv"])
    query.set_defaults(func=cmd_query)

    from app.query.mobility import JOBS_ANYWHERE

    mob = subparsers.add_parser("mobility", help="funnel from remote-capable jobs to potential movers")
    mob.add_argument("--survey", required=True)
    jobs_default = f"{JOBS_ANYWHERE.default:,.0f}".replace(",", " ")
    mob.add_argument(
        "--jobs",
        type=float,
        default=JOBS_ANYWHERE.default,
        help=f"jobs that can be done anywhere (default {jobs_default}; NORCE (2025) ch. 3.2.5: "
        f"40–50 %% of all jobs, {JOBS_ANYWHERE.low / 1e6:g}–{JOBS_ANYWHERE.high / 1e6:g} million "
        "(Ingelsrud et al. 2022))",
    )
    mob.add_argument(
        "--attractive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="only those finding living in a rural municipality attractive (default: on with a --region "
        "that has rural municipalities, else off)",
    )
    mob.add_argument("--take-job", action="store_true", help="only those likely to take the job along (q14)")
    mob.add_argument(
        "--travel-time", type=int, choices=[2, 3, 4], metavar="2|3|4", help="only those accepting q21 ≥ this code"
    )
    mob.add_argument("--age-group", help="only these age groups, e.g. 1,2")
    mob.add_argument("--centrality", help="only residents of these centrality classes, e.g. 1,2")
    mob.add_argument(
        "--region",
        help="add the region step with the region's share of employed residents in the "
        "municipalities movers could choose (SSB 11618), e.g. hardangerradet",
    )
    mob.add_argument(
        "--leave-out-residents",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="leave out those who already live in the --region (default: on), when there are enough of them to "
        "do so without revealing them",
    )
    mob.add_argument(
        "--region-share", type=float, help="share (0–1) that could choose the region, instead of the region's default"
    )
    mob.add_argument(
        "--exact",
        action="store_true",
        help="print unrounded numbers and standard errors (for checking); default: rounded as shown",
    )
    mob.add_argument(
        "--lang",
        default="nb",
        choices=["nb", "nn", "en"],
        metavar="nb|nn|en",
        help="language of the labels and sources",
    )
    mob.add_argument("--format", default="table", choices=["table", "json", "csv"], metavar="table|json|csv")
    mob.set_defaults(func=cmd_mobility)

    compare = subparsers.add_parser(
        "compare", help="the same question in two surveys: shares, difference, interval, test"
    )
    compare.add_argument("--survey", required=True, help="survey A, e.g. the earlier wave")
    compare.add_argument("--with", dest="with_survey", required=True, help="survey B")
    compare.add_argument("--question", required=True)
    compare.add_argument("--by", help="a breakdown both surveys have, e.g. gender")
    compare.add_argument("--collapse", choices=["top2", "bottom2"])
    compare.add_argument("--min-n", type=int)
    compare.add_argument("--lang", choices=["nb", "nn", "en"], default="nb")
    compare.add_argument("--format", choices=["table", "json"], default="table")
    compare.set_defaults(func=cmd_compare)


def _min_n(requested: int | None, config: Config) -> int:
    """``--min-n``: at least 1; below the deployment's ``FJERNARBEID_MIN_N`` it works, with a warning."""
    if requested is None:
        return config.min_n
    if requested < 1:
        raise FjernarbeidError(f"--min-n {requested}: the smallest group shown must be at least 1 respondent.")
    if requested < config.min_n:
        print(
            f"warning: --min-n {requested} is below this deployment's minimum (FJERNARBEID_MIN_N={config.min_n}); "
            "groups that small may identify respondents. Do not publish the output.",
            file=sys.stderr,
        )
    return requested


def _parse_where(items: list[str] | None) -> dict[str, list[int]]:
    from app.errors import FjernarbeidError

    where: dict[str, list[int]] = {}
    for item in items or []:
        name, _, values = item.partition("=")
        try:
            where[name.strip()] = [int(v) for v in values.split(",") if v.strip()]
        except ValueError:
            raise FjernarbeidError(
                f"--where {item!r}: write DIM=code1,code2 with answer codes, e.g. age_group=1,2."
            ) from None
        if not name.strip() or not where[name.strip()]:
            raise FjernarbeidError(f"--where {item!r}: write DIM=code1,code2, e.g. age_group=1,2.")
    return where


def cmd_query(args, config: Config) -> int:
    from app.db.session import session_scope
    from app.language import localized
    from app.query.estimates import MeanResult, ShareResult, estimate_mean, estimate_shares
    from app.query.format import render
    from app.query.metadata import survey_meta
    from app.query.publish import publishable

    min_n = _min_n(args.min_n, config)
    _engine(config)
    where = _parse_where(args.where)
    with session_scope() as session:
        numeric = survey_meta(session, args.survey).question(args.question).is_numeric
        result: MeanResult | ShareResult
        if numeric:
            result = estimate_mean(session, args.survey, args.question, by=args.by, where=where, min_n=min_n)
        else:
            result = estimate_shares(
                session,
                args.survey,
                args.question,
                by=args.by,
                where=where,
                collapse=args.collapse,
                include_missing=args.include_missing,
                min_n=min_n,
            )
    print(render(localized(result if args.exact else publishable(result), args.lang), args.format))
    return 0


def cmd_mobility(args, config: Config) -> int:
    from app.db.session import session_scope
    from app.language.mobility import in_words
    from app.query.format import render
    from app.query.mobility import (
        is_rural_region,
        mobility_funnel,
        net_migration,
        publishable,
        regional_funnel,
        standard_conditions,
    )

    _engine(config)

    def ints(text: str | None) -> list[int]:
        return [int(v) for v in text.split(",")] if text else []

    with session_scope() as session:
        attractive = args.attractive
        if attractive is None:  # default: on for a region with rural municipalities, as on the page
            attractive = bool(args.region) and is_rural_region(session, args.region)
        conditions = standard_conditions(
            attractive, args.take_job, args.travel_time, ints(args.age_group), ints(args.centrality)
        )
        shares, net = None, None
        if args.region:
            leave_out = args.leave_out_residents is not False  # default: on with a region, as on the page
            result, shares = regional_funnel(
                session,
                args.survey,
                args.region,
                args.jobs,
                conditions,
                args.region_share,
                min_n=config.min_n,
                leave_out_residents=leave_out,
            )
            net = net_migration(session, args.region)
        else:
            result = mobility_funnel(
                session,
                args.survey,
                jobs_anywhere=args.jobs,
                conditions=conditions,
                region_share=args.region_share,
                min_n=config.min_n,
            )
    given = "--region-share" if args.region_share is not None else None  # the share's source: the user
    shown = result if args.exact else publishable(result)
    print(
        render(in_words(shown, args.lang, shares, given, net, min_n=config.min_n), args.format)
    )  # labels and sources in --lang
    return 0


def cmd_compare(args, config: Config) -> int:
    """Two surveys' shares of one question side by side, with the difference, its interval and test."""
    import json

    from app.db.session import session_scope
    from app.language import pick
    from app.query.compare import compare_shares

    min_n = _min_n(args.min_n, config)
    _engine(config)
    with session_scope() as session:
        result = compare_shares(
            session, args.survey, args.with_survey, args.question, args.by, args.collapse, min_n=min_n
        )
    if args.format == "json":
        document = {k: v for k, v in result.__dict__.items() if k != "rows"} | {"rows": result.as_records()}
        print(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return 0

    def share(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:5.1f}"

    print(f"{args.question}: {pick(result.question, args.lang)}   A = {result.survey_a}, B = {result.survey_b}")
    print(f"{'group':14} {'answer':34} {'A %':>6} {'B %':>6} {'difference':>10} {'95 % CI':>16} {'p':>7}")
    for r in result.rows:
        group = pick(r.group, args.lang) if r.group else "all"
        if r.suppressed:
            print(
                f"{group[:14]:14} {pick(r.label, args.lang)[:34]:34}  hidden (fewer than {min_n} respondents in A or B)"
            )
            continue
        interval = f"{share(r.ci_low)} to {share(r.ci_high)}"
        p = "–" if r.p_value is None else f"{r.p_value:.3f}"
        print(
            f"{group[:14]:14} {pick(r.label, args.lang)[:34]:34} {share(r.a):>6} {share(r.b):>6} "
            f"{share(r.difference):>10} {interval:>16} {p:>7}"
        )
    print(result.method)
    return 0
