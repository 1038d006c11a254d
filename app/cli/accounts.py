"""``fjernarbeid users`` and ``fjernarbeid regions``: accounts with their roles, nationally or per region, and
the regions roles are held in (README: Accounts, roles and editing). The command line is the national
admin's: whoever runs it has the database owner's rights."""

from __future__ import annotations

import argparse

from app.cli.common import _engine, _user
from app.config import Config

ROLE_CHOICES = ["editor", "admin"]


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users_parser = subparsers.add_parser(
        "users", help="accounts: editors and admins, nationally or per region (docs in README, Accounts)"
    )
    users_sub = users_parser.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user (the password is asked for, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES)
    add.add_argument("--region", help="the role in this region only (its slug); without it the role is national")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    role = users_sub.add_parser(
        "set-role", help="change a user's national role, or with --region the role in a region (ends their sessions)"
    )
    role.add_argument("name")
    role.add_argument("role", choices=[*ROLE_CHOICES, "none"], help="none: take the role away")
    role.add_argument("--region", help="the region (its slug) the role is held in; without it the national role")
    for name, text in (
        ("disable", "stop a user from logging in (ends their sessions)"),
        ("enable", "let a user in again"),
    ):
        users_sub.add_parser(name, help=text).add_argument("name")
    pw = users_sub.add_parser("set-password", help="set a user's password (ends their sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    users_sub.add_parser("list", help="the users, their roles (national and per region) and last logins")
    users_parser.set_defaults(func=cmd_users)

    regions_parser = subparsers.add_parser("regions", help="regions (regional councils) and their municipalities")
    regions_sub = regions_parser.add_subparsers(dest="regions_command", required=True)
    radd = regions_sub.add_parser("add", help="add a region from its member municipalities")
    radd.add_argument("slug", help="its name in addresses and commands, e.g. hardangerradet")
    radd.add_argument("--name", required=True, help="its name as people write it, e.g. Hardangerrådet")
    radd.add_argument(
        "--municipalities", required=True, help="the member municipalities' numbers, comma-separated: 4618,4619,…"
    )
    regions_sub.add_parser("list", help="the regions, their municipalities and how many accounts hold roles in them")
    regions_parser.set_defaults(func=cmd_regions)


def cmd_users(args, config: Config) -> int:
    """Accounts (``app/db/users.py``); each change is in the audit trail as made by the shell user."""
    import getpass
    import sys

    from app.db import users
    from app.db.session import session_scope

    _engine(config)
    actor = f"cli:{_user()}"

    def password() -> str:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise users.UserError("The two passwords differ.")
        return first

    with session_scope() as session:
        if args.users_command == "add":
            account = users.add_user(session, args.name, args.role, password(), actor, region=args.region)
            print(f"User {account.name!r} added with the role {account.describe()}.")
        elif args.users_command == "set-role":
            role = None if args.role == "none" else args.role
            users.set_role(session, args.name, role, actor, region=args.region)
            where = f" in {args.region}" if args.region else " nationally"
            said = f"now has the role {args.role}{where}" if role else f"has no role{where} any more"
            print(f"User {args.name!r} {said}; their sessions have ended.")
        elif args.users_command in ("disable", "enable"):
            users.set_disabled(session, args.name, args.users_command == "disable", actor)
            print(f"User {args.name!r} {args.users_command}d.")
        elif args.users_command == "set-password":
            users.set_password(session, args.name, password(), actor)
            print(f"Password of {args.name!r} changed; their sessions have ended.")
        else:
            for user in users.list_users(session):
                last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
                state = "disabled" if user.disabled else "active"
                roles = users.roles_of(session, user).describe()
                print(f"{user.name:30} {roles:40} {state:9} last login {last}")
    return 0


def cmd_regions(args, config: Config) -> int:
    """Regions (``app/db/regions.py``); each change is in the audit trail as made by the shell user."""
    from app.db import regions
    from app.db.session import session_scope

    _engine(config)
    with session_scope() as session:
        if args.regions_command == "add":
            numbers = args.municipalities.split(",")
            made = regions.add_region(session, args.slug, args.name, numbers, f"cli:{_user()}")
            print(f"Region {made.slug!r} ({made.name}) added with {len(made.members)} municipalities.")
        else:
            for region in regions.list_regions(session):
                members = ",".join(region.members)
                print(f"{region.slug:24} {region.name:30} {members:40} {region.accounts} accounts with roles")
    return 0
