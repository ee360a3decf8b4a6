"""Google Contacts CSV: the current layout and the legacy (UTF-16) one, labels as tags."""

from __future__ import annotations

from pathlib import Path

from planner.io.importers import import_file
from planner.services.contacts import list_contacts

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def by_name():
    return {v.name: v for v in list_contacts()}


def test_current_layout(db_path):
    report = import_file(FIXTURES / "google_current.csv")
    assert report.format == "google"
    assert report.added == 4
    assert report.skipped == [(7, "no name, company or email (phone number only)")]
    people = by_name()
    gosia = people["Małgorzata Wiśniewska"]
    # several groups, and ` ::: ` inside one value cell
    assert gosia.emails == ["gosia@allegro.example", "m.wisniewska@example.pl", "gosia.home@example.pl"]
    assert gosia.phones == ["+48 601 234 567", "+48 22 123 45 67"]
    assert gosia.tags == ["clients", "vip"]  # `* myContacts` dropped
    assert (gosia.company, gosia.title) == ("Allegro", "CTO")
    assert gosia.notes == "Met at Infoshare, Gdańsk.\nPrefers mornings."
    assert gosia.external_key == "https://www.linkedin.com/in/gosia-w"  # from the Website column
    assert gosia.source == "google"
    assert people["Dr. Dmitri Ivanov"].phones == ["+7 916 555-01-02"]
    assert people["Nguyễn Văn An"].tags == ["candidates"]  # `* starred` dropped too
    reception = people["Acme Reception"]  # only an organisation: the name falls back to it
    assert reception.tags == ["suppliers"]


def test_legacy_layout_utf16_with_group_membership(db_path):
    raw = (FIXTURES / "google_legacy.csv").read_bytes()
    assert raw.startswith(b"\xff\xfe")  # old Google exports were UTF-16
    report = import_file(FIXTURES / "google_legacy.csv")
    assert report.format == "google"
    assert report.added == 2
    people = by_name()
    francoise = people["Françoise Dubois"]
    assert francoise.emails == ["francoise@example.fr", "fdubois@example.com"]
    assert francoise.tags == ["friends", "referrers"]
    assert (francoise.company, francoise.title) == ("Capgemini", "HR Director")
    assert francoise.notes == "Referred Paul in 2024"
    assert people["Ólafur Ragnarsson"].tags == []


def test_varying_number_of_groups_found_by_header(db_path, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Labels,E-mail 4 - Value,Last Name,First Name,Phone 7 - Value,Organization Name\n"
        "Team ::: * myContacts,kim@example.kr,Kim,Min-jun,+82 10 1234 5678,Kakao\n",
        encoding="utf-8",
    )
    report = import_file(path)
    assert report.format == "google"
    kim = by_name()["Min-jun Kim"]
    assert (kim.emails, kim.phones, kim.tags, kim.company) == (
        ["kim@example.kr"], ["+82 10 1234 5678"], ["team"], "Kakao")
