"""`followup import` as a user runs it: the report, --json, --dry-run, options, and the progress
line that appears only on a terminal for large files."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from planner.cli.import_cmds import ProgressLine
from planner.io.importers import import_file

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def big_linkedin(path: Path, rows: int) -> Path:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"Person,Number{i},https://www.linkedin.com/in/n-{i},,Acme,Engineer,01 Jan 2025" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_report_lists_counts_and_skipped_lines(cli):
    result = cli("import", str(FIXTURES / "linkedin_connections.csv"), "--tag", "LinkedIn", "--every", "quarterly")
    assert result.code == 0
    first, *rest = result.out.splitlines()
    assert first.endswith("(linkedin): 7 added, 0 updated, 0 unchanged, 1 skipped, 1 repeated rows merged")
    assert "  skipped line 7: no name (LinkedIn leaves out members who hide their details)" in rest
    contacts = json.loads(cli("contacts", "--tag", "linkedin", "--json").out)
    assert len(contacts) == 7 and {c["own_cadence_days"] for c in contacts} == {91}
    again = cli("import", str(FIXTURES / "linkedin_connections.csv"), "--tag", "linkedin")
    assert "0 added, 0 updated, 7 unchanged" in again.out


def test_json_report(cli):
    result = cli("import", str(FIXTURES / "android_v21.vcf"), "--json")
    report = json.loads(result.out)
    assert (report["format"], report["added"], report["dry_run"]) == ("vcard", 4, False)
    assert [s["line"] for s in report["skipped"]] == [33]
    assert len(report["added_ids"]) == 4


def test_dry_run_writes_nothing(cli):
    result = cli("import", str(FIXTURES / "google_current.csv"), "--dry-run")
    assert result.code == 0
    assert result.out.splitlines()[0].startswith("would import ")
    assert "4 added" in result.out and result.out.rstrip().endswith("dry run: nothing was written")
    assert json.loads(cli("contacts", "--json").out) == []


def test_map_option(cli):
    result = cli("import", str(FIXTURES / "generic_semicolon.csv"), "--map", "name=Full Name, company=Firma")
    assert result.code == 0
    names = {c["name"]: c["company"] for c in json.loads(cli("contacts", "--json").out)}
    assert names == {"Grüße Öztürk": "Zalando", "Ève Martin": "BlaBlaCar"}


def test_no_progress_output_when_stderr_is_not_a_terminal(cli, tmp_path):
    result = cli("import", str(big_linkedin(tmp_path / "big.csv", 600)))
    assert result.code == 0 and result.err == ""


def test_progress_line_only_for_large_files(db_path, tmp_path):
    small, large = io.StringIO(), io.StringIO()
    import_file(big_linkedin(tmp_path / "small.csv", 400), progress=ProgressLine(small))
    bar = ProgressLine(large)
    import_file(big_linkedin(tmp_path / "large.csv", 900), progress=bar)
    bar.close()
    assert small.getvalue() == ""
    assert "importing [" in large.getvalue() and "900/900" in large.getvalue()
    assert large.getvalue().endswith("\r\x1b[K")  # the line is cleared before the report prints


def test_progress_appears_on_a_real_terminal(tmp_path):
    path = big_linkedin(tmp_path / "big.csv", 700)
    master, slave = pty.openpty()
    env = dict(os.environ, FOLLOWUP_DB=str(tmp_path / "pty.db"))
    proc = subprocess.run([sys.executable, "-m", "planner", "import", str(path)], stderr=slave,
                          stdout=subprocess.PIPE, env=env, timeout=120)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.returncode == 0
    assert b"importing [" in b"".join(chunks)
    assert b"700 added" in proc.stdout and b"importing" not in proc.stdout


def test_notes_are_printed_with_their_lines(cli):
    result = cli("import", str(FIXTURES / "generic_semicolon.csv"))
    assert result.code == 0
    assert "  note line 1: columns not imported: Firma, Rolle, Telefon, Stichworte (--map field=Column to use them)" \
        in result.out.splitlines()
