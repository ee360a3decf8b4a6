"""`followup team add | list | remove`, `followup whoami` and `followup assign`."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import JSON_HELP, print_json, print_table
from planner.core.textsafe import clean_line


def register(sub, common) -> None:
    team = sub.add_parser("team", parents=[common], help="the members of a team database")
    team_sub = team.add_subparsers(dest="team_command", metavar="COMMAND", required=True)
    p = team_sub.add_parser("add", parents=[common], help="add a member who connects as a PostgreSQL role")
    p.add_argument("name", metavar="NAME", help="their name as the desk knows it")
    p.add_argument("--role", required=True, metavar="ROLE", help="the PostgreSQL role they connect as")
    p.add_argument("--email", default="", metavar="ADDRESS", help="their email address")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_team_add)

    p = team_sub.add_parser("list", parents=[common], help="list the members")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_team_list)

    p = team_sub.add_parser("remove", parents=[common],
                            help="a member leaves: their contacts and open thank-yous go to another")
    p.add_argument("name", metavar="NAME", help="the member who leaves")
    p.add_argument("--to", metavar="OTHER", help="the member who takes over their contacts")
    p.set_defaults(handler=cmd_team_remove)

    p = sub.add_parser("assign", parents=[common],
                       help="make a member the owner of a contact (or of every contact with --tag)")
    p.add_argument("targets", nargs="+", metavar="[CONTACT] MEMBER",
                   help="the contact (id or name) and the member; with --tag only the member")
    p.add_argument("--tag", metavar="TAG", help="every active contact with this tag")
    p.set_defaults(handler=cmd_assign)

    p = sub.add_parser("whoami", parents=[common], help="the member this session acts as")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_whoami)


def cmd_team_add(args: argparse.Namespace) -> int:
    from planner.services.team import add_member

    open_db_from_args(args)
    member, returned = add_member(args.name, args.role, args.email)
    if args.json:
        print_json(member)
    elif returned:
        print(f"{clean_line(member.name)} is back on the team (role {clean_line(member.role)}); the contacts "
              "handed over when they left stay where they are (followup assign moves them)")
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


def cmd_team_remove(args: argparse.Namespace) -> int:
    from planner.services.owners import remove_member

    open_db_from_args(args)
    removed = remove_member(args.name, args.to)
    words = f"{removed.member.name} left the team"
    if removed.to is not None:
        words += f"; {removed.contacts} contact{'s' if removed.contacts != 1 else ''} now {removed.to.name}'s"
    if removed.thanks:
        words += f"; {removed.thanks} open thank-you{'s' if removed.thanks != 1 else ''} to the contacts' owners"
    print(clean_line(words))
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from planner.core.errors import BadInput
    from planner.services import contacts
    from planner.services.owners import assign, assign_tag
    from planner.services.team import find_member

    wanted = 1 if args.tag else 2
    if len(args.targets) != wanted:
        raise BadInput("assign: give CONTACT MEMBER, or --tag TAG MEMBER")
    open_db_from_args(args)
    member = find_member(args.targets[-1], "assign")
    done = assign_tag(args.tag, member) if args.tag else assign([contacts.resolve(args.targets[0])], member)
    what = f"{done.contacts} contact{'s' if done.contacts != 1 else ''}"
    already = f" ({done.already} already theirs)" if done.already else ""
    print(clean_line(f"assigned {what} to {member.name}{already}; their calls re-planned"))
    return 0
