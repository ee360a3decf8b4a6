"""Radicale's own file storage with the two per-write scans that make its PUT quadratic replaced
by what a server with an index does. Only for bench/sync.py: `[storage] type = radicale_indexed`.

Profiled in process (bench/radicale_put_profile.py, 1500 new cards): 86% of a PUT's time is
`has_uid`, which reads and unpickles every card already in the address book to check that the new
card's UID is not taken; 12% is `_clean_history`, which stats every sync-history entry after each
write to find those of deleted cards older than `max_sync_token_age` (30 days). No configuration
option turns either off. Here `has_uid` asks an in-memory UID index (built once from the
collection, kept current by this process's writes, so the answer is the same) and `_clean_history`
runs once per collection per process instead of after every write (what it would remove is at
least 30 days old, so nothing it would have done during a benchmark run is skipped). Everything
else, storage on disk, ETags, sync tokens, locking, HTTP, is Radicale's own.
"""

from __future__ import annotations

import threading
from collections import Counter

from radicale.storage import multifilesystem

_LOCK = threading.Lock()
_HREFS: dict[str, dict[str, str]] = {}  # collection folder -> href -> UID
_UIDS: dict[str, Counter[str]] = {}  # collection folder -> UID -> how many cards carry it
_CLEANED: set[str] = set()


class Collection(multifilesystem.Collection):
    def _index(self) -> tuple[dict[str, str], Counter[str]]:
        with _LOCK:
            if self._filesystem_path not in _HREFS:
                hrefs = {item.href: item.uid for item in self.get_all() if item.href}
                _HREFS[self._filesystem_path] = hrefs
                _UIDS[self._filesystem_path] = Counter(hrefs.values())
            return _HREFS[self._filesystem_path], _UIDS[self._filesystem_path]

    def _forget(self, href: str) -> None:
        hrefs, uids = self._index()
        with _LOCK:
            old = hrefs.pop(href, None)
            if old is not None:
                uids[old] -= 1
                if uids[old] <= 0:
                    del uids[old]

    def has_uid(self, uid: str) -> bool:
        return uid in self._index()[1]

    def upload(self, href, item):
        uploaded, replaced = super().upload(href, item)
        self._forget(href)
        hrefs, uids = self._index()
        with _LOCK:
            hrefs[href] = item.uid
            uids[item.uid] += 1
        return uploaded, replaced

    def delete(self, href=None):
        super().delete(href)
        if href is None:
            with _LOCK:
                _HREFS.pop(self._filesystem_path, None)
                _UIDS.pop(self._filesystem_path, None)
        else:
            self._forget(href)

    def _clean_history(self) -> None:
        with _LOCK:
            if self._filesystem_path in _CLEANED:
                return
            _CLEANED.add(self._filesystem_path)
        super()._clean_history()


class Storage(multifilesystem.Storage):
    _collection_class = Collection
