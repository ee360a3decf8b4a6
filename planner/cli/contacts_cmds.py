"""`followup add | contacts | show | edit | archive | unarchive`."""

from __future__ import annotations

import argparse
import functools

from planner.cli import open_db_from_args
from planner.cli.common import (
    CONTACT_HELP,
    JSON_HELP,
    add_contact_options,
    contact_fields_from_args,
    print_json,
    print_json_records,
    print_table,
)
from planner.core.cadence import describe_cadence
from planner.core.dates import humanize_day
from planner.core.errors import BadInput
from planner.core.textsafe import clean_block, clean_line
from planner.services import contacts
from planner.services.contact_views import ContactView


def register(sub, common) -> None:
    p = sub.add_parser("add", parents=[common], help="add a contact")
    p.add_argument("name", metavar="NAME", help="their full name")
    add_contact_options(p, editing=False)
    p.add_argument("--owner", metavar="NAME", help="the member whose contact it is (default: you)")
    p.add_argument("--json", action="store_true", help="print the contact as JSON")
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("contacts", parents=[common], help="list contacts")
    p.add_argument("--search", metavar="Q", help="words to match in name, company, title, tags, emails, notes")
    p.add_argument("--tag", help="only contacts with this tag")
    p.add_argument("--archived", action="store_true", help="list archived contacts instead")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", parents=[common], help="show one contact")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("edit", parents=[common], help="change a contact")
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    add_contact_options(p, editing=True)
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_edit)

    for name, archived in (("archive", True), ("unarchive", False)):
        calls = "leave" if archived else "return to"
        p = sub.add_parser(name, parents=[common], help=f"{name} a contact (its calls {calls} the plan)")
        p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
        p.set_defaults(handler=cmd_archive, archived=archived)


def cmd_add(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    fields = contact_fields_from_args(args)
    fields.name = args.name
    if args.owner:
        from planner.services.team import find_member

        fields.owner_id = find_member(args.owner, "--owner").id
    view = contacts.add_contact(fields)
    if args.json:
        print_json(view)
    else:
        print(f"added {view.id} {clean_line(view.name)}" + _next_call_words(view))
    return 0


_EDITED = ("name", "company", "title", "email", "phone", "tag", "kind", "every", "tz", "note", "prefers_email")


def cmd_edit(args: argparse.Namespace) -> int:
    if all(getattr(args, key) is None for key in _EDITED) and not (args.add_tag or args.remove_tag
                                                                   or args.default_cadence):
        raise BadInput("edit: nothing to change; give --name, --company, --title, --email, --phone, --tag, "
                       "--add-tag, --remove-tag, --kind, --every, --default-cadence, --tz, --note or --prefers-email")
    open_db_from_args(args)
    contact_id = contacts.resolve(args.contact)
    view = contacts.edit_contact(contact_id, contact_fields_from_args(args))
    if args.json:
        print_json(view)
    else:
        print(f"updated {view.id} {clean_line(view.name)}" + _next_call_words(view))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    view = contacts.set_archived(contacts.resolve(args.contact), args.archived)
    print(f"{'archived' if args.archived else 'unarchived'} {view.id} {clean_line(view.name)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    open_db_from_args(args, refresh_plan=True)
    if args.json:  # written record by record as read, each handed to the encoder as the dict it writes
        print_json_records(contacts.iter_contact_records(search=args.search, tag=args.tag, archived=args.archived))
        return 0
    # A few hundred distinct days and cadences among any number of contacts: worded once each.
    cadence_words, day_words = functools.lru_cache(None)(describe_cadence), functools.lru_cache(None)(humanize_day)
    rows = (
        (cid, name, company, ", ".join(tags), cadence_words(cadence), day_words(last.date()) if last else "never",
         next_call.isoformat() if next_call else "", f"{balance:+d}" if balance else "0")
        for cid, name, company, tags, cadence, last, next_call, balance, _ in contacts.list_rows(
            search=args.search, tag=args.tag, archived=args.archived)
    )
    count = print_table(("id", "name", "company", "tags", "cadence", "last contact", "next call", "balance"), rows)
    print(f"{count} contact{'s' if count != 1 else ''}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    open_db_from_args(args, refresh_plan=True)
    view = contacts.get_view(contacts.resolve(args.contact))
    if args.json:
        print_json(view)
        return 0
    for label, value in describe(view):
        print(f"{label:>13}  {value}")
    if view.owner_id is not None:  # a desk's contact: whose it is
        from planner.services.team import member_names

        print(f"{'owner':>13}  {clean_line(member_names().get(view.owner_id, ''))}")
    from planner.services.facts import facts_of
    from planner.services.placements import placement_words

    if placed := placement_words(view.id):  # repeat business at a glance
        print(f"{'placements':>13}  {clean_line(placed)}")
    for number, fact in enumerate(facts_of(view.id)):  # what matters to them, for the call
        print(f"{'remember' if number == 0 else '':>13}  {clean_line(fact.text)}")
    return 0


def describe(view: ContactView) -> list[tuple[str, str]]:
    """Label/value lines for one contact, user text neutralised."""
    cadence = describe_cadence(view.cadence_days)
    if view.cadence_from and view.cadence_from != "contact":
        cadence += f" (from {view.cadence_from})"
    lines = [
        ("name", clean_line(view.name) + (" [archived]" if view.archived else "")),
        ("id", str(view.id)),
        ("company", clean_line(view.company)),
        ("title", clean_line(view.title)),
        ("kind", view.kind),
        ("emails", clean_line(", ".join(view.emails))),
        ("phones", clean_line(", ".join(view.phones))),
        ("tags", clean_line(", ".join(view.tags))),
        ("cadence", cadence),
        ("time zone", view.timezone or "-"),
        ("last contact", view.last_contacted.isoformat(" ", "minutes") if view.last_contacted else "never"),
        ("next call", f"{view.next_call} ({view.next_reason})" if view.next_call else "-"),
        ("balance", f"{view.balance:+d}"),
        ("source", view.source + (f" {clean_line(view.external_key)}" if view.external_key else "")),
    ]
    if view.notes:
        note_lines = clean_block(view.notes).splitlines() or [""]
        lines.append(("notes", note_lines[0]))
        lines += [("", line) for line in note_lines[1:]]
    return lines


def _next_call_words(view: ContactView) -> str:
    if view.next_call:
        return f"; next call {view.next_call.isoformat()} ({humanize_day(view.next_call)})"
    return "; not scheduled" if view.cadence_days is None else ""
