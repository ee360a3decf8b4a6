"""What a sync did (or, with --dry-run, would do): every change on each side, every conflict and
how it was settled, and the items that could not be exchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.core.textsafe import clean_line


@dataclass
class Change:
    side: str  # "followup" or "server": where the change was (or would be) made
    action: str  # added | updated | linked | deleted | archived | pinned | removed | kept
    name: str
    detail: str = ""

    def line(self) -> str:
        text = f"{self.side}: {self.action} {clean_line(self.name)}"
        return text + (f" ({clean_line(self.detail)})" if self.detail else "")

    def to_json(self) -> dict:
        return {"side": self.side, "action": self.action, "name": self.name, "detail": self.detail}


@dataclass
class Conflict:
    name: str
    field: str
    kept: object
    lost: object
    winner: str  # the side whose (newer) change was kept

    def line(self) -> str:
        loser = "followup" if self.winner == "server" else "server"
        return (f"conflict: {clean_line(self.name)}, {self.field}: kept {_show(self.kept)} from {self.winner} "
                f"(newer) over {_show(self.lost)} from {loser}")

    def to_json(self) -> dict:
        return {"name": self.name, "field": self.field, "kept": self.kept, "lost": self.lost, "winner": self.winner}


def _show(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(clean_line(str(v)) for v in value) + "]"
    return repr(clean_line(str(value)))


@dataclass
class SyncReport:
    kind: str  # contacts | calendar
    url: str
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # items skipped, one line each
    unchanged: int = 0

    def add(self, side: str, action: str, name: str, detail: str = "") -> None:
        self.changes.append(Change(side, action, name, detail))

    def lines(self) -> list[str]:
        head = f"{self.kind} {self.url}" + (" (dry run: nothing written)" if self.dry_run else "")
        body = [change.line() for change in self.changes] + [c.line() for c in self.conflicts]
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[f"{change.side} {change.action}"] = counts.get(f"{change.side} {change.action}", 0) + 1
        summary = ", ".join(f"{count} {what}" for what, count in counts.items()) or "nothing to exchange"
        tail = f"{summary}; {len(self.conflicts)} conflict(s); {self.unchanged} unchanged"
        return [head, *("  " + line for line in body), "  " + tail]

    def to_json(self) -> dict:
        return {"kind": self.kind, "url": self.url, "dry_run": self.dry_run,
                "changes": [c.to_json() for c in self.changes],
                "conflicts": [c.to_json() for c in self.conflicts],
                "problems": list(self.problems), "unchanged": self.unchanged}
