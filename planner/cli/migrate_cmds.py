"""`followup migrate-to TARGET`: move a desk between engines. A personal SQLite file goes into an
empty team database on a PostgreSQL server under one member; a team database (what its member
may read) comes back into a new file. One transaction, verified row by row; a progress bar on a
terminal."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

from planner.cli import notice
from planner.core.errors import BadInput, FollowupError
from planner.core.textsafe import clean_line
from planner.store import engine, transfer
from planner.store.connect import open_database
from planner.store.database import BUSY_TIMEOUT_SECONDS, close_database, database_name, db


def register(sub, common) -> None:
    p = sub.add_parser("migrate-to", parents=[common],
                       help="copy this personal database into an empty team database on a PostgreSQL server "
                            "(or a team database back into a new file)")
    p.add_argument("target", metavar="TARGET", help="postgresql://USER@HOST/DBNAME (empty), or a new PATH.db")
    p.add_argument("--member", metavar="NAME",
                   help="the member the file's contacts, calls and private notes become (default: the member "
                        "TARGET connects as)")
    p.set_defaults(handler=cmd_migrate_to)


def cmd_migrate_to(args: argparse.Namespace) -> int:
    source_target = engine.resolve_target(getattr(args, "db", None))
    target = engine.resolve_target(args.target, what="migrate-to TARGET")
    transfer.refuse_same_engine(engine.is_server_url(source_target), engine.is_server_url(target))
    copied, member, source_name = copy_desk(source_target, target, args.member)
    whose = f" as {clean_line(member.name)} (role {member.role})" if member is not None else ""
    print(f"copied {copied.total} rows from {source_name} to {database_name()}{whose}; every row read back equal")
    _say_unreadable(copied)
    return 0


def copy_desk(source_target: str | Path, target: str | Path, member_name: str | None = None):
    """Copy the desk at `source_target` into the empty `target` (see planner/store/transfer.py),
    a progress bar on stderr when it is a terminal. Returns what was copied, the member it went to
    (None for a file) and the source's name; the target stays bound to `db`."""
    # the source first, as any command opens it: brought up to date, so both schemas are today's
    open_database(source_target, notify=notice)
    source_name = database_name()
    close_database()
    source = _connect_source(source_target)
    try:
        open_database(target, notify=notice)
        member = _member(member_name, source) if engine.is_server_url(target) else None
        bar = ProgressBar() if sys.stderr.isatty() else None
        # A read transaction on the source, for one consistent view of its rows; it cannot write
        # there: a file source is opened read-only (`_connect_source`), and the server is told the
        # transaction only reads. The copy's writes go through write_tx on the target, inside
        # transfer.copy_all.
        with source.atomic():
            if engine.on_server(source):  # one snapshot of the team's rows from start to end
                source.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            copied = transfer.copy_all(source, member, bar.show if bar else None)
        if bar:
            bar.done()
    finally:
        source.close()
    return copied, member, source_name


def _say_unreadable(copied: transfer.Copied) -> None:
    if copied.unreadable_private:
        print(f"{copied.unreadable_private} private notes of other members were not readable and are not in the copy "
              "(their calls are, without text)")


def backup_server(source_url: str, path_given: str | None) -> int:
    """`followup backup PATH` on a server: what this member may read, copied into a new SQLite
    file, verified row by row, under a temporary name until it is whole. The whole server (every
    member's private notes too) is the server's own backup's (pg_dump) to keep."""
    if not path_given:
        raise BadInput("backup: a server database is copied into a file: name it (followup backup PATH)")
    path = Path(path_given).expanduser()
    if path.is_dir():
        path = path / "followup-backup.db"
    if path.exists():
        raise BadInput(f"backup: {path}: already exists; name a new file")
    temp = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        copied, _, source_name = copy_desk(source_url, temp)
        close_database()
        os.replace(temp, path)
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
    print(f"{path}: {copied.total} rows of {source_name}, every row read back equal (the whole server, every "
          "member's private notes too, is backed up on the server: pg_dump)")
    _say_unreadable(copied)
    return 0


def _connect_source(target: str | Path):
    """A second connection to the source, read with the same models while the target is `db`."""
    if engine.is_server_url(target):
        server = engine.ServerDatabase(str(target), lock_wait=BUSY_TIMEOUT_SECONDS)
        server.open()
        return server
    from peewee import SqliteDatabase

    from planner.store.connect import READ_ONLY_PRAGMAS

    path = Path(target).resolve()
    source = SqliteDatabase(f"file:{quote(str(path))}?mode=ro", uri=True, pragmas=READ_ONLY_PRAGMAS,
                            timeout=BUSY_TIMEOUT_SECONDS)
    source.connect()
    return source


def _member(name: str | None, source):
    """The member the copied rows become: the one named, else the one the target connects as."""
    from planner.services.team import current_member
    from planner.store.models import Draft, Member, PrivateNote

    if name:
        row = Member.get_or_none(Member.name == name.strip())
        if row is None:
            raise BadInput(f"migrate-to: --member: no member named {name!r}; add them first: "
                           "followup team add NAME --role ROLE")
    else:
        try:
            view = current_member()
        except FollowupError as exc:
            raise FollowupError(f"{exc}; or name the member the desk belongs to with --member NAME") from None
        row = Member.get_by_id(view.id) if view is not None else None
        if row is None:
            raise FollowupError("migrate-to: no member to copy the desk under")
    role = engine.current_role(db)
    superuser = db.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    if row.role != role and not superuser and (PrivateNote.select().count(source) or Draft.select().count(source)):
        raise FollowupError(f"migrate-to: private notes and drafts can only be written by their author: connect as "
                            f"{row.name}'s role ({row.role}), not {role}")
    return row


class ProgressBar:
    """One line on stderr, redrawn at most ten times a second: what is done of copying and reading
    back."""

    WIDTH = 30

    def __init__(self) -> None:
        self._shown = 0.0

    def show(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._shown < 0.1 and done < total:
            return
        self._shown = now
        part = done / total if total else 1.0
        filled = int(part * self.WIDTH)
        what = "copying" if part < 0.5 else "verifying"
        sys.stderr.write(f"\r{what:9} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {part:4.0%}")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()
