"""followup's domain layer: models, services and the command line. Never imports Textual.

Peewee is first imported here, for every module of ours that uses it, with the PostgreSQL drivers
kept out of that one import: Peewee tries psycopg (and psycopg2) at its own module top, which cost
about 90 ms of every start, and most people keep an SQLite file. Peewee takes a missing driver as
it takes an uninstalled one; our own server engine (`store.engine.ServerDatabase`) brings its
psycopg 3 adapter, which imports psycopg when a server is actually opened, whatever Peewee saw.
"""

import sys

__version__ = "0.1.0"

_DRIVERS = frozenset({"psycopg", "psycopg2", "psycopg2cffi"})


class _WithoutDrivers:
    """An import finder that answers "not installed" for the PostgreSQL drivers; it is on
    `sys.meta_path` only while Peewee's module runs. A driver imported before (by a test, say)
    stays where it is: Peewee then sees it, and nothing of ours depends on which it saw."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in _DRIVERS:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _import_peewee() -> None:
    if "peewee" in sys.modules:
        return
    sys.meta_path.insert(0, _WithoutDrivers)
    try:
        import peewee  # noqa: F401
    finally:
        sys.meta_path.remove(_WithoutDrivers)


_import_peewee()
