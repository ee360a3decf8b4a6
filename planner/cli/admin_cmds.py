"""`followup config | backup | check | demo`."""

from __future__ import annotations

import argparse
import shlex
import sys

from planner.cli import open_db_from_args
from planner.cli.common import JSON_HELP, at_least, print_json
from planner.core.textsafe import clean_line
from planner.store import settings
from planner.store.database import write_tx


def register(sub, common) -> None:
    p = sub.add_parser("config", parents=[common], help="read or change settings")
    p.add_argument("key", nargs="?", metavar="KEY", help="a setting name, or tag.NAME for a tag's cadence")
    p.add_argument("value", nargs="?", metavar="VALUE", help="the new value (without one: show the setting)")
    p.add_argument("--member", metavar="NAME",
                   help=f"one member's own value ({', '.join(settings.MEMBER_KEYS)}); default: the desk's")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_config)

    p = sub.add_parser("backup", parents=[common], help="write a consistent copy of the database")
    p.add_argument("path", nargs="?", metavar="PATH", help="file or folder (default: beside the database)")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("check", parents=[common],
                       help="check the database: its pages, its text, dates and plan; --repair fixes what is safe")
    p.add_argument("--repair", action="store_true",
                   help="replace undecodable bytes, drop orphan rows and re-plan (nothing readable is lost)")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("demo", parents=[common], help="build a sample database and open it",
                       description="Build a sample database and open it: in a new temporary folder unless "
                                   "--db names one ($FOLLOWUP_DB and your own database are left alone).")
    p.add_argument("--contacts", type=at_least(1), default=300, metavar="N", help="how many contacts (default 300)")
    p.add_argument("--no-ui", action="store_true", help="only build the database and print a summary")
    p.set_defaults(handler=cmd_demo)


def cmd_config(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    if args.member is not None:
        return _member_config(args)
    if args.key is None:
        values = settings.all_settings()
        if args.json:
            print_json(values)
            return 0
        for key in sorted(values):
            spec_help = settings.SPECS[key].help if key in settings.SPECS else "cadence for this tag"
            print(f"{key:<16} {settings.show(key):<24} {spec_help}")
        return 0
    if args.value is not None:
        settings.set_value(args.key, args.value)
        from planner.scheduling.service import replan

        replan(None)
    if args.json:
        print_json({args.key: settings.get(args.key)})
    else:
        print(f"{args.key} = {settings.show(args.key)}")
    return 0


def _member_config(args: argparse.Namespace) -> int:
    """`config --member NAME KEY [VALUE]`: that member's own working days, holidays or cap; setting
    one re-plans their calls (everyone's: the partitions are planned in one go)."""
    from planner.core.errors import BadInput
    from planner.services.team import find_member

    member = find_member(args.member)
    if args.key is None:
        raise BadInput(f"config --member: name a setting: {', '.join(settings.MEMBER_KEYS)}")
    key = settings.member_key(member.id, args.key)
    if args.value is not None:
        settings.set_value(key, args.value)
        from planner.scheduling.service import replan

        replan(None)
    value = settings.for_member(member.id, args.key)
    if args.json:
        print_json({args.key: value, "member": member.name})
    else:
        print(f"{clean_line(member.name)}: {args.key} = {settings.SPECS[args.key].show(value)}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from planner.store.backup import backup_to
    from planner.store.database import close_database, db
    from planner.store.engine import on_server

    open_db_from_args(args)
    if on_server(db):  # a copy of what this member may read, into a file (planner/cli/migrate_cmds.py)
        from planner.cli.migrate_cmds import backup_server
        from planner.store.engine import resolve_target

        close_database()
        return backup_server(str(resolve_target(getattr(args, "db", None))), args.path)
    print(backup_to(args.path))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Report every problem, one a line; with --repair make the safe repairs and check again.
    The verdict is left in the database so that writes are refused while it is damaged."""
    from planner.core import dates
    from planner.store import health
    from planner.store.database import database_name, db, is_read_only
    from planner.store.engine import on_server
    from planner.store.migrations import LATEST, schema_version

    open_db_from_args(args)
    path = database_name()
    if on_server(db):
        print(f"{path}: {health.SERVER_NOTE}")
    version = schema_version(db)
    problems, notes = _all_problems(version >= LATEST)
    if args.repair and problems:
        if is_read_only():
            print(f"{path}: read-only: cannot repair", file=sys.stderr)
            return 1
        left = health.repair(problems)
        if not any(p.what.startswith("integrity") for p in left):
            from planner.scheduling.service import replan

            with write_tx(repairing=True):
                replan(None)
        repaired = len(problems)
        problems, notes = _all_problems(version >= LATEST)
        print(f"{path}: repaired what was safe to repair ({repaired - len(problems)} of {repaired} problem(s))")
    for problem in problems:
        print(clean_line(problem.line()))
    for note in notes:
        print(f"note: {clean_line(note)}")
    recorded = health.record_verdict(problems, when=dates.today())
    if version < LATEST:
        print(f"{path}: schema version {version}; the next command that writes upgrades it to {LATEST}")
    if problems:
        fix = ("run 'followup check --repair'" if all(p.repair for p in problems)
               else "restore a backup")
        print(f"{path}: {len(problems)} problem(s) found; {fix}")
        if recorded:
            print(f"{path}: writes are refused until it is repaired")
        return 1
    print(f"{path}: ok")
    return 0


def _all_problems(latest_schema: bool) -> tuple[list, list[str]]:
    """(problems, notes): the stored file's, then the plan's when the rows it is read from are sound."""
    from planner.store import health

    problems = health.check_database()
    notes: list[str] = []
    if latest_schema and not any(p.what.startswith(("integrity", "date", "text", "cannot read")) for p in problems):
        from planner.scheduling.plan_check import plan_problems

        found, notes = plan_problems()
        problems += [health.Problem(text, health.REPLAN) for text in found]
    return problems, notes


def cmd_demo(args: argparse.Namespace) -> int:
    from planner.io.demo import build_demo, demo_path
    from planner.store.database import database_name

    args.db = str(demo_path(args.db))
    open_db_from_args(args)
    summary = build_demo(contacts=args.contacts)
    print(f"demo database: {database_name()}")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    if args.no_ui or args.open_app is None:
        return 0
    if args.app_unavailable:
        today = ["--today", args.today] if getattr(args, "today", None) else []
        opener = shlex.join(["followup", "--db", database_name(), *today])
        print(f"{args.app_unavailable}; open it from a terminal with: {clean_line(opener)}")
        return 0
    return int(args.open_app())
