"""vCards from phones and address books: 2.1 quoted-printable, 3.0 folding and groups, 4.0."""

from __future__ import annotations

from pathlib import Path

from planner.io.importers import import_file
from planner.services.contacts import list_contacts

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def by_name():
    return {v.name: v for v in list_contacts()}


def test_android_21_quoted_printable_soft_breaks_and_photo(db_path):
    raw = (FIXTURES / "android_v21.vcf").read_bytes()
    assert b"ENCODING=QUOTED-PRINTABLE:Met at the Frankfurt career fair, very keen on remote roles. Call =\r\n" in raw
    report = import_file(FIXTURES / "android_v21.vcf")
    assert report.format == "vcard"
    assert report.added == 4
    juergen = by_name()["Jürgen Müller"]
    assert juergen.company == "Deutsche Börse"
    assert juergen.notes == ("Met at the Frankfurt career fair, very keen on remote roles. Call "
                             "after lunch; not Fridays. Grüße an Frau Müller.")
    assert juergen.phones == ["+49 151 2345678", "+49 30 1234567"]
    assert juergen.emails == ["juergen@example.de"]
    assert "田中花子" in by_name()


def test_a_bad_byte_costs_a_card_nothing_and_a_nameless_card_is_skipped(db_path):
    report = import_file(FIXTURES / "android_v21.vcf")
    # undecodable UTF-8 in a QP name: the card stays, named from its clean N, with a note
    assert (31, "FN: byte 0xFF is not UTF-8; kept the rest (U+FFFD marks what was lost)") in report.warnings
    assert "Card Broken" in by_name()
    assert [line for line, _ in report.skipped] == [33]  # the line where that card begins
    assert report.skipped[0][1].startswith("no name")


def test_apple_30_folded_lines_groups_categories(db_path):
    report = import_file(FIXTURES / "apple_v30.vcf")
    assert report.added == 2 and report.skipped == []
    people = by_name()
    siobhan = people["Siobhán O'Brien"]
    assert siobhan.emails == ["siobhan.obrien@example.ie", "siobhan@example.com"]  # item1.EMAIL, item2.EMAIL
    assert siobhan.title == "Director, Talent Acquisition"  # an escaped comma kept whole
    assert siobhan.tags == ["dublin", "referrers"]
    assert siobhan.notes == ("Introduced me to three hiring managers at Stripe, Intercom and Workday.\n"
                             "Return the favour: send her candidates for the data team.")
    assert siobhan.external_key == "https://www.linkedin.com/in/siobhan-obrien"
    assert siobhan.company == "Accenture"
    agnieszka = people["Dr. Agnieszka Maria Kowalczyk-Łęcka"]
    assert agnieszka.notes == "Name has [bold]markup[/] and =SUM(A1) in notes"


def test_vcard_40(db_path):
    import_file(FIXTURES / "modern_v40.vcf")
    amara = by_name()["Amara Okafor"]
    assert amara.phones == ["+234-803-555-0101"]  # the tel: URI prefix is dropped
    assert amara.emails == ["amara@flutterwave.example", "amara.okafor@example.ng"]
    assert amara.tags == ["clients", "lagos"]
    assert amara.timezone == "Africa/Lagos"
    assert amara.title == "VP People"


def test_unescaped_commas_in_21_text_are_kept(db_path, tmp_path):
    # vCard 2.1 never escapes commas; a text value must not be cut at the first one
    path = tmp_path / "one.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:2.1\nFN:Tom\nTITLE:CEO, Founder\nNOTE:one, two, three\nEND:VCARD\n")
    import_file(path)
    tom = by_name()["Tom"]
    assert (tom.title, tom.notes) == ("CEO, Founder", "one, two, three")


def test_malformed_unused_property_does_not_fail_the_card(db_path, tmp_path):
    path = tmp_path / "odd.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Odd Vendor\nX-GARBAGE-WITHOUT-A-COLON\n"
                    "ADR;;;broken\nEMAIL:odd@example.org\nEND:VCARD\n")
    report = import_file(path)
    assert report.added == 1 and report.skipped == []
    assert by_name()["Odd Vendor"].emails == ["odd@example.org"]


def test_unindented_base64_photo_lines_are_ignored(db_path, tmp_path):
    # some phones write 2.1 photos without indenting the continuation lines
    path = tmp_path / "nokia.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Virtanen;Aino\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n"
                    "/9j/4AAQSkZJRgABAQAAAQABAAD\r\nFNvbWUrYmFzZTY0\r\nTEL+abc\r\n\r\nTEL;CELL:+358 40 123 4567\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    report = import_file(path)
    assert report.skipped == []
    aino = by_name()["Aino Virtanen"]
    assert aino.phones == ["+358 40 123 4567"]
