"""`followup placed` and `followup placements`: placements and the sequences they start."""

from __future__ import annotations

import argparse
from decimal import Decimal

from planner.cli import open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, print_json, print_table
from planner.core.dates import parse_day
from planner.core.textsafe import clean_line
from planner.services import contacts, placements


def register(sub, common) -> None:
    p = sub.add_parser("placed", parents=[common],
                       help="record a placement; starts the placement sequence for candidate and client")
    p.add_argument("candidate", metavar="CANDIDATE", help="the contact placed: " + CONTACT_HELP)
    p.add_argument("--client", required=True, metavar="CONTACT", help="the client contact who hired them")
    p.add_argument("--start", required=True, metavar="DATE", help="the first day in the new role")
    p.add_argument("--role", default="", help="the role")
    p.add_argument("--fee", metavar="AMOUNT", help="the fee, e.g. 25000 or 18.5k")
    p.add_argument("--note", default="", help="what to remember about it")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_placed)

    p = sub.add_parser("placements", parents=[common], help="placements, per client or candidate")
    p.add_argument("--client", metavar="CONTACT", help="only this client's")
    p.add_argument("--candidate", metavar="CONTACT", help="only this candidate's")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_placements)

    p = sub.add_parser("report", parents=[common],
                       help="repeat business: repeat clients, clients quiet since a placement, placements per month")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_report)


def cmd_placed(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    candidate = contacts.resolve(args.candidate)
    client = contacts.resolve(args.client)
    start = parse_day(args.start, what="--start")
    fee = placements.parse_fee(args.fee)
    view = placements.record_placement(candidate, client, start, args.role, fee, args.note)
    if args.json:
        print_json(view)
        return 0
    role = f" as {view.role}" if view.role else ""
    print(clean_line(f"placement {view.id}: {view.candidate} at {view.where}{role} from {view.start.isoformat()}"))
    print(clean_line(f"placement sequence started for {view.candidate} and {view.client}"))
    return 0


def cmd_placements(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    client = contacts.resolve(args.client) if args.client else None
    candidate = contacts.resolve(args.candidate) if args.candidate else None
    found = placements.placements(client_id=client, candidate_id=candidate)
    if args.json:
        print_json(found)
        return 0
    rows = [(p.id, p.start.isoformat(), p.candidate, p.where, p.client, p.role,
             "" if p.fee is None else f"{p.fee:,.2f}") for p in found]
    print_table(("id", "start", "candidate", "at", "client", "role", "fee"), rows)
    total = sum((p.fee for p in found if p.fee is not None), start=Decimal(0))
    line = f"{len(found)} placement{'s' if len(found) != 1 else ''}"
    if any(p.fee is not None for p in found):
        line += f", fees {total:,.2f}"
    print(line)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from planner.core.dates import today

    open_db_from_args(args)
    report = placements.repeat_business(today())
    if args.json:
        print_json(report)
        return 0
    print("Repeat clients")
    print_table(("id", "client", "company", "placements", "last start", "fees"),
                [(c.client_id, c.client, c.company, c.since, c.last_start.isoformat(),
                  "" if c.fees is None else f"{c.fees:,.2f}") for c in report.repeat_clients])
    print()
    print("Not contacted since their last placement")
    print_table(("id", "client", "company", "last start", "last contact"),
                [(c.client_id, c.client, c.company, c.last_start.isoformat(),
                  c.last_contact.isoformat() if c.last_contact else "never") for c in report.quiet_clients])
    print()
    print("Placements per month")
    print_table(("month", "placements", "fees"), [(m, n, f"{fees:,.2f}") for m, n, fees in report.per_month])
    return 0
