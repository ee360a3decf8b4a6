"""What a new user reads: every command's --help says what each argument is, says no default a
command does not have, and a count or limit that makes no sense is refused in one line (exit 2)
instead of being read as "no limit" or "nothing"."""

from __future__ import annotations

import argparse
import json
import os
import stat

import pytest

from planner.cli import build_parser


def _undescribed(parser: argparse.ArgumentParser, command: list[str]) -> list[str]:
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                missing += _undescribed(sub, [*command, name])
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)) and not action.help:
            missing.append(" ".join([*command, action.option_strings[0] if action.option_strings else action.metavar]))
    return missing


def test_every_argument_of_every_command_is_described():
    assert _undescribed(build_parser(), ["followup"]) == []


def _help(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*argv, "--help"])
    assert done.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_edit_log_claims_no_defaults_it_does_not_have(capsys):
    """A correction changes only what it names: its kind, outcome and time have no default."""
    edit = _help(capsys, "edit-log").split("owner-only", 1)[1]  # its own options, after the shared ones
    assert "default" not in edit and "replace the notes" in edit
    log = _help(capsys, "log")
    assert "call (default)" in log and "spoke (default)" in log and "(default now)" in log


def test_the_top_help_says_a_bare_followup_opens_the_app(capsys):
    assert "Without a COMMAND, followup opens the full-screen app" in _help(capsys)


def test_agenda_takes_the_shared_database_options(capsys):
    agenda = _help(capsys, "agenda")
    assert "--db PATH|URL" in agenda and "postgresql://" in agenda and "--strict" in agenda


@pytest.mark.parametrize(("argv", "option"), [
    (["history", "Maria", "--limit", "0"], "--limit"),
    (["history", "Maria", "--limit", "-1"], "--limit"),
    (["duplicates", "--limit", "-3"], "--limit"),
    (["undo", "--list", "--limit", "0"], "--limit"),
    (["demo", "--no-ui", "--contacts", "0"], "--contacts"),
])
def test_a_count_below_one_is_refused_in_one_line(cli, argv, option):
    result = cli(*argv)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and f"argument {option}: expected at least 1, got {argv[-1]} " in result.err


def test_a_count_that_is_no_number_is_named(cli):
    result = cli("history", "Maria", "--limit", "all")
    assert result.code == 2 and "argument --limit: expected a whole number, got 'all'" in result.err


def test_the_limits_still_limit(cli):
    cli.ok("add", "Maria Schmidt")
    first = cli.log("Maria", "first call", "--at", "yesterday 10:00")
    second = cli.log("Maria", "second call")
    assert [row["id"] for row in json.loads(cli.ok("history", "Maria", "--limit", "1", "--json"))] == [second]
    assert [row["id"] for row in json.loads(cli.ok("history", "Maria", "--json"))] == [second, first]


def test_agenda_strict_refuses_a_database_open_to_others_as_every_command_does(cli, tmp_path):
    path = tmp_path / "loose" / "followup.db"
    cli.ok("add", "Ann", db=path)
    os.chmod(path, 0o644)
    result = cli("agenda", "--strict", db=path)
    assert result.code == 1 and "--strict" in result.err and result.err.count("\n") == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert cli("agenda", db=path).code == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize(("argv", "env", "said"), [
    (["--db", "mysql://desk@db.example/crm", "contacts"], None, "--db: mysql:// is not a database"),
    (["--db", "postgressql://desk@db.example/crm"], None, "--db: postgressql:// is not a database"),
    (["contacts"], "file:///tmp/crm.db", "FOLLOWUP_DB: file:// is not a database"),
    (["migrate-to", "mysql://desk@db.example/crm"], None, "migrate-to TARGET: mysql:// is not a database"),
])
def test_a_url_of_another_kind_is_refused_not_made_into_a_new_empty_file(tmp_path, monkeypatch, capsys, argv, env,
                                                                         said):
    from planner.cli import main

    monkeypatch.chdir(tmp_path)
    if env is not None:
        monkeypatch.setenv("FOLLOWUP_DB", env)
    else:
        monkeypatch.setenv("FOLLOWUP_DB", str(tmp_path / "mine.db"))
        assert main(["add", "Ann"]) == 0
        capsys.readouterr()
    assert main(argv, open_app=lambda: pytest.fail("the app opened")) == 2  # as the `followup` entry point runs it
    err = capsys.readouterr().err
    assert err.startswith(f"followup: {said} followup opens; give a file's path, or a postgresql://")
    assert err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("mine.db")] == []
