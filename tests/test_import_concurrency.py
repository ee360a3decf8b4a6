"""An import and another session writing at the same time: both finish, nothing is lost.

The import is one IMMEDIATE transaction, so a second writer waits for it instead of failing with
`database is locked` (docs/operations.md); this runs two real processes on one file."""

from __future__ import annotations

import os
import subprocess
import sys

from planner.store.connect import open_database
from planner.store.models import Contact

ADDER = """
import sys
from planner.store.connect import open_database
from planner.services.contacts import ContactFields, add_contact
open_database(sys.argv[1])
for i in range(40):
    add_contact(ContactFields(name=f"Manual {i}"))
"""


def test_import_and_a_second_writer_both_complete(tmp_path):
    db = tmp_path / "shared.db"
    open_database(db)  # create and migrate once, as the first session would
    rows = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    rows += [f"Bulk,Person{i},https://www.linkedin.com/in/bulk-{i},,Acme,Engineer,01 Jan 2025" for i in range(3000)]
    export = tmp_path / "Connections.csv"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = dict(os.environ, FOLLOWUP_DB=str(db))
    importer = subprocess.Popen([sys.executable, "-m", "planner", "import", str(export)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    adder = subprocess.Popen([sys.executable, "-c", ADDER, str(db)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = importer.communicate(timeout=120)
    adder_out, adder_err = adder.communicate(timeout=120)
    assert importer.returncode == 0, err.decode()
    assert adder.returncode == 0, adder_err.decode()
    assert b"3000 added" in out
    open_database(db)
    assert Contact.select().where(Contact.name.startswith("Bulk ")).count() == 3000
    assert Contact.select().where(Contact.name.startswith("Manual ")).count() == 40
