"""``fjernarbeid users``: local accounts, editors and admins (README: Accounts)."""

from __future__ import annotations

import argparse

from app.cli.common import _engine, _user
from app.config import Config


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users_parser = subparsers.add_parser("users", help="local accounts: editors and admins (docs in README, Accounts)")
    users_sub = users_parser.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user (the password is asked for, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["editor", "admin"])
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    role = users_sub.add_parser("set-role", help="change a user's role (ends their sessions)")
    role.add_argument("name")
    role.add_argument("role", choices=["editor", "admin"])
    for name, text in (
        ("disable", "stop a user from logging in (ends their sessions)"),
        ("enable", "let a user in again"),
    ):
        users_sub.add_parser(name, help=text).add_argument("name")
    pw = users_sub.add_parser("set-password", help="set a user's password (ends their sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    users_sub.add_parser("list", help="the users, their roles and last logins")
    users_parser.set_defaults(func=cmd_users)


def cmd_users(args, config: Config) -> int:
    """Local accounts (``app/db/users.py``); each change is in the audit trail as made by the shell user."""
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
            account = users.add_user(session, args.name, args.role, password(), actor)
            print(f"User {account.name!r} added with the role {account.role}.")
        elif args.users_command == "set-role":
            users.set_role(session, args.name, args.role, actor)
            print(f"User {args.name!r} now has the role {args.role}; their sessions have ended.")
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
                print(f"{user.name:30} {user.role:8} {state:9} last login {last}")
    return 0
