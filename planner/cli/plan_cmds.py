"""`followup plan`, `snooze`, `pin`, `unpin`, `block`, `unblock`, `blocks`."""

from __future__ import annotations

import argparse
import datetime as dt

from planner.cli.common import CONTACT_HELP, JSON_HELP, json_default, print_json, print_table
from planner.core import dates
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line
from planner.services import contacts

CHART_WEEKS = 6
BAR_WIDTH = 40


def register(sub, common) -> None:
    p = sub.add_parser("plan", parents=[common], help="re-plan calls evenly and show the plan's figures")
    p.add_argument("--horizon", type=int, metavar="DAYS", help="plan this many days ahead (default: setting)")
    p.add_argument("--rebalance", action="store_true",
                   help="ignore where calls were planned before, once: shows the figures before and after "
                        "and asks before storing it (never stored when worse)")
    p.add_argument("--yes", action="store_true", help="with --rebalance: store it without asking")
    p.add_argument("--dry-run", action="store_true", help="show the new plan without storing it")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--weeks", type=int, default=CHART_WEEKS, metavar="N", help="weeks in the bar chart")
    p.set_defaults(handler=cmd_plan)

    p = sub.add_parser("snooze", parents=[common], help="move a contact's next call to a later day and pin it")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--to", metavar="DATE", help="the new day: 2026-12-04, friday, in 2 weeks, tomorrow")
    when.add_argument("--by", metavar="OFFSET", help="how far to push it: 3d, 2w, 1m")
    p.add_argument("--step", action="store_true",
                   help="move the contact's next follow-up sequence step instead of their next call")
    p.set_defaults(handler=cmd_snooze)

    p = sub.add_parser("pin", parents=[common], help="put a contact's next call on a given day")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    p.add_argument("date", metavar="DATE", help="the day: 2026-12-04, friday, in 2 weeks, tomorrow")
    p.add_argument("--at", metavar="HH:MM", default="",
                   help="at this time of day in the contact's zone (a timed event in the calendar)")
    p.set_defaults(handler=cmd_pin)

    p = sub.add_parser("unpin", parents=[common], help="hand a contact's pinned call back to the planner")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    p.set_defaults(handler=cmd_unpin)

    p = sub.add_parser("block", parents=[common], help="block days for calls: block 2026-12-24..2027-01-02")
    p.add_argument("range", metavar="DATE[..DATE]", help="a day, or the first and last day: 2026-12-24..2027-01-02")
    p.add_argument("--note", default="", help="why (vacation, conference)")
    p.add_argument("--member", metavar="NAME", help="only this member's days (default: the whole desk's)")
    p.set_defaults(handler=cmd_block)

    p = sub.add_parser("unblock", parents=[common], help="reopen blocked days")
    p.add_argument("range", metavar="DATE[..DATE]", help="a day, or the first and last day to reopen")
    p.add_argument("--member", metavar="NAME", help="only this member's blocked days (default: the desk's)")
    p.set_defaults(handler=cmd_unblock)

    p = sub.add_parser("blocks", parents=[common], help="list blocked days")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_blocks)


def parse_range(text: str) -> tuple[dt.date, dt.date]:
    """'2026-12-24..2027-01-02', 'friday..next friday' or one day."""
    first, sep, second = text.partition("..")
    start = dates.parse_day(first, what="range start")
    end = dates.parse_day(second, what="range end") if sep else start
    if end < start:
        raise BadInput(f"range {text!r}: the end is before the start")
    return start, end


def _open(args: argparse.Namespace) -> None:
    from planner.cli import open_db_from_args

    open_db_from_args(args)


def cmd_plan(args: argparse.Namespace) -> int:
    from planner.scheduling.service import replan

    if args.horizon is not None and not 1 <= args.horizon <= 730:
        raise BadInput(f"--horizon: expected 1 to 730 days, got {args.horizon}")
    if args.weeks < 1:
        raise BadInput(f"--weeks: expected at least 1, got {args.weeks}")
    if args.yes and not args.rebalance:
        raise BadInput("--yes goes with --rebalance")
    _open(args)
    if args.rebalance:
        if args.horizon is not None:
            raise BadInput("--rebalance re-plans the usual horizon: leave out --horizon")
        return _rebalance(args)
    result = replan(None, dry_run=args.dry_run, horizon=args.horizon)
    if args.json:
        _print_plan_json(result, _names())
    else:
        _print_plan(result, args)
    return 0


