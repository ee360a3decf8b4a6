"""The members of a desk sharing one PostgreSQL database: adding and listing them, and who the
connected session is. Each member connects as their own PostgreSQL role, so the server itself says
who is acting; a personal SQLite file has one implicit member and no team."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from peewee import IntegrityError

from planner.core.errors import BadInput, FollowupError
from planner.core.textsafe import clean_line
from planner.store import engine
from planner.store.database import db, retried, write_tx
from planner.store.models import Member

SERVER_ONLY = ("a personal database has one member, you; a team shares a PostgreSQL database "
               "(--db postgresql://USER@HOST/DBNAME)")


@dataclass(frozen=True)
class MemberView:
    id: int
    name: str
    role: str
    email: str

    def to_json(self) -> dict:
        return asdict(self)


def _view(row: Member) -> MemberView:
    return MemberView(row.id, row.name, row.role, row.email)


@retried
def add_member(name: str, role: str, email: str = "") -> tuple[MemberView, bool]:
    """Record a member who connects as `role` (which must exist on the server); and whether it is
    one who had left the desk, back under the same name and role (their history is theirs again;
    the contacts handed over when they left stay with whoever took them)."""
    if not engine.on_server(db):
        raise FollowupError(f"team add: {SERVER_ONLY}")
    name, role, email = clean_line(name).strip(), role.strip(), clean_line(email).strip()
    if not name:
        raise BadInput("team add: empty name")
    if not role:
        raise BadInput("team add: --role: empty role name")
    if email and ("@" not in email or " " in email):
        raise BadInput(f"team add: --email: not an email address: {email!r}")
    if not engine.role_exists(db, role):
        raise BadInput(f"team add: --role: no PostgreSQL role {role!r} on this server; create it first "
                       f"(CREATE ROLE \"{role}\" LOGIN)")
    with write_tx():
        taken = Member.get_or_none(Member.name == name) or Member.get_or_none(Member.role == role)
        if taken is not None and taken.left_at is not None:
            if (taken.name, taken.role) != (name, role):
                raise BadInput(f"team add: {taken.name!r} (role {taken.role!r}) left the desk on "
                               f"{taken.left_at:%Y-%m-%d}; to bring them back: team add {taken.name!r} "
                               f"--role {taken.role}")
            Member.update(left_at=None, email=email or taken.email).where(Member.id == taken.id).execute()
            return _view(Member.get_by_id(taken.id)), True
        if taken is not None:
            raise BadInput(f"team add: {taken.name!r} (role {taken.role!r}) is already a member")
        try:
            row = Member.create(name=name, role=role, email=email)
        except IntegrityError as exc:  # another session added them first
            raise BadInput(f"team add: {name!r} or role {role!r} is already a member") from exc
    return _view(row), False


def list_members() -> list[MemberView]:
    """Every member still on the desk, by name."""
    return sorted((_view(row) for row in Member.select().where(Member.left_at.is_null())),
                  key=lambda m: (m.name.casefold(), m.id))


def find_member(name: str, what: str = "--member") -> MemberView:
    """The member still on the desk with this name (any case) or role; BadInput naming the members."""
    wanted = clean_line(name).strip()
    rows = list(Member.select().where(Member.left_at.is_null()))
    for match in (lambda r: r.name == wanted, lambda r: r.name.casefold() == wanted.casefold(),
                  lambda r: r.role == wanted):
        found = [r for r in rows if match(r)]
        if len(found) == 1:
            return _view(found[0])
    known = ", ".join(sorted(r.name for r in rows)) or "none yet (followup team add)"
    raise BadInput(f"{what}: no member {wanted!r}; the members are: {known}")


def member_names() -> dict[int, str]:
    """Every member's name by id, those who left too (the history still names them)."""
    return dict(db.execute(Member.select(Member.id, Member.name)))


def acting_member_id() -> int | None:
    """The id of the member this session acts as, for stamping what it writes (a contact's owner,
    who logged a call); None on a personal file, or for a role that is no member (an
    administrator setting the server up)."""
    role = engine.current_role(db)
    if role is None:
        return None
    row = Member.get_or_none(Member.role == role, Member.left_at.is_null())
    return row.id if row is not None else None


def current_member() -> MemberView | None:
    """The member this session acts as: the one whose role it connected as. None on a personal
    SQLite file (its one implicit member); FollowupError for a role that is not a member."""
    role = engine.current_role(db)
    if role is None:
        return None
    row = Member.get_or_none(Member.role == role, Member.left_at.is_null())
    if row is None:
        raise FollowupError(f"{engine.describe(db)}: role {role!r} is not a member of this team; "
                            f"add it with: followup team add NAME --role {role}")
    return _view(row)
