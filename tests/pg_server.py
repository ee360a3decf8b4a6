"""A real PostgreSQL server for the test session, started and stopped by the session itself.

`initdb` into a temporary folder, `pg_ctl start` listening on a Unix socket in that folder only
(no TCP port to collide with anything), a template database migrated once, and a fresh database
per test copied from it (CREATE DATABASE ... TEMPLATE: about 0.1 s). `initdb` refuses to run as
root, so as root the server runs as the `postgres` user (Debian's package creates it).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install them to run the PostgreSQL "
                "tests (Debian/Ubuntu: apt-get install postgresql)")
TEMPLATE = "followup_template"


def find_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
                        reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class Cluster:
    """One running server: `url(name)` for a database in it, `new_database()` per test."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="followup-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            self._as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        self._names = itertools.count(1)
        self._admin = None

    def _run(self, *args: str) -> None:
        result = subprocess.run(self._as_owner + list(args), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()} {log[-2000:]}")

    def start(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-o",
                  f"-k {self.root} -c listen_addresses='' -c fsync=off -c full_page_writes=off", "start")
        import psycopg

        self._admin = psycopg.connect(host=str(self.root), user="postgres", dbname="postgres", autocommit=True)
        self._admin.execute(f'CREATE DATABASE "{TEMPLATE}"')

    def url(self, name: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@/{name}?host={self.root}"

    def new_database(self) -> str:
        """A fresh database with today's schema; its URI."""
        name = f"t{next(self._names)}"
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}" STRATEGY FILE_COPY')
        return self.url(name)

    def empty_database(self) -> str:
        """A database with no tables at all (to watch migrations run); its URI."""
        name = f"e{next(self._names)}"
        self._admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.split("/")[-1].split("?")[0]
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (pg_ctl, then its postmaster's PID if it is still there) and remove its folder."""
        if self._admin is not None:
            self._admin.close()
        pid_file = self.data / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(self._as_owner + [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                                             "-w", "stop"], capture_output=True, timeout=60)
        for attempt in range(50):
            if pid is not None and _alive(pid):
                os.kill(pid, signal.SIGQUIT if attempt < 25 else signal.SIGKILL)
            shutil.rmtree(self.root, ignore_errors=True)
            if not self.root.exists():
                return
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
