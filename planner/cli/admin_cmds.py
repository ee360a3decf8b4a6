"""`followup config | backup | check | demo`."""

from __future__ import annotations

import argparse

from planner.cli import open_db_from_args
from planner.cli.common import print_json
from planner.store import settings


def register(sub, common) -> None:
    p = sub.add_parser("config", parents=[common], help="read or change settings")
    p.add_argument("key", nargs="?", metavar="KEY", help="a setting name, or tag.NAME for a tag's cadence")
    p.add_argument("value", nargs="?", metavar="VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_config)

    p = sub.add_parser("backup", parents=[common], help="write a consistent copy of the database")
    p.add_argument("path", nargs="?", metavar="PATH", help="file or folder (default: beside the database)")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("check", parents=[common], help="check the database's integrity")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("demo", parents=[common], help="build a sample database and open it")
    p.add_argument("--contacts", type=int, default=300, metavar="N", help="how many contacts (default 300)")
    p.add_argument("--no-ui", action="store_true", help="only build the database and print a summary")
    p.set_defaults(handler=cmd_demo)


def cmd_config(args: argparse.Namespace) -> int:
    open_db_from_args(args)
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


def cmd_backup(args: argparse.Namespace) -> int:
    from planner.store.backup import backup_to

    open_db_from_args(args)
    print(backup_to(args.path))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from planner.store.backup import check_database
    from planner.store.database import db
    from planner.store.engine import describe

    open_db_from_args(args)
    problems = check_database()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{describe(db)}: {len(problems)} problem(s) found")
        return 1
    print(f"{describe(db)}: ok")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from planner.io.demo import build_demo, demo_path
    from planner.store.database import db
    from planner.store.engine import describe

    args.db = str(demo_path(args.db))
    open_db_from_args(args)
    summary = build_demo(contacts=args.contacts)
    print(f"demo database: {describe(db)}")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    if args.no_ui or args.open_app is None:
        return 0
    return int(args.open_app())