def _rebalance(args: argparse.Namespace) -> int:
    """Show the figures before and after; store the rebalanced plan only when it is no worse on
    them and the user agrees (a prompt, or --yes; without a terminal to ask, nothing is stored)."""
    import sys

    from planner.scheduling import rebalance

    shown = rebalance.preview()
    if args.json and (args.dry_run or shown.worse or not args.yes):
        print_json(shown.to_json())
        return 0
    if not args.json:
        print(f"rebalance: {shown.words}")
    if shown.worse:
        print(f"the rebalanced plan would be worse ({', '.join(shown.worse)}): kept the plan as it is")
        return 0
    if args.dry_run:
        print(f"dry run: {shown.moved} call{'s' if shown.moved != 1 else ''} would move; nothing stored")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("not applied: nobody at a terminal to ask; run 'followup plan --rebalance --yes' to store it")
            return 0
        answer = input("Store the rebalanced plan? [y/N] ").strip().lower()
        if answer not in {"y", "yes"}:
            print("not applied: the plan is as it was")
            return 0
    done = rebalance.apply()
    if args.json:
        print_json(done.to_json())
    elif not done.applied:
        print(f"not applied: the plan changed meanwhile and rebalancing would now make it worse "
              f"({', '.join(done.worse)}; {done.words})")
    else:
        print(f"rebalanced: {done.moved} call{'s' if done.moved != 1 else ''} moved; {done.words}"
              " ('followup undo' puts them back)")
    return 0


def _names() -> dict[int, str]:
    from planner.store.database import db
    from planner.store.models import Contact

    return dict(db.execute(Contact.select(Contact.id, Contact.name)))  # raw cursor: two plain columns


def _plan_json(result, names: dict[int, str]) -> dict:
    """The plan as `--json` prints it (`_print_plan_json` writes this document's text)."""
    return {**_plan_head(result), "calls": [_call_json(r, names) for r in result.rows],
            "stats": result.stats.to_json()}


def _plan_head(result) -> dict:
    from planner.scheduling import worklist
    from planner.scheduling.inputs import load_calendar

    cal = load_calendar()
    return {
        "today": result.today.isoformat(),
        # today's list is set (the day's first plan made it): its calls are a fixed load, and the
        # lower bound in "stats" is the one on that basis
        "today_fixed": worklist.is_set(result.today),
        "horizon_end": result.horizon_end.isoformat(),
        "working_days": [d.isoformat() for d in cal.working_days(result.today, result.horizon_end)],
    }


def _call_json(r, names: dict[int, str]) -> dict:
    return {"contact_id": r.contact_id, "contact": clean_line(names.get(r.contact_id, "")),
            "date": r.date.isoformat(), "ideal": r.ideal.isoformat(),
            "window_start": r.window_start.isoformat(), "window_end": r.window_end.isoformat(),
            "reason": r.reason, "pinned": r.pinned}


def _print_plan_json(result, names: dict[int, str]) -> None:
    """`print_json(_plan_json(...))`'s exact text, written a call at a time: at 100k contacts the
    list of 130k dicts was most of the command's memory, and encoding each through the generic
    writer most of its time. A call's text is put together from pieces encoded once each (a
    contact's name, a reason, a day: a few hundred distinct), by the encoder `print_json` uses."""
    import sys

    from planner.core.textsafe import json_text

    rows = result.rows
    stats = result.stats.to_json()
    if not rows:  # an empty list is written inline, on the document's one line
        print_json(_plan_json(result, names))
        return
    encoded: dict[tuple[type, object], str] = {}

    def text(value: object) -> str:  # a value's JSON text, as `print_json` writes it
        key = (value.__class__, value)  # by type too: True and 1 are one dict key, not one text
        found = encoded.get(key)
        if found is None:
            found = encoded[key] = json_text(value, default=json_default)[:-1]
        return found

    shown: dict[int, str] = {}
    write = sys.stdout.write
    write(json_text(_plan_head(result), default=json_default)[:-2] + ',"calls":[\n')
    opening = ""
    for r in rows:
        contact = shown.get(r.contact_id)
        if contact is None:
            contact = shown[r.contact_id] = json_text(clean_line(names.get(r.contact_id, "")))[:-1]
        write(f'{opening}{{"contact_id":{int(r.contact_id)},"contact":{contact},"date":{text(r.date)},'
              f'"ideal":{text(r.ideal)},"window_start":{text(r.window_start)},"window_end":{text(r.window_end)},'
              f'"reason":{text(r.reason)},"pinned":{text(r.pinned)}}}')
        opening = ",\n"
    write('\n],"stats":' + json_text(stats, default=json_default)[:-1] + "}\n")


