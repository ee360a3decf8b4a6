"""Malformed files: exit 2, a message naming the file and the line, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.store.connect import open_database

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def counts(db: Path) -> tuple[int, ...]:
    from planner.store.models import Contact, ContactEmail, ContactPhone, ContactTag

    open_database(db)
    return (Contact.select().count(), ContactEmail.select().count(), ContactPhone.select().count(),
            ContactTag.select().count())


@pytest.fixture
def seeded(cli):
    """A database with a few contacts, so 'nothing written' is checked against real rows."""
    assert cli("import", str(FIXTURES / "modern_v40.vcf")).code == 0
    assert cli("add", "Existing Person", "--email", "existing@example.org").code == 0
    return cli


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


CASES = {
    "vcard without END": (
        lambda tmp: FIXTURES / "vcard_no_end.vcf",
        "line 5: the card that starts here has no END:VCARD"),
    "nested BEGIN": (
        lambda tmp: write(tmp, "n.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\n"),
        "line 4: BEGIN:VCARD inside the card that starts at line 1"),
    "not a vcard": (
        lambda tmp: write(tmp, "notes.vcf", b"Shopping list\nmilk\n"),
        "line 1: not a vCard file: expected BEGIN:VCARD, found 'Shopping list'"),
    "latin-1 bytes": (
        lambda tmp: write(tmp, "latin1.csv",
                          "name,email\nAnna,a@example.org\nRen\u00e9,r@example.org\n".encode("latin-1")),
        "line 3: not UTF-8 text (byte 0xE9 at offset 33)"),
    "binary junk": (
        lambda tmp: write(tmp, "contacts.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
        "line 1: binary data (a NUL byte), not a contacts file"),
    "broken quote": (
        lambda tmp: write(tmp, "q.csv", b'name,email\nAnna,a@example.org\n"Bob,b@example.org\nCarl,c@example.org\n'),
        "line 3: a quoted cell that starts in this row never ends"),
    "unknown columns": (
        lambda tmp: write(tmp, "u.csv", b"foo,bar\n1,2\n"),
        "line 1: unrecognised columns: foo, bar"),
    "empty file": (
        lambda tmp: write(tmp, "e.vcf", b""),
        "empty file"),
    "linkedin without its header": (
        lambda tmp: write(tmp, "l.csv", b"Notes:\nnothing here\n"),
        "no LinkedIn header row"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_exit_2_names_file_and_line_writes_nothing(seeded, tmp_path, case):
    make, expected = CASES[case]
    path = make(tmp_path)
    before = counts(seeded.db)
    args = ["import", str(path)] + (["--format", "linkedin"] if case.startswith("linkedin") else [])
    result = seeded(*args)
    assert result.code == 2
    assert result.err.startswith(f"followup: {path}: ")
    assert expected in result.err
    assert "Traceback" not in result.err and result.out == ""
    assert counts(seeded.db) == before


def test_missing_file_and_bad_options(seeded, tmp_path):
    result = seeded("import", str(tmp_path / "nope.csv"))
    assert result.code == 2 and "nope.csv: no such file" in result.err
    result = seeded("import", str(FIXTURES / "modern_v40.vcf"), "--every", "sometimes")
    assert result.code == 2 and "cadence 'sometimes' not understood" in result.err
    result = seeded("import", str(FIXTURES / "modern_v40.vcf"), "--format", "outlook")
    assert result.code == 2
    result = seeded("import", str(FIXTURES / "modern_v40.vcf"), "--format", "vcard", "--map", "name=FN")
    assert result.code == 2 and "--map is for the generic CSV" in result.err
