"""`followup favor | thank | ledger`: the reciprocity ledger from the shell."""

from __future__ import annotations

import argparse

from planner.cli import ArgumentParser, open_db_from_args
from planner.cli.common import CONTACT_HELP, JSON_HELP, print_json, print_table
from planner.core.dates import parse_day
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line
from planner.core.vocabulary import FAVOR_KINDS, FavorDirection
from planner.services import contacts, ledger, referrals


class _Intermixed(ArgumentParser):
    """`favor maria --got referral --for jonas "Introduced me"`: argparse alone gives the optional
    NOTE its empty default as soon as KIND is read, and then refuses the note after `--for`;
    parsing intermixed reads every positional wherever it stands."""

    _mixing = False

    def parse_known_args(self, args=None, namespace=None):
        if self._mixing:
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def register(sub, common) -> None:
    p = sub.add_parser("favor", aliases=["favour"], parents=[common], help="record a favour given or received")
    p.__class__ = _Intermixed
    p.add_argument("contact", metavar="CONTACT", help=CONTACT_HELP)
    way = p.add_mutually_exclusive_group(required=True)
    way.add_argument("--gave", dest="direction", action="store_const", const=FavorDirection.GAVE, help="we helped them")
    way.add_argument("--got", dest="direction", action="store_const", const=FavorDirection.RECEIVED,
                     help="they helped us")
    p.add_argument("kind", metavar="KIND", help=", ".join(FAVOR_KINDS))
    p.add_argument("note", metavar="NOTE", nargs="?", default="", help="what it was")
    p.add_argument("--weight", type=int, default=1, metavar="N", help="1 (default), 2 or 3 for a big one")
    p.add_argument("--at", metavar="WHEN", help="the day it happened (default today)")
    p.add_argument("--returns", type=int, metavar="ID", help="the favour this one returns")
    p.add_argument("--for", dest="referred", metavar="CONTACT",
                   help="a referral or introduction: who was referred (the ledger shows the chain)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_favor)

    p = sub.add_parser("thank", parents=[common], help="mark received favours thanked")
    p.add_argument("contact", metavar="CONTACT", nargs="?", help="thank all of this contact's open favours")
    p.add_argument("--favor", "--favour", dest="favor", type=int, metavar="ID", help="thank one favour")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_thank)

    p = sub.add_parser("ledger", parents=[common], help="balances and flags, or one contact's favours")
    p.add_argument("contact", metavar="CONTACT", nargs="?", help="list this contact's favours")
    p.add_argument("--owed", action="store_true", help="only people we owe a thank-you")
    p.add_argument("--member", metavar="NAME", help="only the favours this member gave or received")
    p.add_argument("--one-way", action="store_true", help="only one-way relationships (they give, we take)")
    p.add_argument("--give-back", action="store_true",
                   help="people who helped us and whom we have not helped in 6 months, best first")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.set_defaults(handler=cmd_ledger)


def cmd_favor(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    contact_id = contacts.resolve(args.contact)
    day = parse_day(args.at, what="--at") if args.at else None
    referred = contacts.resolve(args.referred) if args.referred else None
    view = ledger.add_favor(contact_id, args.direction, args.kind, args.note, weight=args.weight, day=day,
                            returns=args.returns, referred=referred)
    if args.json:
        print_json(view)
        return 0
    way = "gave" if view.direction == FavorDirection.GAVE else "received from"
    line = f"recorded favour {view.id}: {way} {view.contact_name}: {view.kind}"
    if view.thank_due:
        line += f"; thank them by {view.thank_due.isoformat()}"
    print(clean_line(line))
    return 0


def cmd_thank(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    if args.contact is None and args.favor is None:
        raise BadInput("thank: name a CONTACT or give --favor ID")
    contact_id = contacts.resolve(args.contact) if args.contact else None
    thanked = ledger.thank(contact_id=contact_id, favor_id=args.favor)
    if args.json:
        print_json(thanked)
        return 0
    for view in thanked:
        print(clean_line(f"thanked {view.contact_name} for favour {view.id}: {view.kind} of {view.date.isoformat()}"))
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    open_db_from_args(args)
    if args.contact:
        favors = ledger.contact_ledger(contacts.resolve(args.contact))
        if args.member:
            from planner.services.team import find_member

            favors = [f for f in favors if f.member_id == find_member(args.member).id]
        chains = referrals.chains(favors)
        if args.json:
            print_json([dict(f.to_json(), chain=chains.get(f.id, "")) for f in favors])
            return 0
        rows = [(f.id, f.date.isoformat(), "gave" if f.direction == FavorDirection.GAVE else "got", f.kind, f.weight,
                 _thanks(f), f.returns_id or "", f.note, chains.get(f.id, "")) for f in favors]
        print_table(("id", "date", "way", "kind", "weight", "thanked", "returns", "note", "chain"), rows)
        return 0
    member_id: int | None = None
    if args.member:
        from planner.services.team import find_member

        member_id = find_member(args.member).id
    rows_data = ledger.ledger_rows(owed=args.owed, one_way=args.one_way, give_back=args.give_back,
                                   member_id=member_id)
    if args.json:
        print_json(rows_data)
        return 0
    summary = [(r.contact_id, r.name, r.company, r.given, r.received, f"{r.balance:+d}",
                ", ".join(flag for flag, on in (("owes-thanks", r.owes_thanks), ("one-way", r.one_way)) if on),
                r.last_gave.isoformat() if r.last_gave else "", r.last_received.isoformat() if r.last_received else "")
               for r in rows_data]
    print_table(("id", "name", "company", "gave", "got", "balance", "flags", "last gave", "last got"), summary)
    print(f"{len(summary)} contact{'s' if len(summary) != 1 else ''}")
    return 0


def _thanks(favor: ledger.FavorView) -> str:
    if favor.direction != FavorDirection.RECEIVED:
        return ""
    if favor.thanked_at is not None:
        return favor.thanked_at.date().isoformat()
    return f"due {favor.thank_due.isoformat()}" if favor.thank_due else "no"
