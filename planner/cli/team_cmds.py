"""`followup team add | list` and `followup whoami`."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import print_json, print_table
from planner.core.textsafe import clean_line


def register(sub, common) -> None:
    team = sub.add_parser("team", parents=[common], help="the members of a team database")
    team_sub = team.add_subparsers(dest="team_command", metavar="COMMAND", required=True)
    p = team_sub.add_parser("add", parents=[common], help="add a member who connects as a PostgreSQL role")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, metavar="ROLE", help="the PostgreSQL role they connect as")
    p.add_argument("--email", default="", metavar="E")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_team_add)

    p = team_sub.add_parser("list", parents=[common], help="list the members")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_team_list)

    p = sub.add_parser("whoami", parents=[common], help="the member this session acts as")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_whoami)


def cmd_team_add(args: argparse.Namespace) -> int:
    from planner.services.team import add_member

    open_db_from_args(args)
    member = add_member(args.name, args.role, args.email)
    if args.json:
        print_json(member)
    else:
        print(f"added {clean_line(member.name)} (role {clean_line(member.role)})")
    return 0


def cmd_team_list(args: argparse.Namespace) -> int:
    from planner.services.team import list_members

    open_db_from_args(args)
    members = list_members()
    if args.json:
        print_json(members)
        return 0
    print_table(("NAME", "ROLE", "EMAIL"), [(clean_line(m.name), clean_line(m.role), clean_line(m.email))
                                            for m in members])
    print(f"{len(members)} member{'s' if len(members) != 1 else ''}")
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    from planner.services.team import current_member
    from planner.store.database import db
    from planner.store.engine import describe

    open_db_from_args(args)
    member = current_member()
    if args.json:
        print_json(member)
    elif member is None:
        print(f"you: the one member of the personal database {clean_line(describe(db))}")
    else:
        print(f"{clean_line(member.name)} (role {clean_line(member.role)}) on {clean_line(describe(db))}")
    return 0
