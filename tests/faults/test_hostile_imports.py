"""Hostile import files, each through the real CLI in a subprocess with a timeout: a clean answer
(imported with a note, or refused with one line naming file and line), never a hang, never a
traceback, never half an import."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest
from faultkit import contact_count

VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zed Cadence\r\nX-FOLLOWUP-CADENCE:{}\r\nEND:VCARD\r\n"


def stored_cadence(db) -> list[tuple[str, int | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT name, cadence_days FROM contact ORDER BY id").fetchall()


@pytest.mark.parametrize("value", ["0", "100000", "5000", "999999999999", "3000000", "²", "-3", "1e9"])
def test_a_vcard_cadence_out_of_range_is_a_note_not_a_hang_or_traceback(followup, tmp_path, value):
    path = tmp_path / "z.vcf"
    path.write_text(VCARD.format(value), encoding="utf-8")
    started = time.monotonic()
    run = followup("import", str(path))
    assert run.code == 0, (run.code, run.out, run.err)
    assert time.monotonic() - started < 15
    assert "Traceback" not in run.err
    assert "z.vcf" in run.out and "line 4" in run.out and "X-FOLLOWUP-CADENCE" in run.out
    assert "between 1 day and 3 years" in run.out or "not understood" in run.out
    assert stored_cadence(followup.db) == [("Zed Cadence", None)]  # the card is kept, the cadence is not


def test_a_vcard_cadence_in_range_is_kept(followup, tmp_path):
    path = tmp_path / "z.vcf"
    path.write_text(VCARD.format("90"), encoding="utf-8")
    run = followup("import", str(path))
    assert run.code == 0 and "X-FOLLOWUP-CADENCE" not in run.out
    assert stored_cadence(followup.db) == [("Zed Cadence", 90)]


def test_the_window_loop_cannot_spin_on_a_zero_cadence_already_stored():
    # A database written before cadences were checked on import may hold 0: planning it must end.
    code = (
        "import datetime as dt\n"
        "from planner.core.workdays import WorkCalendar\n"
        "from planner.scheduling.windows import ContactPlanInput, PlanSettings, contact_demands\n"
        "ps = PlanSettings(today=dt.date(2026, 11, 25))\n"
        "cal = WorkCalendar()\n"
        "for cad in (0, -4, 100000, 3000000):\n"
        "    for last in (None, dt.date(2026, 1, 1)):\n"
        "        contact_demands(ContactPlanInput(1, cad, last_contact=last), cal, ps)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


@pytest.mark.parametrize("fmt", ["auto", "linkedin", "google", "csv"])
def test_a_huge_header_fails_fast_with_one_short_line(followup, tmp_path, fmt):
    path = tmp_path / "wide.csv"
    path.write_text("a," * 2_600_000 + "\r\n", encoding="utf-8")
    started = time.monotonic()
    run = followup("import", str(path), "--format", fmt)
    elapsed = time.monotonic() - started
    assert run.code == 2, (run.code, run.err[:300])
    assert elapsed < 15
    assert len(run.err) < 300 and run.err.count("\n") == 1, run.err[:500]
    assert "wide.csv" in run.err and "line 1" in run.err and "columns" in run.err
    assert contact_count(followup.db) == 0


def test_a_100k_column_header_fails_fast_too(followup, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"Column {i}" for i in range(100_000)) + "\r\nAnn\r\n", encoding="utf-8")
    started = time.monotonic()
    run = followup("import", str(path))
    assert run.code == 2 and time.monotonic() - started < 15
    assert len(run.err) < 300, run.err[:500]


def test_a_huge_field_is_refused_naming_the_limit(followup, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("name,notes\r\nAnn,ok\r\nBob," + "x" * 3_000_000 + "\r\n", encoding="utf-8")
    run = followup("import", str(path))
    assert run.code == 2 and "line 3" in run.err and "characters" in run.err and len(run.err) < 300, run.err[:500]
    assert contact_count(followup.db) == 0


def test_a_huge_vcard_property_is_left_out_naming_the_limit(followup, tmp_path):
    # One card's oversized NOTE costs the note, not the card (as a bad byte does not).
    path = tmp_path / "big.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nNOTE:" + "x" * 3_000_000 + "\r\nEND:VCARD\r\n",
                    encoding="utf-8")
    run = followup("import", str(path))
    assert run.code == 0 and "1 added" in run.out and len(run.out) < 400, run.out[:500]
    assert "line 4: NOTE of over 1,000,000 characters" in run.out


ANDROID_BAD_ORG = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "TEL;CELL:+49 151 2345678\r\n"
    "EMAIL;HOME:juergen@example.de\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Deutsche B=80rse =\r\n"
    "AG\r\n"
    "END:VCARD\r\n"
)


def test_a_bad_byte_in_a_quoted_printable_org_keeps_the_card(followup, tmp_path):
    path = tmp_path / "android.vcf"
    path.write_bytes(ANDROID_BAD_ORG.encode("utf-8"))
    run = followup("import", str(path))
    assert run.code == 0, run.err
    assert "1 added" in run.out and "0 skipped" in run.out
    assert "line 7" in run.out and "ORG" in run.out and "android.vcf" in run.out
    with sqlite3.connect(followup.db) as conn:
        name, company, contact_id = conn.execute("SELECT name, company, id FROM contact").fetchone()
        phones = [r[0] for r in conn.execute("SELECT number FROM contact_phone WHERE contact_id = ?", (contact_id,))]
        emails = [r[0] for r in conn.execute("SELECT address FROM contact_email WHERE contact_id = ?", (contact_id,))]
    assert name == "Jürgen Müller"
    assert company == "Deutsche B\ufffdrse AG"  # what could be read is kept; the bad byte is marked
    assert phones == ["+49 151 2345678"] and emails == ["juergen@example.de"]


EXPORT = (
    "name,company,title,emails,phones,tags,kind,cadence_days,timezone,notes,source,external_key\r\n"
    "Ann Archer,Acme,CTO,ann@acme.example,+1 555 0100,vip,client,90,Europe/Berlin,likes tea,manual,\r\n"
    "Bob Baker,Bakery,Owner,bob@bakery.example,+1 555 0101,,friend,,,\"two\nlines\",manual,\r\n"
    "Cleo Cole,Cole & Co,Partner,cleo@cole.example,+1 555 0102,berlin,referrer,30,,,manual,\r\n"
)


def cuts() -> list[int]:
    """Twelve places inside the last row, as a download or a copy cut short leaves the file."""
    start = EXPORT.rindex("Cleo")
    end = len(EXPORT) - 2
    return [start + 1 + (end - start - 2) * i // 11 for i in range(12)]


@pytest.mark.parametrize("cut", cuts())
def test_a_csv_cut_short_is_reported_never_imported_silently(followup, tmp_path, cut):
    path = tmp_path / "cut.csv"
    path.write_text(EXPORT[:cut], encoding="utf-8", newline="")
    run = followup("import", str(path))
    assert "Traceback" not in run.err
    if run.code == 2:  # refused as a whole: nothing written
        assert "cut.csv: line 5:" in run.err and "cut short" in run.err and run.err.count("\n") == 1
        assert contact_count(followup.db) == 0
    else:  # the cut fell in the last cell: the row is complete in shape, and the note says to look at it
        assert run.code == 0 and "line 5" in run.out and "cut short" in run.out, (run.code, run.out, run.err)


def test_a_csv_cut_inside_a_quoted_cell_is_reported_as_cut_short(followup, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(EXPORT[: EXPORT.index("two\n") + 2], encoding="utf-8", newline="")
    run = followup("import", str(path))
    assert run.code == 2 and "cut.csv: line 3:" in run.err and "cut short" in run.err
    assert contact_count(followup.db) == 0


def test_most_cuts_are_refused_outright(followup, tmp_path):
    refused = 0
    for cut in cuts():
        path = tmp_path / "cut.csv"
        path.write_text(EXPORT[:cut], encoding="utf-8", newline="")
        refused += followup("import", str(path)).code == 2
    assert refused >= 8  # only a cut inside the last cells can look like a complete row


def test_a_vcard_missing_its_end_is_refused(followup, tmp_path):
    path = tmp_path / "cut.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo",
                    encoding="utf-8")
    run = followup("import", str(path))
    assert run.code == 2 and "cut.vcf: line 5:" in run.err and "cut short" in run.err
    assert contact_count(followup.db) == 0


HOSTILE_NAMES = [
    "Evil\x1b]0;pwned\x07 Name\u202e",
    "Tab\there\x9b31m",
    "Literal \u241b picture and \u2426 escape",
    "=SUM(A1)\x1b[2J",
    "'=already quoted",
]


@pytest.mark.parametrize("fmt", ["csv", "vcard"])
def test_our_own_export_reimports_names_with_controls_exactly(followup, tmp_path, fmt):
    for name in HOSTILE_NAMES:
        assert followup("add", name, "--company", "Ctl\x1bCo", "--note", "line one\nbell\x07 two").code == 0
    out = tmp_path / f"all.{fmt}"
    assert followup("export-contacts", "--format", fmt, "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    shown = followup("export-contacts", "--format", fmt).out
    for data in (text, shown):  # a file and standard output alike carry no raw control to a terminal
        assert not any(ch in data for ch in "\x1b\x07\x9b\u202e")
    if fmt == "csv":
        assert "\n'=SUM(A1)" in text  # still formula-safe
    first = stored_names(followup.db)
    followup.db.unlink()
    run = followup("import", str(out))
    assert run.code == 0, run.err
    assert stored_names(followup.db) == first
    again = followup("import", str(out))  # and into the same database: nothing new, nothing changed
    assert again.code == 0 and "0 added, 0 updated" in again.out, again.out


def stored_names(db) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("SELECT name, company, notes FROM contact").fetchall())


def test_the_cli_and_an_import_apply_the_same_length_and_zone_checks(followup, tmp_path):
    long_name = "N" * 1000
    run = followup("add", long_name)
    assert run.code == 2 and run.err.strip() == "followup: name: 1,000 characters; at most 300"
    run = followup("add", "Ann", "--tz", "America")  # a folder of zones, not a zone
    assert run.code == 2 and "time zone 'America' unknown" in run.err and "Traceback" not in run.err
    path = tmp_path / "long.csv"
    path.write_text(f"name,company,timezone\r\n{long_name},Acme,\r\nBea,{'C' * 400},America\r\n", encoding="utf-8")
    run = followup("import", str(path))
    assert run.code == 0, run.err
    assert "skipped line 2: name of 1,000 characters; at most 300" in run.out
    assert "note line 3: company: 400 characters; at most 300; left out" in run.out
    assert "note line 3: time zone 'America' unknown" in run.out
    with sqlite3.connect(followup.db) as conn:
        assert conn.execute("SELECT name, company, timezone FROM contact").fetchall() == [("Bea", "", "")]
