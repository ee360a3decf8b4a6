"""`followup fact add|list|remove`: what matters to them."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, print_json, print_table
from planner.core.textsafe import clean_line
from planner.services import contacts, facts


def register(sub, common) -> None:
    p = sub.add_parser("fact", parents=[common], help="facts to remember about a contact (kids, hobbies...)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    q = actions.add_parser("add", parents=[common], help='add one: fact add maria "kids: Ana, 7"')
    q.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    q.add_argument("text", metavar="TEXT", help='what to remember: "kids: Ana, 7"')
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_add)
    q = actions.add_parser("list", parents=[common], help="a contact's facts")
    q.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_list)
    q = actions.add_parser("remove", parents=[common], help="remove a fact by its id")
    q.add_argument("id", type=int, metavar="ID", help="the id `fact list` shows")
    q.set_defaults(handler=cmd_remove)


def cmd_add(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    view = facts.add_fact(contacts.resolve(args.contact), args.text)
    if args.json:
        print_json(view)
        return 0
    print(clean_line(f"fact {view.id}: {view.text}"))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    found = facts.facts_of(contacts.resolve(args.contact))
    if args.json:
        print_json(found)
        return 0
    print_table(("id", "since", "fact"), [(f.id, f.created_at.date().isoformat(), f.text) for f in found])
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    view = facts.remove_fact(args.id)
    print(clean_line(f"removed fact {view.id}: {view.text}"))
    return 0
