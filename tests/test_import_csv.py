"""The generic CSV importer: column names, --map, and our own export read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.core.errors import BadInput
from planner.io.importers import import_file
from planner.services.contacts import list_contacts

FIXTURES = Path(__file__).parent / "fixtures" / "import"
MAP = "name=Full Name,email=Mail,company=Firma,title=Rolle,phone=Telefon,tags=Stichworte"


def test_map_with_semicolon_separated_file(db_path):
    report = import_file(FIXTURES / "generic_semicolon.csv", mapping=MAP)
    assert report.format == "csv" and report.added == 2
    people = {v.name: v for v in list_contacts()}
    gruesse = people["Grüße Öztürk"]
    assert (gruesse.company, gruesse.title, gruesse.phones) == ("Zalando", "Recruiter", ["+49 30 2000"])
    assert gruesse.tags == ["berlin", "fashion"]
    assert people["Ève Martin"].emails == ["eve@example.fr", "eve.martin@example.com"]
    assert people["Ève Martin"].source == "csv"


def test_usual_column_names_need_no_map_and_unused_columns_are_reported(db_path):
    report = import_file(FIXTURES / "generic_semicolon.csv")
    assert report.added == 2
    assert report.warnings == [(1, "columns not imported: Firma, Rolle, Telefon, Stichworte "
                                   "(--map field=Column to use them)")]


def test_unknown_layout_lists_columns_found_and_fields_needed(db_path, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Vorname und Name,Mail\nA,a@example.org\n", encoding="utf-8")
    with pytest.raises(BadInput) as error:
        import_file(path)
    message = str(error.value)
    assert message.startswith(f"{path}: line 1: unrecognised columns: Vorname und Name, Mail.")
    assert "Needed: name (or first_name/last_name)" in message and "--map" in message


def test_map_naming_a_missing_column_or_unknown_field(db_path):
    with pytest.raises(BadInput, match=r"--map name=Nom: no such column; columns found: Full Name, Mail"):
        import_file(FIXTURES / "generic_semicolon.csv", mapping="name=Nom")
    with pytest.raises(BadInput, match=r"unknown field 'nickname'"):
        import_file(FIXTURES / "generic_semicolon.csv", mapping="nickname=Full Name")


def test_first_and_last_name_columns_kind_cadence_timezone(db_path, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "First Name,Surname,Company,Kind,Cadence,Time Zone,Notes\n"
        "Ngozi,Adeyemi,Paystack,hiring manager,quarterly,Africa/Lagos,\"Two\nlines\"\n"
        "Ola,Nordmann,Equinor,wizard,sometimes,Mars/Olympus,\n",
        encoding="utf-8")
    report = import_file(path)
    people = {v.name: v for v in list_contacts()}
    ngozi = people["Ngozi Adeyemi"]
    assert (ngozi.kind, ngozi.own_cadence_days, ngozi.timezone, ngozi.notes) == (
        "hiring-manager", 91, "Africa/Lagos", "Two\nlines")
    ola = people["Ola Nordmann"]
    assert (ola.kind, ola.own_cadence_days, ola.timezone) == ("other", None, "")
    assert [line for line, _ in report.warnings] == [4, 4, 4]  # kind, cadence and zone named on the row's line


def test_outlook_style_export_needs_no_map(db_path, tmp_path):
    path = tmp_path / "outlook.csv"
    path.write_text('"First Name","Last Name","Company","Job Title","E-mail Address","E-mail 2 Address",'
                    '"Mobile Phone","Business Phone"\r\n'
                    '"Kwame","Mensah","MTN","Talent Lead","kwame@mtn.example","k.mensah@example.gh",'
                    '"+233 24 000 0000","+233 30 000 0000"\r\n', encoding="utf-8")
    import_file(path)
    kwame = list_contacts()[0]
    assert (kwame.name, kwame.company, kwame.title) == ("Kwame Mensah", "MTN", "Talent Lead")
    assert kwame.emails == ["kwame@mtn.example", "k.mensah@example.gh"]
    assert kwame.phones == ["+233 24 000 0000", "+233 30 000 0000"]


def test_mapping_as_a_dict_from_code(db_path):
    report = import_file(FIXTURES / "generic_semicolon.csv",
                         mapping={"name": "Full Name", "company": "Firma", "email": ["Mail"]})
    assert report.added == 2
    assert {v.name: v.company for v in list_contacts()}["Ève Martin"] == "BlaBlaCar"
    with pytest.raises(BadInput, match="unknown field 'firm'"):
        import_file(FIXTURES / "generic_semicolon.csv", mapping={"firm": "Firma"})
