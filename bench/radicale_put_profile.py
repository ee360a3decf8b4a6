"""Where Radicale's PUT of a new card spends its time as the address book grows: N new cards
PUT in process (Radicale's WSGI application, no HTTP, storage in /dev/shm), the time of each 500
printed, and a cProfile of the last 200.

Run: python bench/radicale_put_profile.py [CARDS] [--indexed]   (default 1500)
--indexed uses bench/radicale_indexed.py (the UID index) instead of Radicale's own storage.
"""

from __future__ import annotations

import base64
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from radicale import Application, config

AUTH = "Basic " + base64.b64encode(b"bench:bench").decode()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cards = int(args[0]) if args else 1500
    indexed = "--indexed" in sys.argv
    if indexed:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    ram = "/dev/shm" if Path("/dev/shm").is_dir() else None
    folder = tempfile.mkdtemp(prefix="followup-radicale-profile-", dir=ram)
    configuration = config.load([])
    storage = {"filesystem_folder": folder + "/storage"} | ({"type": "radicale_indexed"} if indexed else {})
    configuration.update({"storage": storage, "auth": {"type": "none"}, "rights": {"type": "owner_only"},
                          "logging": {"level": "error"}}, "bench", privileged=True)
    app = Application(configuration)

    def call(method: str, path: str, body: bytes, **headers: str) -> str:
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "wsgi.input": io.BytesIO(body),
                   "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": AUTH, "wsgi.url_scheme": "http",
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                   "REMOTE_ADDR": "127.0.0.1", "wsgi.errors": sys.stderr} | headers
        status: list[str] = []
        b"".join(app(environ, lambda s, _h: status.append(s)))
        return status[0]

    mkcol = (b'<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:x="urn:ietf:params:xml:ns:carddav"><d:set>'
             b"<d:prop><d:resourcetype><d:collection/><x:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>")
    assert call("MKCOL", "/bench/book/", mkcol, CONTENT_TYPE="application/xml").startswith("201")
    profile = cProfile.Profile()
    started = last = time.perf_counter()
    try:
        for n in range(cards):
            uid = uuid.uuid4().hex
            card = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Person {n}\r\nN:{n};Person;;;\r\n"
                    f"EMAIL:p{n}@example.com\r\nEND:VCARD\r\n").encode()
            if n == cards - 200:
                profile.enable()
            status = call("PUT", f"/bench/book/{uid}.vcf", card, CONTENT_TYPE="text/vcard", HTTP_IF_NONE_MATCH="*")
            assert status.startswith("201"), status
            if (n + 1) % 500 == 0:
                now = time.perf_counter()
                per_put = (now - last) * 2
                print(f"cards {n - 498:>6}-{n + 1:<6} {now - last:7.1f} s  {per_put:6.1f} ms a PUT", flush=True)
                last = now
        profile.disable()
        print(f"{cards} PUTs in {time.perf_counter() - started:.1f} s; profile of the last 200 (cumulative):")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(18)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
