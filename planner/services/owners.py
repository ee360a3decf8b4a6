"""Who owns each contact: assigning contacts (one, or every contact with a tag) to a member, and a
member leaving the desk (`team remove NAME --to OTHER`). Each owner's calls are planned over that
owner's own calendar (planner/scheduling/owners.py), so moving contacts re-plans the owners they
left and the one they joined, steadily: a call that can stay where it was stays."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.errors import BadInput
from planner.core.vocabulary import FavorDirection
from planner.scheduling.owners import UNOWNED
from planner.scheduling.service import replan
from planner.services.contacts import normalize_tag
from planner.services.team import MemberView, find_member
from planner.store.database import db, retried, write_tx
from planner.store.models import Contact, ContactTag, Favor, Member, get_contact, utcnow
from planner.store.queries import chunked


@dataclass(frozen=True)
class Assigned:
    member: MemberView
    contacts: int  # how many changed owner
    already: int  # how many were theirs already


@retried
def assign(contact_ids: list[int], member: MemberView) -> Assigned:
    """Make `member` the owner of these contacts and re-plan every owner concerned."""
    ids = sorted(set(contact_ids))
    with write_tx():
        for cid in ids:
            get_contact(cid)  # NotFound for one deleted meanwhile: nothing is stored
        before = {cid: owner for chunk in chunked(ids) for cid, owner in
                  db.execute(Contact.select(Contact.id, Contact.owner_id).where(Contact.id.in_(list(chunk))))}
        moving = [cid for cid in ids if before.get(cid) != member.id]
        for chunk in chunked(moving):
            Contact.update(owner_id=member.id, updated_at=utcnow()).where(Contact.id.in_(list(chunk))).execute()
        if moving:
            owners = sorted({before[cid] or UNOWNED for cid in moving} | {member.id})
            replan(moving, owners=owners)
    return Assigned(member, len(moving), len(ids) - len(moving))


@retried
def assign_tag(tag: str, member: MemberView) -> Assigned:
    """Every active contact with `tag` to `member`."""
    tagged = ContactTag.select(ContactTag.contact).where(ContactTag.tag == normalize_tag(tag))
    ids = [cid for (cid,) in db.execute(Contact.select(Contact.id).where(
        Contact.id.in_(tagged), Contact.archived_at.is_null()))]
    if not ids:
        raise BadInput(f"--tag {tag!r}: no active contact has this tag")
    return assign(ids, member)


@dataclass(frozen=True)
class Removed:
    member: MemberView
    to: MemberView | None
    contacts: int  # contacts that moved to `to`
    thanks: int  # open thank-yous handed on to the contacts' owners


@retried
def remove_member(name: str, to: str | None) -> Removed:
    """`name` leaves the desk: their contacts go to `to`, and the thank-yous they owe (favours
    they received, not yet thanked) go to each contact's owner as it is after that. Their row
    stays, marked as left, so the history still says who logged what; they no longer act."""
    leaving = find_member(name, "team remove")
    heir = find_member(to, "--to") if to else None
    if heir is not None and heir.id == leaving.id:
        raise BadInput("team remove: --to names the member who is leaving")
    with write_tx():
        owned = [cid for (cid,) in db.execute(Contact.select(Contact.id).where(Contact.owner_id == leaving.id))]
        if owned and heir is None:
            raise BadInput(f"team remove: {leaving.name} owns {len(owned)} contact"
                           f"{'s' if len(owned) != 1 else ''}; say who takes them over with --to NAME")
        for chunk in chunked(owned):
            Contact.update(owner_id=heir.id if heir else None, updated_at=utcnow()).where(
                Contact.id.in_(list(chunk))).execute()
        open_thanks = Favor.select(Favor.id, Favor.contact).where(
            Favor.member_id == leaving.id, Favor.direction == FavorDirection.RECEIVED, Favor.thanked_at.is_null())
        handed = 0
        for favor_id, contact_id in db.execute(open_thanks):
            owner = Contact.select(Contact.owner_id).where(Contact.id == contact_id).scalar()
            Favor.update(member_id=owner).where(Favor.id == favor_id).execute()
            handed += 1
        Member.update(left_at=utcnow()).where(Member.id == leaving.id).execute()
        if owned and heir is not None:
            replan(owned, owners=sorted({leaving.id, heir.id}))
    return Removed(leaving, heir, len(owned), handed)
