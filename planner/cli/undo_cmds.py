"""`followup undo [--id N] [--list [--json]]`: put back the most recent action (or the one listed as
N), or list the recent ones."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import at_least, print_json, print_table
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line
from planner.store import journal


def register(sub, common) -> None:
    p = sub.add_parser("undo", parents=[common],
                       help="undo the most recent action (a log, a snooze, an edit, an import...), from any session")
    p.add_argument("--id", type=int, metavar="N", dest="action_id",
                   help="undo action N of --list instead, older ones too (refused if a later change rests on it)")
    p.add_argument("--list", action="store_true", help="list the recent actions instead, newest first")
    p.add_argument("--limit", type=at_least(1), default=20, metavar="N", help="how many --list shows (default 20)")
    p.add_argument("--json", action="store_true", help="with --list: as JSON")
    p.set_defaults(handler=cmd_undo)


def cmd_undo(args: argparse.Namespace) -> int:
    if args.list and args.action_id is not None:
        raise BadInput("undo: --id and --list do not go together")
    open_db_from_args(args)
    if args.list:
        actions = journal.recent(args.limit)
        if args.json:
            print_json([action.to_json() for action in actions])
            return 0
        if not actions:
            print("nothing recorded yet")
            return 0
        print_table(["id", "when (UTC)", "action", "rows", "undone"],
                    [(a.id, a.created_at.strftime("%Y-%m-%d %H:%M"), a.label, a.changes,
                      "undone" if a.undone_at else "") for a in actions])
        return 0
    undone = journal.undo_action(args.action_id) if args.action_id is not None else journal.undo_last()
    print(f"undid: {clean_line(undone.label)}")
    return 0
