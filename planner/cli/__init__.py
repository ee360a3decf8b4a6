"""The `followup` command: global options, sub-command registry, and turning errors into one line.

Each module in COMMAND_MODULES has `register(subparsers, common)` that adds its sub-commands and
sets `handler` on each; a handler takes the parsed args and returns an exit code. Exit codes:
0 success, 1 runtime failure, 2 usage or bad input. COMMANDS names the module of every command, so
`followup COMMAND` imports and registers that module alone.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable

from peewee import PeeweeException

from planner import __version__
from planner.core import dates
from planner.core.errors import BadInput, FollowupError
from planner.core.textsafe import clean_line
from planner.store.database import LockWait, database_name
from planner.store.failures import describe_database_error, describe_os_error
from planner.store.paths import restrict_process_umask

# The module that registers each command (aliases too): `followup COMMAND` registers only that one,
# since importing every command's module (and what each imports) costs more than most commands'
# own work. Kept equal to what the modules register by a test.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("add", "contacts", "show", "edit", "archive", "unarchive"), "planner.cli.contacts_cmds"),
    **dict.fromkeys(("import", "export-contacts"), "planner.cli.import_cmds"),
    **dict.fromkeys(("plan", "snooze", "pin", "unpin", "block", "unblock", "blocks"), "planner.cli.plan_cmds"),
    **dict.fromkeys(("log", "history", "edit-log", "delete-log"), "planner.cli.log_cmds"),
    **dict.fromkeys(("favor", "favour", "thank", "ledger"), "planner.cli.ledger_cmds"),
    "agenda": "planner.cli.agenda_cmds",
    **dict.fromkeys(("config", "backup", "check", "demo"), "planner.cli.admin_cmds"),
    **dict.fromkeys(("sequence", "event"), "planner.cli.sequence_cmds"),
    **dict.fromkeys(("placed", "placements", "report"), "planner.cli.placement_cmds"),
    "date": "planner.cli.date_cmds",
    **dict.fromkeys(("duplicates", "merge"), "planner.cli.duplicates_cmds"),
    "fact": "planner.cli.fact_cmds",
    "sync": "planner.cli.sync_cmds",
    "remind": "planner.cli.remind_cmds",
    **dict.fromkeys(("team", "assign", "whoami"), "planner.cli.team_cmds"),
    "undo": "planner.cli.undo_cmds",
    "migrate-to": "planner.cli.migrate_cmds",
}
# Every command module, in the order the full parser lists their commands.
COMMAND_MODULES = list(dict.fromkeys(COMMANDS.values()))


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"followup: {message} (see '{self.prog} --help')\n")


def global_options(*, suppress: bool, today: bool = True) -> ArgumentParser:
    """The options every command takes, before or after its name; without `today` for a command
    whose own `--today` means something else (`agenda --today`: only today)."""
    parent = ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    parent.add_argument("--db", metavar="PATH|URL", default=default,
                        help="database file, or a postgresql://USER@HOST:PORT/DBNAME server "
                             "(default: $FOLLOWUP_DB or the user data folder)")
    if today:
        parent.add_argument("--today", metavar="YYYY-MM-DD", default=default,
                            help="pretend today is this date (also $FOLLOWUP_TODAY)")
    parent.add_argument("--strict", action="store_true", default=default,
                        help="refuse a database open to group or others instead of making it owner-only")
    return parent


def build_parser(modules: Iterable[str] = COMMAND_MODULES) -> ArgumentParser:
    """The `followup` parser with the commands of `modules` (by default every command)."""
    parser = ArgumentParser(
        prog="followup",
        description="A keyboard-driven follow-up planner: who to call, when, and what you owe them.",
        epilog="Without a COMMAND, followup opens the full-screen app. 'followup COMMAND --help' says more "
               "about each command.",
        parents=[global_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"followup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    common = global_options(suppress=True)
    for name in modules:
        importlib.import_module(name).register(sub, common)
    return parser


# Commands that only read: on read-only media they open the database read-only. `check` and
# `backup` inspect a file as it is: they never create, migrate or re-plan it.
READING_COMMANDS = frozenset({"contacts", "show", "agenda", "export-contacts", "history", "ledger", "blocks"})
INSPECTING_COMMANDS = frozenset({"check", "backup"})


def command_access(args: argparse.Namespace) -> str:
    """How the command opens the database: "write", "read" or "inspect" (see store.connect)."""
    command = getattr(args, "command", None)
    if command in INSPECTING_COMMANDS:  # `check --repair` too: it repairs a file, never creates one
        return "inspect"
    if command in READING_COMMANDS:
        return "read"
    if command in ("plan", "import") and getattr(args, "dry_run", False):
        return "read"
    if command == "config" and getattr(args, "value", None) is None:
        return "read"
    if command == "undo" and getattr(args, "list", False):
        return "read"
    return "write"


def notice(message: str) -> None:
    """A one-line notice on stderr (the command goes on)."""
    print(f"followup: {clean_line(message)}", file=sys.stderr)


def _print_lock_wait_once() -> Callable[[LockWait], None]:
    told: set[object] = set()

    def handler(wait: LockWait) -> None:
        if not wait.finished and wait.path not in told:
            told.add(wait.path)
            notice(f"another session is writing to {wait.path}; waiting…")

    return handler


def open_db_from_args(args: argparse.Namespace, *, refresh_plan: bool = False):
    """Open the database named by --db / $FOLLOWUP_DB / the default location (a file, or a
    PostgreSQL server for a `postgresql://` URI).

    With `refresh_plan`, a plan made on an earlier day (calls left on days now past) is re-planned
    first, so what is shown is today's plan: missed calls come back as catch-up calls. On a
    read-only or damaged database the stored plan is shown as it is, with a notice.
    """
    from planner.store.connect import open_database
    from planner.store.database import damage_mark, is_read_only, set_lock_wait_handler
    from planner.store.engine import resolve_target

    target = resolve_target(getattr(args, "db", None))
    set_lock_wait_handler(_print_lock_wait_once())
    database = open_database(target, access=command_access(args), strict=bool(getattr(args, "strict", False)),
                             notify=notice)
    if refresh_plan:
        from planner.scheduling.service import plan_is_stale, refresh_if_stale

        if not is_read_only() and damage_mark() is None:
            refresh_if_stale()
        elif plan_is_stale():
            why = "read-only" if is_read_only() else "damaged (see 'followup check')"
            notice(f"{database_name()}: {why}; showing the plan as stored, from an earlier day, "
                   "not re-planned for today")
    return database


def apply_today(args: argparse.Namespace) -> None:
    if getattr(args, "today", None):
        dates.set_today(dates.parse_iso_date(args.today, what="--today"))
    elif os.environ.get("FOLLOWUP_TODAY"):
        dates.set_today(dates.parse_iso_date(os.environ["FOLLOWUP_TODAY"], what="FOLLOWUP_TODAY"))


def main(argv: list[str] | None = None, *, open_app: Callable[[], int] | None = None,
         app_unavailable: str | None = None) -> int:
    """Run one command. `open_app`, given by the entry point above both layers (screens/launch.py),
    opens the full-screen app: with no command, and after `followup demo`; without it they print
    the help and the demo's summary only. `app_unavailable`, from the same entry point, says why
    the app cannot open in this process (no terminal): then no command is refused before anything
    is opened, and `followup demo` says how to open what it built."""
    restrict_process_umask()
    parser: ArgumentParser | None = None
    args = _app_arguments(argv) if open_app is not None else None
    if args is None:
        one_command = _one_command_parser(argv)
        parser = one_command or build_parser()
        args = parser.parse_args(argv)
        if one_command is not None:
            parser = None  # its help would list one command: the full parser's says what there is
    args.open_app = open_app
    args.app_unavailable = app_unavailable
    try:
        apply_today(args)
        handler = getattr(args, "handler", None)
        if handler is None:
            return _no_command(args, parser)
        return int(handler(args) or 0)
    except FollowupError as exc:
        print(f"followup: {exc}", file=sys.stderr)
        return exc.exit_code
    except (sqlite3.Error, PeeweeException) as exc:
        print(f"followup: {clean_line(describe_database_error(exc, database_name()))}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"followup: {clean_line(describe_os_error(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("followup: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, UnicodeError) as exc:
        explained = _damage_behind(exc)
        if explained is None:
            raise
        print(f"followup: {clean_line(explained)}", file=sys.stderr)
        return 1


def _damage_behind(exc: Exception) -> str | None:
    """When a command fails on a value it read back (a date that does not parse, text that does
    not decode), say which stored row is damaged instead of showing a traceback; a failure the
    stored rows do not explain is a bug and keeps its traceback."""
    from planner.store.database import db

    if db.database is None or db.is_closed():
        return None
    from planner.store.health import row_damage

    try:
        problems = row_damage()
    except Exception:
        return None
    if not problems:
        return None
    return (f"{database_name()}: damaged: {problems[0].what}"
            f"{f' and {len(problems) - 1} more' if len(problems) > 1 else ''}; "
            f"nothing was written; run 'followup check' ({type(exc).__name__}: {exc})")


class _NotOnlyGlobalOptions(Exception):
    pass


class _GlobalOptionsParser(ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotOnlyGlobalOptions(message)


def _app_arguments(argv: list[str] | None) -> argparse.Namespace | None:
    """The arguments when they are global options only (`followup`, `followup --db PATH`: the app
    opens), read without importing every command's module, which the app's start would otherwise
    wait for. None for anything else (a command, --help, --version, a mistake): the full parser
    reads those, and says what is wrong in its own words."""
    parser = _GlobalOptionsParser(prog="followup", add_help=False, parents=[global_options(suppress=False)])
    try:
        args, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    except _NotOnlyGlobalOptions:
        return None
    if rest:
        return None
    args.command = None
    return args


# The global options that take a value, and the one that does not (see global_options).
_VALUE_OPTIONS = ("--db", "--today")
_FLAG_OPTIONS = ("--strict",)


def _one_command_parser(argv: list[str] | None) -> ArgumentParser | None:
    """A parser that knows only the named command's module, when the words before the command are
    global options written out in full (`followup --db PATH log 42 ...`). None for anything else
    (--help, --version, no command, an unknown command, an abbreviated option, `--`): the full
    parser reads those and answers in its own words. The command's own parser is the same either
    way, so what it reads, its errors and `COMMAND --help` do not change."""
    words = sys.argv[1:] if argv is None else argv
    i = 0
    while i < len(words):
        word = words[i]
        if word in _VALUE_OPTIONS:
            if i + 1 >= len(words) or words[i + 1].startswith("-"):
                return None
            i += 2
        elif word in _FLAG_OPTIONS or word.partition("=")[0] in _VALUE_OPTIONS:
            i += 1
        elif word in COMMANDS:
            return build_parser([COMMANDS[word]])
        else:
            return None
    return None


def _no_command(args: argparse.Namespace, parser: ArgumentParser | None) -> int:
    if args.open_app is None:
        (parser or build_parser()).print_help()
        return 0
    if args.app_unavailable:  # before the database is opened: nothing is created or upgraded
        raise BadInput(f"{args.app_unavailable}; run a command instead, e.g. 'followup agenda' "
                       "(all of them: 'followup --help')")
    # The app shows the plan as stored at once and re-plans a stale one after its first frame.
    open_db_from_args(args)
    return int(args.open_app())

