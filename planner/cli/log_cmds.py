"""`followup log | history | edit-log | delete-log`: the interaction history from the shell."""

from __future__ import annotations

import argparse
import re

from planner.cli import open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, at_least, print_json, print_table
from planner.core import vocabulary
from planner.core.dates import humanize_day, parse_moment
from planner.core.errors import BadInput
from planner.core.textsafe import clean_block, clean_line
from planner.core.vocabulary import InteractionKind, Outcome
from planner.services import contacts
from planner.services.interactions import log, records
from planner.services.interactions.log import LogRequest
from planner.services.interactions.records import InteractionView

_DURATION = re.compile(r"^(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*(?:m|min|mins|minutes?)?)?$")


def parse_duration(text: str | None) -> int | None:
    """Minutes from '15m', '15', '1h', '1h30m', '90 min'."""
    if text is None:
        return None
    raw = text.strip().lower()
    match = _DURATION.match(raw)
    if not raw or not match or not (match.group(1) or match.group(2)):
        raise BadInput(f"--duration {text!r}: use minutes such as 15m, 45, 1h or 1h30m")
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def _log_options(p: argparse.ArgumentParser, *, editing: bool) -> None:
    # a log's defaults; a correction changes only what it names
    default = "" if editing else " (default)"
    p.add_argument("--kind", choices=vocabulary.KINDS, help=f"call{default}, email, meeting, message or note")
    p.add_argument("--outcome", choices=vocabulary.OUTCOMES,
                   help=f"spoke{default}, no-answer or left-message (those plan a retry)")
    p.add_argument("--at", metavar="WHEN", help="when it happened: ISO, 'yesterday 15:00', '3 days ago'"
                                                + ("" if editing else " (default now)"))
    p.add_argument("--duration", metavar="TIME", help="how long: 15m, 1h30m")
    p.add_argument("--notes", metavar="TEXT", help="replace the notes" if editing else "free notes")
    p.add_argument("--json", action="store_true", help=JSON_HELP)


def register(sub, common) -> None:
    p = sub.add_parser("log", parents=[common], help="log a call, email, meeting, message or note")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    p.add_argument("summary", metavar="SUMMARY", nargs="?", default="", help="one line: what was said")
    _log_options(p, editing=False)
    p.add_argument("--next", metavar="WHEN", help="pin a follow-up call: 'in 2 weeks', 'friday', a date")
    p.add_argument("--thanks", action="store_true", help="we thanked them: closes their open thank-you tasks")
    p.add_argument("--yes", action="store_true",
                   help="log it even when another member reached them lately (no question asked)")
    p.add_argument("--private", action="store_true",
                   help="a private note: only you can read its summary and notes (on a team server the server "
                        "enforces it); that it happened, when and how it went stay visible")
    p.set_defaults(handler=cmd_log)

    p = sub.add_parser("history", parents=[common], help="a contact's logged interactions, newest first")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    p.add_argument("--limit", type=at_least(1), metavar="N", help="only the newest N")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("edit-log", parents=[common], help="correct a logged interaction")
    p.add_argument("id", type=int, metavar="ID", help="the id `history` shows")
    p.add_argument("--summary", metavar="TEXT", help="replace the summary")
    _log_options(p, editing=True)
    p.add_argument("--thanks", action=argparse.BooleanOptionalAction, default=None,
                   help="we did (or did not) thank them in it: closes, or reopens, the thank-you tasks")
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser("delete-log", parents=[common],
                       help="delete a logged interaction (the plan, retry and thank-you tasks follow)")
    p.add_argument("id", type=int, metavar="ID", help="the id `history` shows")
    p.set_defaults(handler=cmd_delete)


def _when(view: InteractionView) -> str:
    return view.happened_at.isoformat(" ", "minutes")


def _next_words(contact_id: int) -> str:
    view = contacts.get_view(contact_id)
    if view.next_call is None:
        return ""
    return f"; next call {view.next_call.isoformat()} ({humanize_day(view.next_call)}, {view.next_reason})"


