"""The members of a desk sharing one PostgreSQL database: adding and listing them, and who the
connected session is. Each member connects as their own PostgreSQL role, so the server itself says
who is acting; a personal SQLite file has one implicit member and no team."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from peewee import IntegrityError

from planner.core.errors import BadInput, FollowupError
from planner.core.textsafe import clean_line
from planner.store import engine
from planner.store.database import db, write_tx
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


def add_member(name: str, role: str, email: str = "") -> MemberView:
    """Record a member who connects as `role` (which must exist on the server)."""
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
        if taken is not None:
            raise BadInput(f"team add: {taken.name!r} (role {taken.role!r}) is already a member")
        try:
            row = Member.create(name=name, role=role, email=email)
        except IntegrityError as exc:  # another session added them first
            raise BadInput(f"team add: {name!r} or role {role!r} is already a member") from exc
    return _view(row)


def list_members() -> list[MemberView]:
    """Every member, by name."""
    return sorted((_view(row) for row in Member.select()), key=lambda m: (m.name.casefold(), m.id))


def current_member() -> MemberView | None:
    """The member this session acts as: the one whose role it connected as. None on a personal
    SQLite file (its one implicit member); FollowupError for a role that is not a member."""
    role = engine.current_role(db)
    if role is None:
        return None
    row = Member.get_or_none(Member.role == role)
    if row is None:
        raise FollowupError(f"{engine.describe(db)}: role {role!r} is not a member of this team; "
                            f"add it with: followup team add NAME --role {role}")
    return _view(row)
