"""LinkedIn Connections.csv: preamble, BOM, CRLF, old layout, nameless rows, hostile values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planner.io.importers import import_file
from planner.services.contacts import list_contacts

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def by_name():
    return {v.name: v for v in list_contacts()}


def test_recent_export_with_preamble_bom_and_crlf(db_path):
    raw = (FIXTURES / "linkedin_connections.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNotes:") and b"\r\n" in raw  # the fixture is what LinkedIn ships

    report = import_file(FIXTURES / "linkedin_connections.csv")

    assert report.format == "linkedin"
    assert (report.added, report.updated, report.unchanged) == (7, 0, 0)
    assert report.merged == 1  # Priya twice, URL spelled differently
    assert report.skipped == [(7, "no name (LinkedIn leaves out members who hide their details)")]
    people = by_name()
    zoe = people["Zoë Ångström"]
    assert zoe.company == "Müller & Söhne GmbH"
    assert zoe.title == "Head of Talent, DACH"
    assert zoe.connected_on == dt.date(2026, 9, 28)
    assert zoe.last_contacted is None  # connecting is not a contact
    assert zoe.source == "linkedin"
    assert zoe.external_key == "https://www.linkedin.com/in/zoe-angstrom-4b2a1"
    assert zoe.emails == []
    assert people["José Núñez"].emails == ["jose.nunez@example.es"]
    assert people["李 伟"].company == "阿里巴巴"
    priya = people["Priya Raman"]
    assert priya.emails == ["priya@example.in"]
    assert priya.external_key == "https://www.linkedin.com/in/priya-raman"


def test_hostile_values_are_stored_literally_without_controls(db_path):
    import_file(FIXTURES / "linkedin_connections.csv")
    people = by_name()
    assert people["Mallory Formula"].company == "=SUM(A1)"
    assert people["Mallory Formula"].title == "[bold]x[/] lead[2J"  # the ESC is gone, the text stays
    assert people["[bold]x[/] Hacker"].company == "@evil"
    assert all("\x1b" not in v.title + v.name + v.company for v in people.values())


def test_old_layout_without_url_column(db_path):
    report = import_file(FIXTURES / "linkedin_old.csv")
    assert report.format == "linkedin"
    assert report.added == 3
    people = by_name()
    anais = people["Anaïs Lefèvre"]
    assert anais.company == "L'Oréal"
    assert anais.connected_on == dt.date(2017, 6, 9)
    assert anais.external_key == "anais.lefevre@example.fr"  # no URL: the email is the key
    assert people["Björn Öberg"].external_key == ""


def test_header_found_by_name_not_position(db_path, tmp_path):
    shuffled = tmp_path / "Connections.csv"
    shuffled.write_text(
        "Notes:\n\"Some text, with a comma\"\n\n"
        "Connected On,Position,Company,Email Address,URL,Last Name,First Name\n"
        "01 Oct 2026,CFO,Initech,bill@initech.example,https://www.linkedin.com/in/bill-l,Lumbergh,Bill\n",
        encoding="utf-8",
    )
    report = import_file(shuffled)
    assert report.format == "linkedin"
    bill = by_name()["Bill Lumbergh"]
    assert (bill.company, bill.title, bill.emails) == ("Initech", "CFO", ["bill@initech.example"])
    assert bill.connected_on == dt.date(2026, 10, 1)


def test_bad_connected_on_is_a_warning_not_a_lost_row(db_path, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    "Ada,Lovelace,,,Analytical,Engineer,sometime\n", encoding="utf-8")
    report = import_file(path)
    assert report.added == 1
    assert report.warnings == [(2, "Connected On 'sometime' is not a date; left empty")]
    assert by_name()["Ada Lovelace"].connected_on is None