def _print_plan(result, args: argparse.Namespace) -> None:
    from planner.scheduling.inputs import load_calendar

    cal = load_calendar()
    stats = result.stats
    horizon_days = (result.horizon_end - result.today).days
    working = cal.working_days(result.today, result.horizon_end)
    pinned = sum(1 for r in result.rows if r.pinned)
    print(f"Plan from {result.today:%a} {result.today} to {result.horizon_end} "
          f"({horizon_days} days, {len(working)} working days)")
    extra = f" ({pinned} pinned)" if pinned else ""
    print(f"  calls      {stats.calls}{extra}")
    if stats.overdue:
        print(f"  overdue    {stats.overdue} pinned call{'s' if stats.overdue != 1 else ''} from past days, still owed")
    cap = f", capacity {cal.capacity}" if cal.capacity is not None else ""
    print(f"  peak       {stats.peak} a day (lower bound {stats.lower_bound}{cap})")
    if not args.dry_run:
        _print_owners()
    print(f"  shift      mean {stats.mean_shift_days:.1f} days, max {stats.max_shift_days} days from ideal")
    if stats.late:
        print(f"  late       {stats.late} call{'s' if stats.late != 1 else ''} after their window")
    else:
        print("  late       none")
    if stats.critical:
        start, end, excess = stats.critical
        print(f"  over-full  {start}..{end} needs {excess} more call{'s' if excess != 1 else ''} "
              f"than capacity {cal.capacity} allows")
    if args.dry_run:
        print(f"  dry run    {result.moved} call{'s' if result.moved != 1 else ''} would move; nothing stored")
    else:
        print(f"  moved      {result.moved} call{'s' if result.moved != 1 else ''}")
    _print_chart(result, cal, args.weeks)


def _print_owners() -> None:
    """On a desk with several owners, each one's peak against their own lower bound and cap."""
    from planner.scheduling.inputs import load_calendar
    from planner.scheduling.owners import UNOWNED, member_of, owner_keys
    from planner.scheduling.service import owner_stats
    from planner.services.team import member_names

    keys = owner_keys()
    if len(keys) <= 1:
        return
    names = member_names()
    for owner in keys:
        stats, cal = owner_stats(owner), load_calendar(member_of(owner))
        cap = f", capacity {cal.capacity}" if cal.capacity is not None else ""
        who = "no owner" if owner == UNOWNED else names.get(owner, f"member {owner}")
        print(clean_line(f"    {who}: {stats.calls} calls, peak {stats.peak} (lower bound {stats.lower_bound}{cap})"))


def _print_chart(result, cal, weeks: int) -> None:
    end = result.today + dt.timedelta(days=7 * weeks - 1)
    days = cal.working_days(result.today, end)
    counts: dict[dt.date, int] = {}
    for row in result.rows:
        counts[row.date] = counts.get(row.date, 0) + 1
    top = max([counts.get(d, 0) for d in days] + [1])
    print()
    print(f"Calls per working day, next {weeks} week{'s' if weeks != 1 else ''}:")
    previous_week = None
    for day in days:
        week = day.isocalendar()[:2]
        if previous_week is not None and week != previous_week:
            print()
        previous_week = week
        load = counts.get(day, 0)
        bar = "█" * max(1 if load else 0, round(load * BAR_WIDTH / top))
        print(f"  {day:%a %Y-%m-%d}  {bar} {load}")


def _when(view, asked: dt.date) -> str:
    moved = "" if view.date == asked else f" ({asked} is not a working day)"
    return f"{view.date:%a} {view.date} ({dates.humanize_day(view.date)}){moved}"


