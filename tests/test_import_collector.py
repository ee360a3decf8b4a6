"""An import pauses Python's cycle collector while it matches and writes (at 100,000 records the
collector's walks of the growing heap were half a second of it) and leaves it as it found it:
running after the import, after an import refused for a bad line, and paused when someone else
had paused it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from planner.core.errors import BadInput
from planner.io.importers import import_file
from planner.store.models import Contact

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_an_import_pauses_the_collector_and_leaves_it_as_it_found_it(db_path, tmp_path):
    seen: list[bool] = []
    report = import_file(FIXTURES / "linkedin_connections.csv",
                         progress=lambda done, total: seen.append(gc.isenabled()))
    assert report.added > 0 and seen and not any(seen)  # paused while the records were matched
    assert gc.isenabled()

    bad = tmp_path / "bad.vcf"
    bad.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Example\r\n", encoding="utf-8")
    before = Contact.select().count()
    with pytest.raises(BadInput):
        import_file(bad)
    assert gc.isenabled() and Contact.select().count() == before

    gc.disable()  # paused by someone else: an import does not start it
    try:
        import_file(FIXTURES / "modern_v40.vcf")
        assert not gc.isenabled()
    finally:
        gc.enable()