def cmd_log(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    contact_id = contacts.resolve(args.contact)
    request = LogRequest(
        contact_id=contact_id, summary=args.summary or "", kind=args.kind or InteractionKind.CALL,
        outcome=args.outcome or Outcome.SPOKE, at=parse_moment(args.at, what="--at") if args.at else None,
        duration_min=parse_duration(args.duration), notes=args.notes or "", next_when=args.next,
        thanked=args.thanks, private=args.private,
    )
    if request.kind == InteractionKind.CALL and not _confirm_recent(contact_id, args.yes):
        return 1
    view = log.log_interaction(request)
    if args.json:
        data = view.to_json()
        contact = contacts.get_view(contact_id)
        data["next_call"] = contact.next_call.isoformat() if contact.next_call else None
        data["next_reason"] = contact.next_reason
        print_json(data)
        return 0
    outcome = "" if view.kind == InteractionKind.NOTE else f" ({view.outcome})"
    print(f"logged {view.id}: {view.kind} with {clean_line(view.contact_name)}{outcome} at {_when(view)}"
          + _next_words(contact_id))
    return 0


def _confirm_recent(contact_id: int, yes: bool) -> bool:
    """Warn when another member reached this contact lately; go on with --yes or a typed yes."""
    import sys

    from planner.cli import notice
    from planner.core.dates import today
    from planner.services.interactions.team_memory import reached_by_others
    from planner.services.team import acting_member_id
    from planner.store import settings

    others = reached_by_others(contact_id, acting_member_id())
    if not others:
        return True
    days = settings.get("team.recent_days")
    name = contacts.get_view(contact_id).name
    notice(f"warning: {others[0].words(today())} (within {days} days): {name} may not want another call")
    if yes:
        return True
    if sys.stdin.isatty():
        answer = input("log this call anyway? [y/N] ").strip().lower()
        if answer in ("y", "yes"):
            return True
    notice("nothing logged; add --yes to log it anyway")
    return False


def cmd_history(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    contact_id = contacts.resolve(args.contact)
    views = records.history(contact_id, limit=args.limit)
    if args.json:
        print_json(views)
        return 0
    name = clean_line(contacts.get_view(contact_id).name)
    if not views:
        print(f"nothing logged with {name} yet")
        return 0
    rows: list[tuple] = [(v.id, _when(v), v.kind, "" if v.kind == InteractionKind.NOTE else v.outcome,
             f"{v.duration_min}m" if v.duration_min is not None else "", shown_summary(v)) for v in views]
    headers: tuple[str, ...] = ("id", "when", "kind", "outcome", "took", "summary")
    if any(v.logged_by is not None for v in views):  # a desk's history: who logged each
        from planner.services.team import member_names

        names = member_names()
        headers += ("by",)
        rows = [row + (names.get(v.logged_by or 0, ""),) for row, v in zip(rows, views, strict=True)]
    print_table(headers, rows)
    for v in views:
        if v.notes:
            print(f"\n#{v.id} notes:")
            print("\n".join("  " + line for line in clean_block(v.notes).splitlines()))
    return 0


def shown_summary(view: InteractionView) -> str:
    """The summary as history shows it: a private note says so (to anyone else it has no text)."""
    return f"(private) {view.summary}".rstrip() if view.private else view.summary


def cmd_edit(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    changes: dict[str, object] = {}
    for key in ("summary", "kind", "outcome", "notes"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    if args.at:
        changes["at"] = parse_moment(args.at, what="--at")
    if args.duration is not None:
        changes["duration_min"] = parse_duration(args.duration)
    if args.thanks is not None:
        changes["thanked"] = args.thanks
    if not changes:
        raise BadInput("edit-log: nothing to change; give --summary, --kind, --outcome, --at, --duration, --notes "
                       "or --thanks / --no-thanks")
    from planner.services.interactions import edits  # corrections only: `log` and `history` skip it

    view = edits.edit_interaction(args.id, **changes)
    if args.json:
        print_json(view)
    else:
        print(f"updated {view.id}: {view.kind} with {clean_line(view.contact_name)} at {_when(view)}"
              + _next_words(view.contact_id))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    from planner.services.interactions import edits

    view = edits.delete_interaction(args.id)
    last = contacts.get_view(view.contact_id).last_contacted
    last_words = last.isoformat(" ", "minutes") if last else "never"
    print(f"deleted {view.id}: {view.kind} with {clean_line(view.contact_name)} at {_when(view)}; "
          f"last contact now {last_words}" + _next_words(view.contact_id))
    return 0
