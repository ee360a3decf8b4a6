"""A 412 through the CLI against the real Radicale: the phone changes an item between the moment
followup read it and the moment followup writes it back. The sync goes through a small forwarding
proxy on 127.0.0.1 that, when followup's guarded PUT arrives, first lets the phone edit that very
item on the server and then passes the PUT on, so Radicale itself answers 412. One line, exit 1,
and the database and sync state exactly as before; the next sync settles it."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from planner.services.contacts import ContactFields, add_contact, edit_contact, list_contacts
from planner.store.connect import open_database
from planner.store.database import close_database
from tests.sync.helpers import PASSWORD, USER, replace_line, snapshot, sync

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class RacingProxy:
    """Forwards every request to `target`; `before_guarded_put(path)` runs once, before the first
    PUT that carries If-Match, while `armed`."""

    def __init__(self, target: str, before_guarded_put) -> None:
        self.target = target.rstrip("/")
        self.armed = False
        self.raced: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "PUT" and "If-Match" in self.headers and proxy.armed:
                    proxy.armed = False
                    proxy.raced.append(self.path)
                    before_guarded_put(self.path)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP | {"host"}}
                answer = requests.request(self.command, proxy.target + self.path, data=body, headers=headers,
                                          allow_redirects=False, timeout=30)
                self.send_response(answer.status_code, answer.reason)
                for key, value in answer.headers.items():
                    if key.lower() not in _HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCOL = do_OPTIONS = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)


@pytest.fixture
def racing(phone, dav_server):
    def phone_edits(path: str) -> None:
        later = f"REV:{dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1):%Y%m%dT%H%M%SZ}"
        text = replace_line(phone.get(path), "TITLE", "TITLE:Changed on the phone meanwhile")
        phone.put(path, replace_line(text, "REV", later))

    proxy = RacingProxy(dav_server.base, phone_edits)
    yield proxy
    proxy.close()


def test_an_item_changed_between_read_and_write_is_one_line_and_changes_nothing(cli, phone, racing, tmp_path):
    db = tmp_path / "f.db"
    open_database(db)
    add_contact(ContactFields(name="Ann Example", emails=["ann@x.example"], title="CEO"))
    add_contact(ContactFields(name="Bo Example", emails=["bo@x.example"]))
    close_database()
    book = phone.make_addressbook()
    url = racing.base + urlsplit(book).path  # followup speaks to the server through the proxy
    assert sync(cli, db, "contacts", url).code == 0
    open_database(db)
    edit_contact(1, ContactFields(title="Edited here"))  # followup has a change to write back
    close_database()
    before = snapshot(db)

    racing.armed = True
    result = cli("sync", "contacts", url, "--user", USER, db=db)
    assert racing.raced, "the sync never wrote back Ann's card"
    assert result.code == 1 and result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "412 Precondition Failed" in lines[0] and "run the sync again" in lines[0]
    assert PASSWORD not in result.err
    assert snapshot(db) == before  # contacts, sync tokens, ETags and plan: as they were
    assert "Changed on the phone meanwhile" in phone.get(racing.raced[0])  # the phone's edit survives

    # the next sync settles it: the phone's edit is the newer change to the title
    result = sync(cli, db, "contacts", url)
    assert result.code == 0, result.err
    open_database(db)
    assert {v.name: v.title for v in list_contacts()}["Ann Example"] == "Changed on the phone meanwhile"
    close_database()
