"""`followup sync [contacts|calendar] [URL]`: two-way sync with a CardDAV address book and a CalDAV
calendar. Without a sub-command, both configured collections (`followup config dav.contacts
URL`, `dav.calendar URL`, `dav.user USER`)."""

from __future__ import annotations

import argparse
import sys

from planner.cli import open_db_from_args
from planner.cli.common import print_json
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line


def _options(parser: argparse.ArgumentParser, *, url: bool) -> None:
    if url:
        parser.add_argument("url", metavar="URL", nargs="?",
                            help="the collection's URL (default: the configured one)")
    parser.add_argument("--user", metavar="USER", help="user name (default: `followup config dav.user`)")
    parser.add_argument("--password-file", metavar="FILE",
                        help="a file holding the password, readable by its owner only "
                             "(else dav.password_file, $FOLLOWUP_DAV_PASSWORD or the system keyring)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument("--json", action="store_true", help="the report as JSON")


def register(sub, common) -> None:
    p = sub.add_parser("sync", parents=[common], help="two-way sync with CardDAV contacts and a CalDAV calendar")
    _options(p, url=False)
    p.add_argument("--prune", action="store_true", help="apply deletions (otherwise only reported)")
    p.add_argument("--days", type=int, default=28, metavar="N", help="days of the plan in the calendar (28)")
    p.set_defaults(handler=cmd_sync, what="both")
    kinds = p.add_subparsers(dest="what_cmd", metavar="WHAT")
    c = kinds.add_parser("contacts", parents=[common], help="contacts with a CardDAV address book")
    _options(c, url=True)
    c.add_argument("--prune", action="store_true",
                   help="apply deletions: archive contacts deleted on the server, delete cards of archived contacts")
    c.set_defaults(handler=cmd_sync, what="contacts")
    k = kinds.add_parser("calendar", parents=[common], help="the plan's calls as events in a CalDAV calendar")
    _options(k, url=True)
    k.add_argument("--days", type=int, default=28, metavar="N", help="days of the plan to put in the calendar (28)")
    k.set_defaults(handler=cmd_sync, what="calendar")


def cmd_sync(args: argparse.Namespace) -> int:
    from planner.store import settings
    from planner.sync.credentials import dav_password, read_password
    from planner.sync.dav import DavCollection
    from planner.sync.state import sync_lock

    open_db_from_args(args, refresh_plan=True)
    days = getattr(args, "days", 28)
    if not 1 <= days <= 366:
        raise BadInput(f"--days {days}: use 1 to 366")
    wanted = ["contacts", "calendar"] if args.what == "both" else [args.what]
    targets = []
    for kind in wanted:
        given = getattr(args, "url", None)
        url = settings.SPECS[f"dav.{kind}"].parse(given) if given else settings.get(f"dav.{kind}")
        if url:
            targets.append((kind, url))
    if not targets:
        names = " and ".join(f"dav.{kind}" for kind in wanted)
        raise BadInput(f"no collection to sync: give a URL or set {names} (followup config dav.{wanted[0]} URL)")
    user = args.user or settings.get("dav.user")
    if args.password_file:
        password = read_password(args.password_file, user)
    else:
        password = dav_password(user, settings.get("dav.password_file"))
    reports = []
    with sync_lock():
        for kind, url in targets:
            client = DavCollection(url, user=user, password=password, kind=kind)
            try:
                if kind == "contacts":
                    from planner.sync.contacts import sync_contacts

                    report = sync_contacts(client, dry_run=args.dry_run, prune=getattr(args, "prune", False))
                else:
                    from planner.sync.calendar import sync_calendar

                    report = sync_calendar(client, days=days, dry_run=args.dry_run)
            finally:
                client.close()
            reports.append(report)
    if args.json:
        print_json({"reports": [report.to_json() for report in reports]})
    else:
        for report in reports:
            for line in report.lines():
                print(line)
    problems = [p for report in reports for p in report.problems]
    for problem in problems:
        print(f"followup: {clean_line(problem)}", file=sys.stderr)
    return 1 if problems else 0
