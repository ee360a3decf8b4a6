"""Property: whatever text a contact holds, our CSV and vCard exports read back to the same text.

Exercises the escaping on both sides (formula guards, quotes, commas, semicolons, backslashes,
newlines, non-ASCII, Unicode line separators, control and bidi characters and their stand-ins)
with no database: views in, records out."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.io.exports.contacts import contacts_csv, contacts_vcard
from planner.io.importers import generic_csv, vcard
from planner.io.importers.common import one_line
from planner.services.contact_views import ContactView

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
STAND_INS = "\u2400\u241b\u2421\u2424\u2426"  # Control Pictures and the escape a file writes them with
TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(BIDI + STAND_INS)), max_size=30)
NOTES = st.lists(TEXT, max_size=3).map("\n".join)
NAMES = TEXT.filter(lambda s: one_line(s) != "")


@st.composite
def views(draw) -> list[ContactView]:
    count = draw(st.integers(1, 4))
    return [ContactView(id=i + 1, name=draw(NAMES), company=draw(TEXT), title=draw(TEXT), notes=draw(NOTES),
                        cadence_from="default", cadence_days=182)
            for i in range(count)]


def expected(view: ContactView) -> tuple[str, str, str, str]:
    # as stored, controls and all; the CLI and the app store one-line fields without outer space
    return view.name.strip(), view.company.strip(), view.title.strip(), view.notes


def read_back(text: str, suffix: str, parse) -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(text.encode("utf-8"))
        from planner.io.importers.common import decode_file

        result = parse(decode_file(path), path)
    assert result.skipped == []
    return [(r.name, r.company, r.title, r.notes) for r in result.records]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(views())
@example([ContactView(id=1, name="'=SUM(A1)", company="''+1", title="'-", notes="'@x")])
@example([ContactView(id=1, name="=SUM(A1)", company="\tTab", title="-5", notes="@here\nsecond line")])
def test_csv_export_reads_back_exactly(contacts):
    assert read_back(contacts_csv(contacts), ".csv", generic_csv.parse) == [expected(v) for v in contacts]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(views())
@example([ContactView(id=1, name="A\\, B; C", company="x;y\\z", title="CEO, Founder", notes="a\u2028b\nc,d;e")])
def test_vcard_export_reads_back_exactly(contacts):
    assert read_back(contacts_vcard(contacts), ".vcf", vcard.parse) == [expected(v) for v in contacts]
