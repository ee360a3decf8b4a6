"""A real Radicale server for the sync tests, started once per session on 127.0.0.1 with plain
htpasswd authentication and a temporary storage folder, and stopped by its PID at the end.

`phone` plays the other side: it creates collections (extended MKCOL, RFC 5689) and creates,
edits, moves and deletes cards and events directly on the server between syncs.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

USER = "alice"
PASSWORD = "s3cret-pass"


@dataclass
class DavServer:
    base: str  # http://127.0.0.1:PORT/
    pid: int
    storage: Path

    @property
    def home(self) -> str:
        return f"{self.base}{USER}/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_radicale(folder: Path) -> tuple[subprocess.Popen, str]:
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "users"
    users.write_text(f"{USER}:{PASSWORD}\nbob:other-pass\n")
    for _attempt in range(5):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", "", "--server-hosts", f"127.0.0.1:{port}",
             "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(users),
             "--auth-htpasswd-encryption", "plain", "--storage-filesystem-folder", str(folder / "storage"),
             "--logging-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=(folder / "radicale.log").open("ab"),
        )
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and process.poll() is None:
            try:
                requests.get(base, timeout=1)
                return process, base
            except requests.ConnectionError:
                time.sleep(0.1)
        process.kill()
        process.wait()
    raise RuntimeError(f"radicale did not start; see {folder / 'radicale.log'}")


def stop(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


def storage_folder(tmp_path_factory) -> Path:
    """A RAM-backed folder where there is one: Radicale syncs every write to disk, which made a
    300-card first sync take 25 s on a shared disk and 4 s on tmpfs."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="followup-radicale-", dir=shm))
    return tmp_path_factory.mktemp("radicale")


@pytest.fixture(scope="session")
def dav_server(tmp_path_factory):
    folder = storage_folder(tmp_path_factory)
    process, base = start_radicale(folder)
    yield DavServer(base=base, pid=process.pid, storage=folder / "storage")
    stop(process)
    if folder.is_relative_to("/dev/shm"):
        shutil.rmtree(folder, ignore_errors=True)


class Phone:
    """The other client: makes collections and edits what is on the server, over plain WebDAV."""

    def __init__(self, server: DavServer) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.auth = (USER, PASSWORD)

    def _mkcol(self, name: str, resourcetype: str, namespace: str) -> str:
        url = f"{self.server.home}{name}-{uuid.uuid4().hex[:8]}/"
        body = (f'<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" xmlns:x="{namespace}">'
                f"<d:set><d:prop><d:resourcetype><d:collection/><x:{resourcetype}/></d:resourcetype>"
                f"<d:displayname>{name}</d:displayname></d:prop></d:set></d:mkcol>")
        response = self.session.request("MKCOL", url, data=body.encode())
        assert response.status_code == 201, response.text
        return url

    def make_addressbook(self) -> str:
        return self._mkcol("contacts", "addressbook", "urn:ietf:params:xml:ns:carddav")

    def make_calendar(self) -> str:
        return self._mkcol("calendar", "calendar", "urn:ietf:params:xml:ns:caldav")

    def hrefs(self, collection: str) -> list[str]:
        body = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
        response = self.session.request("PROPFIND", collection, data=body, headers={"Depth": "1"})
        assert response.status_code == 207
        import xml.etree.ElementTree as ET

        root = ET.fromstring(response.content)
        found = [node.text for node in root.iter("{DAV:}href")]
        path = collection[len(self.server.base) - 1:]
        return [href for href in found if href.rstrip("/") != path.rstrip("/")]

    def items(self, collection: str) -> dict[str, str]:
        """href -> text of every member."""
        return {href: self.get(href) for href in self.hrefs(collection)}

    def get(self, href: str) -> str:
        response = self.session.get(self.url(href))
        assert response.status_code == 200, (href, response.status_code)
        return response.text

    def put(self, href: str, text: str, content_type: str = "text/vcard") -> None:
        response = self.session.put(self.url(href), data=text.encode(), headers={"Content-Type": content_type})
        assert response.status_code in (201, 204), response.text

    def delete(self, href: str) -> None:
        assert self.session.delete(self.url(href)).status_code in (200, 204)

    def url(self, href: str) -> str:
        return href if href.startswith("http") else self.server.base.rstrip("/") + href


@pytest.fixture
def phone(dav_server) -> Phone:
    return Phone(dav_server)
