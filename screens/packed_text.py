"""Many strings packed into one UTF-8 buffer, searched in place (no Textual, no database).

A list of 100,000 short strings costs about 50 bytes of header apiece besides their text, and
the strings, made one by one among a load's short-lived rows, keep the allocator from giving
those rows' memory back. Packed, they cost their bytes and the offsets where each starts; a
string is decoded only when it is drawn, and a word is searched in the buffer itself (a UTF-8
word occurs in UTF-8 text exactly where the word occurs in the text). Lists of positions are
`array(POS)`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence

POS = "i"  # the array typecode of positions


class Texts:
    """Strings appended one by one, kept as one UTF-8 buffer and where each one starts; `texts[pos]`
    is the string again."""

    __slots__ = ("blob", "bounds")

    def __init__(self) -> None:
        self.blob = bytearray()
        self.bounds = array("I", [0])  # text `pos` is blob[bounds[pos]:bounds[pos + 1]] (4 GiB at most)

    def append(self, text: str) -> None:
        self.blob += text.encode("utf-8", "surrogatepass")
        self.bounds.append(len(self.blob))

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, pos: int) -> str:
        return self.blob[self.bounds[pos]:self.bounds[pos + 1]].decode("utf-8", "surrogatepass")

    def containing(self, positions: Sequence[int], word: str) -> array:
        """Those of `positions` (in their order) whose text contains `word`."""
        if not word:
            return array(POS, positions)
        needle = word.encode("utf-8", "surrogatepass")
        if len(positions) * 4 >= len(self):  # most of everyone: find the few texts that have it
            hits = self._hits(needle, len(positions) // 32)
            if hits is not None:
                return array(POS, [p for p in positions if hits[p]])
        find, bounds = self.blob.find, self.bounds  # few positions, or a word most texts have
        return array(POS, [p for p in positions if find(needle, bounds[p], bounds[p + 1]) >= 0])

    def _hits(self, needle: bytes, most: int) -> bytearray | None:
        """A flag per text: does it contain `needle`? Found by searching the whole buffer, one
        search per text that has it; None once more than `most` do (then testing each text is
        cheaper than one search per hit)."""
        blob, bounds, size = self.blob, self.bounds, len(needle)
        hits = bytearray(len(self))
        find = blob.find
        found, at = 0, find(needle)
        while at >= 0:
            pos = bisect_right(bounds, at) - 1
            end = bounds[pos + 1]
            if at + size > end:  # runs on into the next text: not in this one
                at = find(needle, at + 1)
                continue
            hits[pos] = 1
            found += 1
            if found > most:
                return None
            at = find(needle, end)
        return hits
