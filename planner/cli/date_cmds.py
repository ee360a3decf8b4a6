"""`followup date add|list|remove`: birthdays, anniversaries and other dates that matter."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, print_json, print_table
from planner.core.textsafe import clean_line
from planner.services import contacts, important_dates


def register(sub, common) -> None:
    p = sub.add_parser("date", parents=[common], help="dates that matter to a contact: birthdays, anniversaries")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    q = actions.add_parser("add", parents=[common], help="add one: date add maria birthday 1985-03-12")
    q.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    q.add_argument("kind", metavar="KIND", help="birthday, anniversary, work-anniversary or your own word")
    q.add_argument("date", metavar="DATE", help="YYYY-MM-DD, or MM-DD when the year is unknown")
    q.add_argument("--yearly", action="store_true", help="it recurs every year (birthdays and anniversaries do)")
    q.add_argument("--note", default="", help="what to remember about it")
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_add)
    q = actions.add_parser("list", parents=[common], help="one contact's dates, or everyone's")
    q.add_argument("contact", metavar="CONTACT", nargs="?", help=CONTACT_HELP)
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_list)
    q = actions.add_parser("remove", parents=[common], help="remove a date by its id")
    q.add_argument("id", type=int, metavar="ID", help="the id `date list` shows")
    q.set_defaults(handler=cmd_remove)


def cmd_add(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    view = important_dates.add_date(contacts.resolve(args.contact), args.kind, args.date, yearly=args.yearly,
                                    note=args.note)
    if args.json:
        print_json(view)
        return 0
    every = ", every year" if view.yearly else ""
    print(clean_line(f"date {view.id}: {view.contact_name}'s {view.kind} {view.text}{every}"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    found = important_dates.dates_of([contacts.resolve(args.contact)] if args.contact else None)
    if args.json:
        print_json(found)
        return 0
    print_table(("id", "contact", "kind", "date", "yearly", "note"),
                [(d.id, d.contact_name, d.kind, d.text, "yes" if d.yearly else "", d.note) for d in found])
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    view = important_dates.remove_date(args.id)
    print(clean_line(f"removed {view.contact_name}'s {view.kind} {view.text}"))
    return 0
