"""How long two-way sync takes against a local Radicale: the first sync of N demo contacts (every
card pushed), an incremental sync after 20 edits on each side, one with nothing to do, and 28 days
of plan into a calendar, first and again unchanged. Prints, for each, the wall-clock seconds and
items per second, and this process's own CPU seconds (the client: building, reading and diffing
cards, HTTP, SQLite), so the client's cost is measured apart from the server's.

Radicale runs on 127.0.0.1 with its storage in /dev/shm where there is one (on a disk its fsync per
write dominates everything). Stock Radicale is the bottleneck of a first sync: every PUT of a new
card runs `has_uid`, which reads and unpickles every card already stored, and `_clean_history`,
which stats every sync-history entry, so each PUT costs more as the book grows and the first push
is quadratic on the server (bench/radicale_put_profile.py: at ~1,400 cards 86% of a PUT is has_uid
and 12% _clean_history; no configuration option turns either off; HTTP keep-alive is not it, the
server closes each connection and a new one costs well under a millisecond here). Measured
2026-12-05 on 2 cores shared with other work, in process without HTTP: 26 ms a PUT at 0-500 cards,
52 ms at 500-1000, ~190 ms at 1000-1500; through HTTP the first sync of 2000 contacts took 439 s.

So by default the server is Radicale with bench/radicale_indexed.py as its storage: Radicale's own
file storage, ETags, sync tokens, locking and HTTP, with the UID check asked of an in-memory index
and the history clean-up run once per collection (a flat ~4 ms a PUT at any size). `--stock` runs
stock Radicale instead. Figures of 2026-12-05 are in docs/operations.md.

Run: python bench/sync.py [CONTACTS ...] [--stock]   (default 10000; needs `pip install radicale`)
     each size is a fresh server and database, e.g. `python bench/sync.py 2000 5000 10000`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# `python bench/sync.py` puts bench/ first on sys.path, where bench/planner.py would shadow the
# planner package: look the package up from the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import requests  # noqa: E402

USER, PASSWORD = "bench", "bench-pass"


def start_radicale(folder: Path, *, stock: bool) -> tuple[subprocess.Popen, str]:
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    storage = [] if stock else ["--storage-type", "radicale_indexed"]
    # the storage module is found on the server's path beside this file
    path = os.pathsep.join(filter(None, [str(_HERE), os.environ.get("PYTHONPATH")]))
    env = os.environ | ({} if stock else {"PYTHONPATH": path})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "", "--server-hosts", f"127.0.0.1:{port}",
         "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(folder / "users"),
         "--auth-htpasswd-encryption", "plain", "--storage-filesystem-folder", str(folder / "storage"),
         "--logging-level", "warning", *storage], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(150):
        try:
            requests.get(base, timeout=1)
            return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("radicale did not start")


def mkcol(url: str, kind: str) -> None:
    namespace, resource = (("urn:ietf:params:xml:ns:carddav", "addressbook") if kind == "contacts"
                           else ("urn:ietf:params:xml:ns:caldav", "calendar"))
    body = (f'<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:x="{namespace}"><d:set><d:prop><d:resourcetype>'
            f"<d:collection/><x:{resource}/></d:resourcetype></d:prop></d:set></d:mkcol>")
    response = requests.request("MKCOL", url, data=body.encode(), auth=(USER, PASSWORD))
    assert response.status_code == 201, response.text


def timed(label: str, count_of, run) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    report = run()
    seconds, client = time.perf_counter() - started, time.process_time() - cpu
    items = count_of(report)
    rate = f"{items / seconds:8.1f}/s" if items else "        -"
    client_rate = f"{items / client:8.1f}/s" if items and client else "        -"
    print(f"{label:<44} {seconds:8.2f} s {items:6d} items {rate}   client {client:7.2f} s cpu {client_rate}",
          flush=True)


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:] if not arg.startswith("--")] or [10_000]
    stock = "--stock" in sys.argv
    print(f"server: {'stock Radicale' if stock else 'Radicale with bench/radicale_indexed.py storage'}")
    for contacts in sizes:
        run(contacts, stock=stock)


def run(contacts: int, *, stock: bool) -> None:
    from planner.io.demo import build_demo
    from planner.services.contacts import ContactFields, edit_contact
    from planner.store.connect import open_database
    from planner.sync.calendar import sync_calendar
    from planner.sync.contacts import sync_contacts
    from planner.sync.dav import DavCollection

    ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="followup-bench-sync-", dir=ram))
    process, base = start_radicale(folder, stock=stock)
    try:
        open_database(folder / "bench.db")
        started = time.perf_counter()
        build_demo(contacts=contacts)
        print(f"{contacts} demo contacts built in {time.perf_counter() - started:.1f} s")
        book, calendar = f"{base}{USER}/contacts/", f"{base}{USER}/calendar/"
        mkcol(book, "contacts")
        mkcol(calendar, "calendar")
        cards = DavCollection(book, user=USER, password=PASSWORD, kind="contacts")
        events = DavCollection(calendar, user=USER, password=PASSWORD, kind="calendar")
        changed = lambda report: len(report.changes)  # noqa: E731

        timed(f"contacts: first sync ({contacts} pushed)", changed, lambda: sync_contacts(cards))
        session = requests.Session()
        session.auth = (USER, PASSWORD)
        from planner.store.models import SyncItem

        hrefs = {item.contact_id: item.href for item in SyncItem.select()}
        for n in range(1, 21):  # the phone edits 20 cards
            url = base.rstrip("/") + hrefs[n]
            text = session.get(url).text.replace("\r\n", "\n")
            lines = [line for line in text.split("\n") if line and not line.startswith(("TITLE", "REV"))]
            lines.insert(-1, f"TITLE:Edited on the phone {n}")
            lines.insert(-1, f"REV:{dt.datetime.now(dt.UTC) + dt.timedelta(hours=1):%Y%m%dT%H%M%SZ}")
            assert session.put(url, data="\r\n".join(lines).encode(),
                               headers={"Content-Type": "text/vcard"}).status_code in (201, 204)
        for n in range(21, 41):  # and followup edits 20 others
            edit_contact(n, ContactFields(title=f"Edited here {n}"))
        timed("contacts: incremental sync (20 + 20 edits)", changed, lambda: sync_contacts(cards))
        timed("contacts: incremental sync, nothing changed", changed, lambda: sync_contacts(cards))
        timed("calendar: first sync (28 days of plan)", changed, lambda: sync_calendar(events, days=28))
        timed("calendar: again, nothing changed", lambda r: r.unchanged, lambda: sync_calendar(events, days=28))
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
