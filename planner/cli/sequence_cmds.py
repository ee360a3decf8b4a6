"""`followup sequence list|show|set|runs` and `followup event`: follow-up sequences from the shell."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, print_json, print_table
from planner.core.dates import parse_day
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line
from planner.services import contacts, sequence_definitions, sequences


def register(sub, common) -> None:
    p = sub.add_parser("sequence", parents=[common], help="follow-up sequences: list, show, edit, running ones")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    q = actions.add_parser("list", parents=[common], help="every sequence with its steps")
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_list)
    q = actions.add_parser("show", parents=[common], help="one sequence's steps")
    q.add_argument("name", metavar="NAME", help="the sequence: placement, new-job...")
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_show)
    q = actions.add_parser("set", parents=[common],
                           help='replace a sequence\'s steps: set placement "-1d good luck; 1w settling in?" '
                                '("default" restores a shipped one)')
    q.add_argument("name", metavar="NAME", help="the sequence: one of `sequence list`, or a new name")
    q.add_argument("steps", metavar="STEPS", help='the steps, "OFFSET purpose" each, apart by ";" (or "default")')
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_set)
    q = actions.add_parser("runs", parents=[common], help="running sequences (of one contact)")
    q.add_argument("contact", metavar="CONTACT", nargs="?", help=CONTACT_HELP)
    q.add_argument("--all", action="store_true", help="finished and stopped ones too")
    q.add_argument("--json", action="store_true", help=JSON_HELP)
    q.set_defaults(handler=cmd_runs)

    p = sub.add_parser("event", parents=[common],
                       help="something happened (new-job, interview, deal-closed...): start its sequence")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    p.add_argument("kind", metavar="KIND", help="the sequence to start: " + ", ".join(sequence_definitions.SHIPPED))
    p.add_argument("--on", metavar="DATE", help="the day of the event (default today)")
    p.add_argument("--note", default="", help="what happened")
    p.add_argument("--stop", action="store_true", help="stop that sequence instead: its future steps go")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_event)


def _steps_rows(definition: sequence_definitions.Definition) -> list[tuple]:
    return [(step.offset, definition.label(step), step.purpose) for step in definition.steps]


def cmd_list(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    found = sequence_definitions.definitions()
    if args.json:
        print_json(found)
        return 0
    rows = [(d.name, len(d.steps), "yes" if d.edited else "", d.text) for d in found]
    print_table(("name", "steps", "edited", "steps"), rows)
    return 0


def _print_definition(definition: sequence_definitions.Definition) -> None:
    state = " (edited)" if definition.edited and definition.shipped else ""
    print(clean_line(f"{definition.name}{state}: {len(definition.steps)} steps"))
    print_table(("offset", "label", "purpose"), _steps_rows(definition))


def cmd_show(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    definition = sequence_definitions.get_definition(args.name)
    if args.json:
        print_json(definition)
        return 0
    _print_definition(definition)
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    definition = sequence_definitions.set_definition(args.name, args.steps)
    if args.json:
        print_json(definition)
        return 0
    _print_definition(definition)
    print("running sequences keep the steps they started with")
    return 0


def print_run(run: sequences.RunView) -> None:
    head = f"{run.sequence} for {run.contact_name} from {run.event_date.isoformat()}"
    if run.note:
        head += f" ({run.note})"
    if run.stopped_on:
        head += f", stopped {run.stopped_on.isoformat()}"
    print(clean_line(head))
    rows = [(step.day.isoformat(), f"{step.day:%a}",
             step.state + (f" {step.done_on.isoformat()}" if step.done_on else ""), step.note) for step in run.steps]
    print_table(("day", "", "state", "step"), rows)


def cmd_runs(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    contact_id = contacts.resolve(args.contact) if args.contact else None
    runs = sequences.runs_for(contact_id, running_only=not args.all)
    if args.json:
        print_json(runs)
        return 0
    if not runs:
        print("no sequences running" if not args.all else "no sequences")
        return 0
    for number, run in enumerate(runs):
        if number:
            print()
        print_run(run)
    return 0


def cmd_event(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    contact_id = contacts.resolve(args.contact)
    day = parse_day(args.on, what="--on") if args.on else None
    if args.stop:
        if args.note:
            raise BadInput("--note goes with starting a sequence, not with --stop")
        runs = sequences.stop_sequences(contact_id, args.kind, day)
        if args.json:
            print_json(runs)
            return 0
        for run in runs:
            gone = sum(step.state == "stopped" for step in run.steps)
            print(clean_line(f"stopped {run.sequence} for {run.contact_name} from {run.event_date.isoformat()}: "
                             f"{gone} step{'s' if gone != 1 else ''} taken off the agenda"))
        return 0
    from planner.core.dates import today

    run = sequences.start_sequence(contact_id, args.kind, day or today(), args.note)
    if args.json:
        print_json(run)
        return 0
    print_run(run)
    return 0
