"""`followup agenda`: the week's call sheet in the terminal or as a file."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys

from planner.cli import global_options, open_db_from_args
from planner.core.dates import parse_day, parse_iso_date, set_today, today
from planner.core.errors import BadInput
from planner.io.exports.agenda import FORMATS, agenda_chunks, format_for_path, normalize_format, write_agenda
from planner.services.agenda import build_agenda, week_range


def register(sub, common) -> None:
    # the shared options minus the global `--today DATE`: here `--today` means "only today"
    p = sub.add_parser("agenda", parents=[global_options(suppress=True, today=False)],
                       help="the agenda: overdue calls, each day's calls and thank-yous")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--today", dest="only_today", nargs="?", const=True, default=False, metavar="DATE",
                      help="only today (a DATE also pretends today is DATE, as the global --today does)")
    when.add_argument("--week", nargs="?", const="this", metavar="WEEK",
                      help="a Monday-to-Sunday week: this (default), next, last or 2026-W49")
    when.add_argument("--from", dest="start", metavar="DATE", help="first day (with --to)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (with --from)")
    p.add_argument("--format", metavar="FMT", help=f"{', '.join(FORMATS)} (default text, or from -o's suffix)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (owner-only, replaced atomically)")
    whose = p.add_mutually_exclusive_group()
    whose.add_argument("--member", metavar="NAME", help="another member's calls (default: yours)")
    whose.add_argument("--team", action="store_true", help="every member's calls")
    p.set_defaults(handler=cmd_agenda)


def agenda_range(args: argparse.Namespace):
    if args.end and not args.start:
        raise BadInput("--to needs --from")
    if args.only_today:
        if isinstance(args.only_today, str):
            set_today(parse_iso_date(args.only_today, what="--today"))
        return today(), today()
    if args.start:
        start = parse_day(args.start, what="--from")
        end = parse_day(args.end, what="--to") if args.end else start + dt.timedelta(days=6)
        return start, end
    return week_range(args.week)


def agenda_member(name: str | None, team: bool) -> int | None:
    """Whose agenda: a named member's, everyone's (--team, or a personal file), else mine."""
    from planner.services.team import acting_member_id, find_member

    if team:
        return None
    if name:
        return find_member(name).id
    return acting_member_id()


def cmd_agenda(args: argparse.Namespace) -> int:
    open_db_from_args(args, refresh_plan=True)
    start, end = agenda_range(args)
    fmt = normalize_format(args.format or (format_for_path(args.output) if args.output else None) or "text")
    agenda = build_agenda(start, end, agenda_member(args.member, args.team))
    if args.output:
        path = write_agenda(agenda, fmt, args.output)
        count = len(agenda.items) + len(agenda.done)  # today's calls already made go out too
        print(f"wrote {count} item{'s' if count != 1 else ''} ({fmt}) to {path}")
        return 0
    if fmt == "text":
        from planner.io.exports.text import agenda_text

        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120
        sys.stdout.write(agenda_text(agenda, width=max(60, width)))
        return 0
    for piece in agenda_chunks(agenda, fmt):
        sys.stdout.write(piece.decode("utf-8"))
    return 0
