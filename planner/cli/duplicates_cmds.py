"""`followup duplicates` and `followup merge`: one person, never two."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, at_least, print_json, print_table
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line
from planner.services import contacts
from planner.services.duplicates import find_duplicates
from planner.services.merge import merge_contacts, undo_last_merge


def register(sub, common) -> None:
    p = sub.add_parser("duplicates", parents=[common], help="likely duplicate contacts, best first, with why")
    p.add_argument("--limit", type=at_least(1), metavar="N", help="only the N best pairs")
    p.add_argument("--archived", action="store_true", help="archived contacts too")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_duplicates)

    p = sub.add_parser("merge", parents=[common],
                       help="merge OTHER into KEEP: emails, phones, tags, history, favours, sequences, dates")
    p.add_argument("keep", metavar="KEEP", nargs="?", help="the contact who stays: " + CONTACT_HELP)
    p.add_argument("other", metavar="OTHER", nargs="?", help="the contact merged into KEEP, then removed")
    p.add_argument("--undo", action="store_true", help="undo the latest merge: OTHER comes back as it was")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_merge)


def cmd_duplicates(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    pairs = find_duplicates(include_archived=args.archived)
    if args.limit is not None:
        pairs = pairs[: args.limit]
    if args.json:
        print_json(pairs)
        return 0
    print_table(("score", "keep?", "name", "other", "name", "why"),
                [(p.score, p.a_id, p.a_name, p.b_id, p.b_name, "; ".join(p.reasons)) for p in pairs])
    print(f"{len(pairs)} likely duplicate pair{'s' if len(pairs) != 1 else ''}"
          + ("; merge one with: followup merge KEEP OTHER" if pairs else ""))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    if args.undo:
        if args.keep or args.other:
            raise BadInput("merge --undo takes no contacts: it undoes the latest merge")
        result = undo_last_merge()
        if args.json:
            print_json(result)
            return 0
        print(clean_line(f"unmerged {result.removed_id} {result.removed_name} from {result.kept.id} "
                         f"{result.kept.name}"))
        return 0
    if not (args.keep and args.other):
        raise BadInput("merge: name KEEP and OTHER (or give --undo)")
    result = merge_contacts(contacts.resolve(args.keep), contacts.resolve(args.other))
    if args.json:
        print_json(result)
        return 0
    moved = ", ".join(f"{count} {what}" for what, count in result.moved.items() if count)
    print(clean_line(f"merged {result.removed_id} {result.removed_name} into {result.kept.id} {result.kept.name}"
                     + (f": moved {moved}" if moved else "")))
    return 0
