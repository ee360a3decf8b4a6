"""`followup remind`: today's digest for cron or a systemd timer, by mail or as a notification."""

from __future__ import annotations

import argparse
import sys

from planner.cli import open_db_from_args
from planner.core.dates import today
from planner.core.errors import BadInput


def register(sub, common) -> None:
    p = sub.add_parser("remind", parents=[common],
                       help="today's digest: overdue, today's calls, thank-yous owed (for cron or a timer)")
    p.add_argument("--format", default="text", choices=("text", "md", "json"), help="text (default), md or json")
    p.add_argument("--email", metavar="ADDRESS",
                   help="mail it (plain text, HTML and today's ICS) through `followup config smtp.*`")
    p.add_argument("--password-file", metavar="FILE",
                   help="the SMTP password in an owner-only file (else $FOLLOWUP_SMTP_PASSWORD)")
    p.add_argument("--notify", action="store_true", help="raise a desktop notification")
    p.add_argument("--force", action="store_true", help="send again even if already sent today")
    p.set_defaults(handler=cmd_remind)


def cmd_remind(args: argparse.Namespace) -> int:
    from planner.store import settings
    from planner.sync import remind
    from planner.sync.credentials import SMTP_ENV, read_password

    open_db_from_args(args, refresh_plan=True)
    day = today()
    agenda = remind.digest(day)
    if not args.email and not args.notify:
        sys.stdout.write(remind.render(agenda, args.format))
        return 0
    if args.email:
        to = remind.check_address(args.email, "--email")
        host = settings.get("smtp.host")
        sender = settings.get("smtp.from")
        if not host or not sender:
            raise BadInput("mail needs `followup config smtp.host HOST` and `followup config smtp.from ADDRESS`")
        sender = remind.check_address(sender, "smtp.from")
        if remind.already_sent(day, "email", to) and not args.force:
            print(f"today's digest was already mailed to {to}; --force sends it again")
        else:
            user = settings.get("smtp.user")
            password = read_password(args.password_file, user, env=SMTP_ENV)
            remind.send_mail(remind.build_mail(agenda, sender=sender, to=to), host=host,
                             port=settings.get("smtp.port"), user=user, password=password,
                             starttls=settings.get("smtp.starttls"))
            remind.mark_sent(day, "email", to)
            print(f"mailed today's digest ({remind.headline(agenda)}) to {to}")
    if args.notify:
        if remind.already_sent(day, "notify") and not args.force:
            print("today's notification was already shown; --force shows it again")
        else:
            remind.notify(f"followup: {remind.headline(agenda)}", agenda.title)
            remind.mark_sent(day, "notify")
            print("notification shown")
    return 0