def cmd_snooze(args: argparse.Namespace) -> int:
    from planner.scheduling.plan_views import next_call
    from planner.services.schedule import snooze

    _open(args)
    contact_id = contacts.resolve(args.contact)
    if args.step:
        return _snooze_step(args, contact_id)
    if args.to:
        asked = dates.parse_day(args.to, what="--to")
    else:
        current = next_call(contact_id)
        base = max(current.date, dates.today()) if current else dates.today()
        asked = dates.parse_day(args.by, base=base, what="--by")
    view = snooze(contact_id, asked)
    print(f"snoozed {clean_line(view.contact_name)}: next call {_when(view, asked)}, pinned")
    return 0


def _snooze_step(args: argparse.Namespace, contact_id: int) -> int:
    from planner.services.sequences import runs_for, snooze_step

    pending = sorted((step for run in runs_for(contact_id, running_only=True) for step in run.steps
                      if step.state == "planned"), key=lambda s: (s.day, s.id))  # an overdue one first
    if not pending:
        raise BadInput(f"snooze --step: {clean_line(contacts.get_view(contact_id).name)} has no sequence step "
                       "pending")
    step = pending[0]
    asked = (dates.parse_day(args.to, what="--to") if args.to
             else dates.parse_day(args.by, base=step.day, what="--by"))
    moved = snooze_step(step.id, asked)
    shown = "" if moved.day == asked else f" ({asked} is not a working day)"
    print(f"moved {clean_line(moved.label)} ({clean_line(moved.purpose)}) to {moved.day:%a} {moved.day}{shown}")
    return 0


def cmd_pin(args: argparse.Namespace) -> int:
    from planner.services.schedule import pin

    _open(args)
    contact_id = contacts.resolve(args.contact)
    asked = dates.parse_day(args.date, what="date")
    view = pin(contact_id, asked, args.at)
    at = f" at {args.at.strip()}" if args.at.strip() else ""
    print(f"pinned {clean_line(view.contact_name)}: next call {_when(view, asked)}{at}")
    return 0


def cmd_unpin(args: argparse.Namespace) -> int:
    from planner.services.schedule import unpin

    _open(args)
    contact_id = contacts.resolve(args.contact)
    view = unpin(contact_id)
    name = clean_line(contacts.get_view(contact_id).name)
    if view is None:
        print(f"unpinned {name}: no cadence, so no call is planned")
    else:
        print(f"unpinned {name}: the planner put the next call on {view.date:%a} {view.date} ({view.reason})")
    return 0


def cmd_block(args: argparse.Namespace) -> int:
    from planner.services.blocks import add_block, pinned_inside

    start, end = parse_range(args.range)
    _open(args)
    member_id = None
    if args.member:
        from planner.services.team import find_member

        member_id = find_member(args.member).id
    block = add_block(start, end, args.note, member_id)
    span = f"{block.start}" if block.start == block.end else f"{block.start}..{block.end}"
    print(f"blocked {span} ({block.days} day{'s' if block.days != 1 else ''})"
          + (f": {clean_line(block.note)}" if block.note else "") + "; calls re-planned around it")
    inside = pinned_inside(start, end)
    if inside:
        calls = f"{inside} pinned call{'s' if inside != 1 else ''}"
        print(f"note: {calls} stay inside it; move them with 'followup snooze'")
    return 0


def cmd_unblock(args: argparse.Namespace) -> int:
    from planner.services.blocks import remove_block

    start, end = parse_range(args.range)
    _open(args)
    member_id = None
    if args.member:
        from planner.services.team import find_member

        member_id = find_member(args.member).id
    remove_block(start, end, member_id)
    span = f"{start}" if start == end else f"{start}..{end}"
    print(f"unblocked {span}; calls re-planned")
    return 0


def cmd_blocks(args: argparse.Namespace) -> int:
    from planner.services.blocks import list_blocks

    _open(args)
    blocks = list_blocks()
    if args.json:
        print_json([b.to_json() for b in blocks])
        return 0
    if not blocks:
        print("no blocked days")
        return 0
    if any(b.member_id is not None for b in blocks):
        from planner.services.team import member_names

        names = member_names()
        print_table(("from", "to", "days", "for", "note"),
                    [(b.start, b.end, b.days, names.get(b.member_id, "") if b.member_id else "everyone", b.note)
                     for b in blocks])
        return 0
    print_table(("from", "to", "days", "note"), [(b.start, b.end, b.days, b.note) for b in blocks])
    return 0
