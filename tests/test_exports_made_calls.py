"""Every agenda export tells what the text agenda tells: today's calls already made (ticked in
Markdown, `status` done in CSV, an iCalendar event marked done whose UID stays the same from one
export to the next), and on a desk whose item it is and which other member reached them; the
contact exports carry a desk's owners. A personal file's exports gain no owner column. Files are
owner-only, CSV cells formula-safe, user text literal. On SQLite and PostgreSQL; the desk on the
server only."""

from __future__ import annotations

import csv
import io
import json
import stat

import icalendar
import pytest
from factories import FIXED_TODAY
from test_team_desk import _desk

from planner.io.exports.contacts import CSV_COLUMNS
from planner.io.exports.csv_export import HEADER, TEAM_HEADER

TODAY = FIXED_TODAY.isoformat()
DAY = FIXED_TODAY.strftime("%Y%m%d")
HOSTILE = '=HYPERLINK("http://evil.example","x") *y* [z]'


def _made_two_calls(cli) -> dict[str, int]:
    """Maria (reached, a hostile summary) and =cmd Person (no answer), both on today's list."""
    ids = {}
    for name, extra in (("Maria Schmidt", ("--company", "Hooli")), ("=cmd Person", ())):
        ids[name] = json.loads(cli.ok("add", name, "--every", "30d", *extra, "--json"))["id"]
        cli.ok("pin", name, TODAY)
    cli.ok("add", "Zed Later", "--every", "30d")
    cli.ok("log", "Maria Schmidt", HOSTILE)
    cli.ok("log", "=cmd Person", "no answer", "--outcome", "no-answer")
    return ids


def _ics(cli, path) -> list[icalendar.Event]:
    assert cli.ok("agenda", "--today", "-o", str(path)).startswith("wrote 2 items (ics)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert icalendar.Calendar.from_ical(data).to_ical() == data  # the bytes the library writes
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


@pytest.mark.engines
def test_todays_made_calls_are_in_every_agenda_export(cli, tmp_path):
    ids = _made_two_calls(cli)
    text = cli.ok("agenda", "--today")
    assert "Done today (2 of 2 calls)" in text

    md = cli.ok("agenda", "--today", "--format", "md")
    assert "## Done today (2 of 2 calls)" in md
    assert "- [x] **Call Maria Schmidt** (Hooli) — " in md and "- [x] **Call =cmd Person** — " in md
    assert f"  - done: {TODAY}, call: =HYPERLINK(\"http://evil.example\",\"x\") \\*y\\* \\[z\\]" in md
    assert f"  - done: {TODAY}, call, no-answer: no answer" in md
    assert "- [ ] " not in md and "  - for " not in md  # nothing left to do; a personal file names nobody

    path = tmp_path / "today.csv"
    assert cli.ok("agenda", "--today", "-o", str(path)).startswith("wrote 2 items (csv)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == list(HEADER)  # no owner columns on a personal file
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"Maria Schmidt", "'=cmd Person"}
    maria = by_name["Maria Schmidt"]
    assert maria[:4] == [TODAY, "call", "Maria Schmidt", "Hooli"] and maria[-1] == "done"
    assert maria[8] == "'" + HOSTILE and maria[7].startswith(TODAY)
    assert by_name["'=cmd Person"][8:] == ["no answer", "done"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    first = _ics(cli, tmp_path / "today.ics")
    again = _ics(cli, tmp_path / "again.ics")
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in again] == [
        f"done-{ids['Maria Schmidt']}-{DAY}@followup", f"done-{ids['=cmd Person']}-{DAY}@followup"]
    for event in first:
        assert str(event["STATUS"]) == "CONFIRMED"  # a VEVENT that took place; COMPLETED is a VTODO's
        assert "done" in event["CATEGORIES"].cats and event.decoded("DTSTART") == FIXED_TODAY
        assert event.walk("VALARM") == []  # no reminder for a call already made
    assert str(first[0]["SUMMARY"]) == "Done: call Maria Schmidt (Hooli)"
    assert "Done: " in str(first[0]["DESCRIPTION"]) and HOSTILE in str(first[0]["DESCRIPTION"])

    data = json.loads(cli.ok("agenda", "--today", "--format", "json"))
    assert [item["uid"] for item in data["done"]] == [str(e["UID"]) for e in first]
    assert all(item["done"] and item["owner"] == "" and item["reached_by"] == "" for item in data["done"])


@pytest.mark.engines
def test_a_personal_files_contact_exports_name_no_owner(cli):
    cli.ok("add", "Maria Schmidt", "--every", "30d")
    rows = list(csv.reader(io.StringIO(cli.ok("export-contacts", "--format", "csv"))))
    assert rows[0] == list(CSV_COLUMNS)
    assert "X-FOLLOWUP-OWNER" not in cli.ok("export-contacts", "--format", "vcard")


@pytest.mark.engines("postgresql")
def test_a_desks_exports_say_whose_and_who_reached_them(cli, tmp_path):
    as_mia, as_jonas = _desk(cli)
    cli.ok("add", "Acme CFO", "--every", "30d", db=as_mia)
    cli.ok("add", "Globex CTO", "--every", "30d", db=as_mia)
    cli.ok("pin", "Globex CTO", TODAY, db=as_mia)
    cli.ok("log", "Acme CFO", "met at the fair", db=as_jonas)  # Mia's contact, reached by Jonas
    cli.ok("log", "Globex CTO", "=1+1 quick call", db=as_jonas)  # Mia's call of today, made by Jonas

    week = ("--from", TODAY, "--to", "2027-01-31", "--team")
    md = cli.ok("agenda", *week, "--format", "md", db=as_mia)
    assert "  - Jonas spoke to them today" in md and "  - for Mia" in md
    assert "## Done today" in md and "- [x] **Call Globex CTO**" in md
    done_part = md.split("## Done today", 1)[1]
    assert "  - Jonas spoke to them today" in done_part and "  - for Mia" in done_part

    rows = list(csv.reader(io.StringIO(cli.ok("agenda", *week, "--format", "csv", db=as_mia))))
    assert rows[0] == list(HEADER + TEAM_HEADER)
    acme = next(row for row in rows if row[2] == "Acme CFO")
    assert acme[-3:] == ["open", "Mia", "Jonas spoke to them today"]
    globex = next(row for row in rows if row[2] == "Globex CTO" and row[9] == "done")
    assert globex[-2:] == ["Mia", "Jonas spoke to them today"] and globex[8] == "'=1+1 quick call"

    path = tmp_path / "desk.ics"
    cli.ok("agenda", *week, "-o", str(path), db=as_mia)
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    for summary in ("Call Acme CFO", "Done: call Globex CTO"):
        description = str(events[summary]["DESCRIPTION"])
        assert "Jonas spoke to them today" in description and "For: Mia" in description

    rows = list(csv.reader(io.StringIO(cli.ok("export-contacts", "--format", "csv"))))
    assert rows[0] == [*CSV_COLUMNS, "owner"]
    assert {row[0]: row[-1] for row in rows[1:]} == {"Acme CFO": "Mia", "Globex CTO": "Mia"}
    cards = cli.ok("export-contacts", "--format", "vcard")
    assert cards.count("X-FOLLOWUP-OWNER:Mia\r\n") == 2
    export = tmp_path / "desk.csv"
    export.write_text(cli.ok("export-contacts", "--format", "csv"), encoding="utf-8")
    assert "columns not imported" not in cli.ok("import", str(export))  # our own export: owner is the import's
