"""``fjernarbeid measures``: a measures catalogue to and from a YAML file (README: Measures catalogues), a
region's own (``--region SLUG``) or, without it, the template that regions made later copy. The command line
is the national admin's: whoever runs it has the database owner's rights."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import _engine, _user
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "measures", help="a measures catalogue (a region's, or the template) to and from YAML"
    )
    sub = parser.add_subparsers(dest="measures_command", required=True)
    export = sub.add_parser("export", help="write the catalogue to a YAML file (the format of seed/measures.yaml)")
    export.add_argument("file", type=Path)
    export.add_argument("--region", help="the region (its slug) whose catalogue; without it the template")
    load = sub.add_parser(
        "import",
        help="make the catalogue what the YAML file says: areas, activities and opportunities are added or changed, "
        "those it leaves out removed when nothing is recorded against them (else nothing changes)",
    )
    load.add_argument("file", type=Path)
    load.add_argument("--region", help="the region (its slug) whose catalogue; without it the template")
    parser.set_defaults(func=cmd_measures)


def cmd_measures(args, config: Config) -> int:
    """Export or import one catalogue (``app.ingest.catalogue_editing``); an import is one transaction, in the
    audit trail as made by the shell user."""
    from app.db.session import session_scope
    from app.errors import FjernarbeidError
    from app.ingest.catalogue_editing import catalogue_region, export_catalogue, replace_catalogue
    from app.ingest.editing import EditError

    _engine(config)
    which = f"the catalogue of {args.region}" if args.region else "the template"
    with session_scope() as session:
        try:
            region_id = catalogue_region(session, args.region)
        except EditError:
            raise FjernarbeidError(
                f"There is no region {args.region!r}. Fix: give the slug `fjernarbeid regions list` shows."
            ) from None
        if args.measures_command == "export":
            areas = export_catalogue(session, args.file, region_id)
            print(f"Wrote {which} ({areas} areas) to {args.file}.")
            return 0
        if not args.file.is_file():
            raise FjernarbeidError(f"{args.file}: no such file. Fix: give the path of a catalogue written by export.")
        result = replace_catalogue(session, f"cli:{_user()}", args.file, region_id)
    removed = ", ".join(result.removed) if result.removed else "nothing"
    print(f"Loaded {args.file} into {which}: {result.changed} rows added or changed; removed: {removed}.")
    return 0
