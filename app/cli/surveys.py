"""``fjernarbeid surveys``: who may see each survey (README: Survey visibility). The command line is the
national admin's: whoever runs it has the database owner's rights."""

from __future__ import annotations

import argparse

from app.cli.common import _engine, _user
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("surveys", help="who may see each survey: public, one region, or named users")
    sub = parser.add_subparsers(dest="surveys_command", required=True)
    visibility = sub.add_parser(
        "visibility", help="make a survey public, visible to one region's signed-in users, or private"
    )
    visibility.add_argument("slug")
    visibility.add_argument("visibility", choices=["public", "region", "private"])
    visibility.add_argument("--region", help="with region: the region (its slug) whose users see it")
    visibility.add_argument("--readers", help="with private: the users who see it, comma-separated (replaces the list)")
    sub.add_parser("list", help="every survey and who may see it")
    parser.set_defaults(func=cmd_surveys)


def cmd_surveys(args, config: Config) -> int:
    """Survey visibility (``app/db/visibility.py``); each change is in the audit trail as made by the shell user."""
    from sqlalchemy import select

    from app.db.models import AppUser, Region, Survey, SurveyReader
    from app.db.session import session_scope
    from app.db.visibility import set_visibility

    _engine(config)
    with session_scope() as session:
        if args.surveys_command == "visibility":
            readers = args.readers.split(",") if args.readers is not None else None
            set_visibility(session, args.slug, args.visibility, f"cli:{_user()}", region=args.region, readers=readers)
            print(f"Survey {args.slug!r} is now {args.visibility}.")
            return 0
        regions = dict(session.execute(select(Region.id, Region.slug)).all())
        for survey in session.scalars(select(Survey).order_by(Survey.slug)):
            who = ""
            if survey.visibility == "region":
                who = regions.get(survey.region_id or 0, "")
            elif survey.visibility == "private":
                who = ",".join(
                    session.scalars(
                        select(AppUser.name)
                        .join(SurveyReader, SurveyReader.user_id == AppUser.id)
                        .where(SurveyReader.survey_id == survey.id)
                        .order_by(AppUser.name)
                    )
                )
            print(f"{survey.slug:30} {survey.visibility:8} {who}")
    return 0
