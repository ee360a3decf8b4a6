"""export-contacts: formula-safe CSV, re-importable vCard, exact JSON, owner-only atomic files."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from pathlib import Path

import vobject

FIXTURES = Path(__file__).parent / "fixtures" / "import"
HOSTILE = ["=SUM(A1)", "[bold]x[/]", "+49 not a formula", "-5 Ltd", "@everyone", "Zoë \"Quote\", Jr."]
COMPARED = ("name", "company", "title", "emails", "phones", "tags", "kind", "own_cadence_days", "cadence_days",
            "cadence_from", "timezone", "notes")


def populate(cli) -> None:
    for name in ("linkedin_connections.csv", "google_current.csv", "apple_v30.vcf", "modern_v40.vcf"):
        assert cli("import", str(FIXTURES / name)).code == 0
    for name in HOSTILE:
        assert cli("add", name, "--company", "=HYPERLINK(\"http://x\")", "--note", "line one\nline two, with comma",
                   "--tag", "vip", "--every", "2/y", "--kind", "referrer", "--tz", "Europe/Dublin").code == 0
    assert cli("add", "Never Called", "--every", "none").code == 0


def snapshot(cli, db=None) -> dict[str, dict]:
    result = cli("contacts", "--json", db=db)
    assert result.code == 0
    return {c["name"]: {k: c[k] for k in COMPARED} for c in json.loads(result.out)}


def test_csv_cells_are_formula_safe(cli):
    populate(cli)
    result = cli("export-contacts", "--format", "csv")
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == ["name", "company", "title", "emails", "phones", "tags", "kind", "cadence_days",
                       "timezone", "notes", "source", "external_key"]
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    names = [row[0] for row in rows[1:]]
    assert "'=SUM(A1)" in names and "'-5 Ltd" in names and "'@everyone" in names and "[bold]x[/]" in names
    assert "'=HYPERLINK(\"http://x\")" in [row[1] for row in rows[1:]]


def test_csv_round_trip_keeps_hostile_names_exact(cli, tmp_path):
    populate(cli)
    out = tmp_path / "contacts.csv"
    assert cli("export-contacts", "--format", "csv", "-o", str(out)).code == 0
    other = tmp_path / "other.db"
    result = cli("import", str(out), "--json", db=other)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["format"] == "csv" and report["warnings"] == []
    assert snapshot(cli, other) == snapshot(cli)
    assert cli("import", str(out), db=other).out.split(": ", 1)[1].startswith("0 added, 0 updated")


def test_vcard_round_trip(cli, tmp_path):
    populate(cli)
    out = tmp_path / "contacts.vcf"
    assert cli("export-contacts", "--format", "vcard", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    cards = list(vobject.readComponents(text))  # the library reads what we wrote
    assert len(cards) == len(snapshot(cli))
    assert all(card.version.value == "3.0" for card in cards)
    other = tmp_path / "other.db"
    assert cli("import", str(out), db=other).code == 0
    assert snapshot(cli, other) == snapshot(cli)


def test_json_is_every_contact_view(cli):
    populate(cli)
    result = cli("export-contacts", "--format", "json")
    data = json.loads(result.out)
    assert {"id", "name", "emails", "tags", "cadence_days", "archived", "connected_on"} <= set(data[0])
    assert {c["name"] for c in data} == set(snapshot(cli))


def test_exports_neutralise_terminal_controls(cli):
    assert cli("add", "Evil\x1b]0;pwned\x07 Name\u202e", "--note", "bell\x9b31m").code == 0
    csv_out = cli("export-contacts", "--format", "csv").out
    vcf_out = cli("export-contacts", "--format", "vcard").out
    json_out = cli("export-contacts", "--format", "json").out
    for text in (csv_out, vcf_out, json_out):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text and "\x9b" not in text
    assert json.loads(json_out)[0]["name"] == "Evil\x1b]0;pwned\x07 Name\u202e"  # JSON keeps the exact data


def test_output_file_is_owner_only_and_replaced_atomically(cli, tmp_path):
    populate(cli)
    out = tmp_path / "exports" / "all.json"
    out.parent.mkdir()
    out.write_text("old contents")
    out.chmod(0o644)
    result = cli("export-contacts", "--format", "json", "-o", str(out))
    assert result.code == 0 and result.out.startswith("wrote ")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())[0]["name"]
    assert [p.name for p in out.parent.iterdir()] == ["all.json"]  # no temporary file left


def test_export_to_a_missing_folder_fails_cleanly(cli, tmp_path):
    populate(cli)
    result = cli("export-contacts", "-o", str(tmp_path / "missing" / "x.csv"))
    # Same rule as `agenda -o`: a bad path is bad input (exit 2), and the error names the user's folder,
    # not a hidden temporary file.
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.strip() == f"followup: {tmp_path / 'missing'}: no such folder"
    assert not (tmp_path / "missing").exists()


def test_export_to_a_folder_is_bad_input(cli, tmp_path):
    populate(cli)
    result = cli("export-contacts", "--format", "json", "-o", str(tmp_path))
    assert result.code == 2 and result.err.strip() == f"followup: {tmp_path}: is a folder; give a file name"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _vobject_card(v, dates=()) -> str:
    """The card as vobject's object model serialises it (how the export used to be written), with
    text through `file_text` as the export writes it."""
    from planner.core.textsafe import file_text
    from planner.io.exports.contacts import own_cadence

    card = vobject.vCard()
    name = file_text(v.name)
    given, _, family = name.rpartition(" ")
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if v.company:
        card.add("org").value = [file_text(v.company)]
    if v.title:
        card.add("title").value = file_text(v.title)
    for address in v.emails:
        email = card.add("email")
        email.value = file_text(address)
        email.type_param = "INTERNET"
    for number in v.phones:
        card.add("tel").value = file_text(number)
    if v.tags:
        card.add("categories").value = [file_text(tag) for tag in v.tags]
    if v.notes:
        card.add("note").value = file_text(v.notes, multiline=True)
    if "linkedin.com/" in v.external_key.lower():
        card.add("url").value = file_text(v.external_key)
    card.add("x-followup-kind").value = v.kind
    if own_cadence(v):
        card.add("x-followup-cadence").value = own_cadence(v)
    if v.timezone:
        card.add("x-followup-timezone").value = v.timezone
    standard = {"birthday": "bday", "anniversary": "anniversary"}
    for found in dates:
        prop = standard.pop(found.kind, None)
        if prop is not None:
            card.add(prop).value = found.text
        else:
            prop = card.add("x-followup-date")
            prop.value = found.text
            prop.params["KIND"] = [found.kind]
            if found.yearly:
                prop.params["YEARLY"] = ["TRUE"]
    card.add("uid").value = f"followup-contact-{v.id}"
    return card.serialize()


def test_vcard_text_is_what_vobject_writes_for_the_same_card():
    from planner.core.textsafe import from_file_text
    from planner.io.exports.contacts import vcard_card
    from planner.services.contact_views import ContactView
    from planner.services.important_dates import DateView

    long_note = "Zoë Ångström, CTO; \\back\\slash\r\nsecond line " + "ünïcødé 東京 " * 20 + "x" * 80
    views = [
        ContactView(id=1, name="Madonna", kind="friend", cadence_from="default", cadence_days=182),
        ContactView(id=2, name="Zoë \"Quote\", Jr.; the 3rd", company="A, B; C\\D", title="VP, Eng",
                    emails=["a@b.example", "c,d@e.example"], phones=["+49 30 1", "+1; ext 2"],
                    tags=["vip", "a,b", "x;y"], kind="client", cadence_days=30, cadence_from="contact",
                    own_cadence_days=30, timezone="Europe/Berlin", notes=long_note,
                    external_key="https://www.linkedin.com/in/zoe,a;b"),
        ContactView(id=3, name="Evil\x1b]0;pwned\x07 Name\u202e", notes="bell\x9b31m\n\ttab\r\nend\r",
                    company="stored \u241b and \u2426001B, not controls", tags=["a\x00b"], kind="other"),
        ContactView(id=4, name="x" * 74, company="é" * 74, title="é" * 75, notes="東" * 30, kind="other"),
    ]
    # by month and day, as dates_of gives them: the later anniversary still goes before BDAY
    dates = [DateView(1, 2, "", "work-anniversary", 2015, 1, 9, True),
             DateView(2, 2, "", "birthday", 1980, 3, 12, True),
             DateView(3, 2, "", "birthday", None, 5, 1, False),
             DateView(4, 2, "", "anniversary", 2011, 6, 4, True)]
    for view in views:
        assert vcard_card(view) == _vobject_card(view)
        dated = vcard_card(view, dates)
        assert dated == _vobject_card(view, dates)
        assert "\r\nANNIVERSARY:2011-06-04\r\nBDAY:1980-03-12\r\n" in dated
        assert "X-FOLLOWUP-DATE;KIND=birthday:--05-01\r\n" in dated
        assert "X-FOLLOWUP-DATE;KIND=work-anniversary;YEARLY=TRUE:2015-01-09\r\n" in dated
        (parsed,) = vobject.readComponents(vcard_card(view))
        assert parsed.fn.value == _vobject_card_fn(view)
        assert from_file_text(parsed.fn.value) == view.name  # the stand-ins undo to the stored text
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", vcard_card(view).replace("\r\n", ""))
    (hostile,) = vobject.readComponents(vcard_card(views[2]))
    assert from_file_text(hostile.org.value[0]) == views[2].company
    assert from_file_text(hostile.note.value) == views[2].notes


def _vobject_card_fn(view) -> str:
    (parsed,) = vobject.readComponents(_vobject_card(view))
    return parsed.fn.value
