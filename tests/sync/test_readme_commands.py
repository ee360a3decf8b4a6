"""Every `followup` command the README lists, run as written, in the README's order, on one
database per engine: an SQLite file and a real PostgreSQL server. Here beside the sync tests
because `sync` needs their Radicale server; `remind --email` gets a real SMTP server.

The commands are read from the README's `sh` blocks, not copied here, so a command added to the
README is run too. Optional parts (`[--json]`) run once without and once with each alternative;
`a|b|c` runs each value. The few stand-ins a reader fills in (a log's id, the people to merge, the
collection addresses, the files to import) are filled in below, and nothing else is changed.
"""

from __future__ import annotations

import json
import re
import shlex
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.sync.helpers import PASSWORD

pytestmark = pytest.mark.engines

README = Path(__file__).resolve().parents[2] / "README.md"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
# commands that, as written, need a desktop or a second engine: said why, and run without it
NOT_HERE = {
    "--notify": "a desktop session bus (its absence is one line; tests/sync/test_remind.py)",
}


def readme_commands() -> list[str]:
    """Each `followup ...` command in the README's sh blocks, in order, as written."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            for part in line.split(" ; "):
                part = part.strip()
                words = part.split()
                if "followup" in words and not part.startswith(("python3", "psql", "createdb", "sudo")):
                    commands.append(part[part.index("followup"):])
    return commands


def variants(command: str) -> list[str]:
    """`[x | y]` runs without any optional part, then with x alone, then with y alone; `a|b` runs
    each value."""
    groups = list(re.finditer(r"\[([^\[\]]*)\]", command))
    if groups:
        def keep(chosen: re.Match | None, option: str = "") -> str:
            text, end = "", 0
            for group in groups:
                text += command[end:group.start()] + (option if group is chosen else "")
                end = group.end()
            return text + command[end:]
        found = variants(keep(None))
        for group in groups:
            for option in group.group(1).split(" | "):
                found += variants(keep(group, option.strip()))
        return found
    choice = re.search(r"(\S+)\|(\S+)", command)
    if choice:
        whole = choice.group(0)
        return [v for alt in whole.split("|") for v in variants(command.replace(whole, alt, 1))]
    return [" ".join(command.split())]


@pytest.fixture
def smtp_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def _files(folder: Path) -> None:
    """The files the README imports, from the import tests' real-world samples."""
    (folder / "Connections.csv").write_bytes((FIXTURES / "linkedin_connections.csv").read_bytes())
    (folder / "contacts.csv").write_bytes((FIXTURES / "google_current.csv").read_bytes())
    (folder / "phone.vcf").write_bytes((FIXTURES / "modern_v40.vcf").read_bytes())
    (folder / "people.csv").write_text("Full Name,Mail\nRuth Okafor,ruth@okafor.example\n")


def test_every_command_the_readme_lists_works(cli, phone, smtp_port, tmp_path, monkeypatch, db_engine):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    _files(tmp_path)
    for name in ("'Jonas Weber' --company Initech", "'Aisha Dubois' --company Globex"):
        cli.ok("add", *shlex.split(name))
    for key, value in (("smtp.host", "127.0.0.1"), ("smtp.port", str(smtp_port)), ("smtp.starttls", "off"),
                       ("smtp.from", "followup@desk.example")):
        cli.ok("config", key, value)
    addressbook, calendar = phone.make_addressbook(), phone.make_calendar()
    if db_engine == "postgresql":  # the test's session connects as the server's admin: a member too
        cli.ok("team", "add", "Desk Admin", "--role", "postgres")

    ran, failed = 0, []
    for written in readme_commands():
        for command in variants(written):
            if any(marker in command for marker in NOT_HERE):
                continue
            argv = _filled(cli, shlex.split(command)[1:], addressbook, calendar)
            if argv is None:
                continue
            result = cli(*argv)
            ran += 1
            if result.code != 0 or "Traceback" in result.err:
                failed.append(f"{command!r} -> exit {result.code}: {result.err.strip()[:300]}")
    assert not failed, f"{len(failed)} of {ran} README commands failed on {db_engine}:\n" + "\n".join(failed)
    assert ran > 80


def _filled(cli, argv: list[str], addressbook: str, calendar: str) -> list[str] | None:
    """The stand-ins a reader fills in; None for what is not a command to run here."""
    if not argv or argv[0].startswith("FOLLOWUP_") or any("postgresql://" in word for word in argv):
        return None  # setting up a desk on a server: tests/test_readme_team_setup.py runs that recipe
    if argv[0] in ("demo",):  # opens the full-screen app after building its file
        return None
    filled = []
    for word in argv:
        if word == "https://dav.example.com/alice/contacts/":
            word = addressbook
        elif word == "https://dav.example.com/alice/calendar/":
            word = calendar
        elif word == "URL":
            word = addressbook if argv[1] == "contacts" else calendar
        elif word == "CONTACT":
            word = "maria"
        filled.append(word)
    if filled[0] in ("edit-log", "delete-log"):
        history = json.loads(cli.ok("history", "maria", "--json"))
        filled[1] = str(history[0]["id"])
    if filled[:2] == ["undo", "--id"]:  # an id the reader takes from `undo --list`: here, a block just set
        cli.ok("block", "2027-03-01..2027-03-02", "--note", "to take back")
        filled[2] = str(json.loads(cli.ok("undo", "--list", "--json"))[0]["id"])
    if filled[0] == "unblock" and filled[1:] == ["..."]:
        filled[1] = "2026-12-24..2027-01-02"
    if filled[0] == "merge" and filled[1:] == ["KEEP", "OTHER"]:
        # the same person entered twice (after `merge --undo` the twin is back: not named "maria")
        twin = json.loads(cli.ok("add", "M. Schmidt", "--email", "maria@hooli.example", "--json"))["id"]
        filled[1:] = [str(json.loads(cli.ok("show", "maria", "--json"))["id"]), str(twin)]
    if filled[0] == "backup" and len(filled) == 1:
        return None  # the default place is the user's data folder: with a PATH below
    if filled[0] == "backup" and filled[1] == "PATH":
        filled[1] = str(Path.cwd() / "copy.db")
    return filled
