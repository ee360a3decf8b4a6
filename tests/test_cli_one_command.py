"""`followup COMMAND` imports and registers only the module that defines COMMAND, and reads its
arguments exactly as the full parser does; help, the version, typos and anything unusual go to the
full parser, with the same words and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys

import pytest

from planner.cli import COMMAND_MODULES, COMMANDS, _one_command_parser, build_parser


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def test_the_map_names_every_command_with_the_module_that_registers_it():
    assert set(COMMANDS) == _commands(build_parser())
    for module in COMMAND_MODULES:
        assert _commands(build_parser([module])) == {c for c, m in COMMANDS.items() if m == module}, module


def _outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    """What a parser makes of argv: its arguments (the handler by name), or its exit code, and
    what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            parsed = vars(parser.parse_args(argv))
        except SystemExit as exc:
            return exc.code, out.getvalue(), err.getvalue()
    if "handler" in parsed:
        parsed["handler"] = parsed["handler"].__qualname__
    return parsed, out.getvalue(), err.getvalue()


READ_ALIKE = [
    ["log", "42", "bench note", "--kind", "note"],
    ["--db", "x.db", "log", "42", "a note", "--today", "2026-03-02"],
    ["--db=x.db", "--strict", "--today=2026-03-02", "favor", "maria", "--got", "advice", "help"],
    ["favour", "maria", "--gave", "intro", "x", "--db", "y.db"],
    ["thank", "maria", "--strict"],
    ["snooze", "maria", "--by", "3d"],
    ["snooze", "maria"],  # a required choice missing
    ["contacts", "--search", "maria", "--json"],
    ["show", "42", "--bogus"],  # an option nobody knows, after the command
    ["show"],  # its argument missing
    ["log", "--help"],
    ["--db", "x.db", "date", "--help"],
    ["date", "add", "--help"],
    ["date"],  # its action missing
    ["date", "lsit"],  # a typo of an action
    ["team", "list", "--db", "x.db"],
    ["sync", "calendar", "--days", "3"],
    ["show", "42", "--ver"],  # an abbreviation the top level knows, after the command
    ["show", "42", "--d", "x.db"],  # ambiguous at the top level
    ["migrate-to", "--help"],
]


@pytest.mark.parametrize("argv", READ_ALIKE, ids=" ".join)
def test_one_command_reads_its_arguments_as_the_full_parser_does(argv):
    small = _one_command_parser(argv)
    assert small is not None
    assert _outcome(small, argv) == _outcome(build_parser(), argv)


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["-h"], ["--version"], ["--db", "x.db"], ["lgo", "42"], ["Log"], ["--str", "log", "42"],
    ["--db"], ["--db", "--strict", "log"], ["--", "log"], ["-x", "log"], ["--strict=1", "log"], ["42", "log"],
])
def test_anything_but_a_named_command_goes_to_the_full_parser(argv):
    assert _one_command_parser(argv) is None


def _followup(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "screens", *args], capture_output=True, text=True, timeout=60)


def test_typos_help_and_version_answer_as_before(tmp_path):
    typo = _followup("--db", str(tmp_path / "f.db"), "lgo", "42")
    assert typo.returncode == 2 and typo.stdout == ""
    assert typo.stderr.startswith("followup: argument COMMAND: invalid choice: 'lgo' (choose from 'add', ")
    assert "'migrate-to'" in typo.stderr and "(see 'followup --help')" in typo.stderr
    helped = _followup("--help")
    assert helped.returncode == 0 and "export-contacts" in helped.stdout and "migrate-to" in helped.stdout
    versioned = _followup("--version")
    assert versioned.returncode == 0 and versioned.stdout.startswith("followup ")
    log_help = _followup("log", "--help")
    assert log_help.returncode == 0 and log_help.stdout.startswith("usage: followup log ")
    assert "--kind" in log_help.stdout and "export-contacts" not in log_help.stdout
    missing = _followup("snooze", "maria", "--db", str(tmp_path / "f.db"))
    assert missing.returncode == 2
    assert missing.stderr == "followup: one of the arguments --to --by is required (see 'followup snooze --help')\n"
    assert not (tmp_path / "f.db").exists()  # a usage error opens nothing


SEEN = ("import sys; from planner.cli import main; code = main(sys.argv[1:]); "
        "print(' '.join(sorted(m for m in sys.modules "
        "if m.startswith('planner.cli.') and m.endswith('_cmds') or m == 'arrow')), file=sys.stderr); "
        "raise SystemExit(code)")


def _command_modules_after(db, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SEEN, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FOLLOWUP_DB": str(db)})
    assert done.returncode == 0, done.stderr
    return done.stderr.split()


def test_a_command_imports_no_other_commands_module(tmp_path):
    """Nor arrow, which only the date phrases that need it load (`next month`, `in 2 days`)."""
    db = tmp_path / "f.db"
    today = ("--today", "2026-11-25")
    assert _command_modules_after(db, *today, "add", "Maria Schmidt") == ["planner.cli.contacts_cmds"]
    assert _command_modules_after(db, "log", "maria", "a note", "--kind", "note", *today) == ["planner.cli.log_cmds"]
    assert _command_modules_after(db, "--db", str(db), "favor", "maria", "--got", "advice", "help") == [
        "planner.cli.ledger_cmds"]
    assert _command_modules_after(db, "thank", "maria") == ["planner.cli.ledger_cmds"]
    assert _command_modules_after(db, "snooze", "maria", "--by", "3d") == ["planner.cli.plan_cmds"]
    assert _command_modules_after(db, "contacts", "--search", "maria") == ["planner.cli.contacts_cmds"]
    assert _command_modules_after(db, "history", "maria") == ["planner.cli.log_cmds"]
    assert _command_modules_after(db, "snooze", "maria", "--by", "next month") == ["arrow", "planner.cli.plan_cmds"]


def test_global_options_before_or_after_the_command_reach_the_same_database(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    before = _followup("--db", str(first), "--today", "2026-11-25", "add", "Maria Schmidt")
    after = _followup("add", "Jonas Weber", "--db", str(second), "--today=2026-11-25", "--strict")
    assert before.returncode == 0 and after.returncode == 0, (before.stderr, after.stderr)
    listed_first = _followup("contacts", "--db", str(first))
    listed_second = _followup(f"--db={second}", "contacts")
    assert "Maria Schmidt" in listed_first.stdout and "Jonas Weber" not in listed_first.stdout
    assert "Jonas Weber" in listed_second.stdout and "Maria Schmidt" not in listed_second.stdout
