"""The side panel that shows the highlighted contact on the agenda and ledger screens.

What matters to them (their facts) and their placements first, then phones, emails, the contact's
local time, the last interactions, the favours still open both ways
and the balance: what a person wants in view while dialling. Data is gathered in a thread worker
(`load_panel_data` is plain Python), so moving the cursor never blocks the event loop.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker

from planner.core.textsafe import clean_line
from planner.core.vocabulary import FavorDirection
from screens.workers import WorkerFailed, report_failure, thread_worker

if TYPE_CHECKING:  # the summary's queries load in the worker, not on the way to the first frame
    from planner.services.contact_summary import OpenFavor

RECENT_INTERACTIONS = 3


@dataclass
class PanelData:
    """Everything the panel shows about one contact, as plain values."""

    contact_id: int
    name: str
    company: str = ""
    title: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    timezone: str = ""
    recent: list = field(default_factory=list)  # InteractionView, newest first
    owes_you: list[OpenFavor] = field(default_factory=list)  # given by you and not yet returned
    you_owe: list[OpenFavor] = field(default_factory=list)  # received and not yet returned
    thanks_owed: int = 0
    balance: int = 0
    facts: list[str] = field(default_factory=list)  # what matters to them, oldest first
    placements: str = ""  # "3 placements since 2024", or ""
    nudge: str = ""  # "only emails since March: call them", or ""


def load_panel_data(contact_id: int) -> PanelData:
    """Gather the panel's data for one contact (runs in a worker thread)."""
    from planner.services.contact_summary import favor_standing, in_view
    from planner.services.contacts import get_view
    from planner.services.interactions.records import history

    view = get_view(contact_id)
    standing = favor_standing(contact_id)
    extra = in_view(contact_id)
    return PanelData(
        contact_id=view.id, name=view.name, company=view.company, title=view.title,
        phones=list(view.phones), emails=list(view.emails), timezone=view.timezone,
        recent=history(contact_id)[:RECENT_INTERACTIONS], owes_you=standing.owes_you, you_owe=standing.you_owe,
        thanks_owed=standing.thanks_owed, balance=view.balance,
        facts=extra.facts, placements=extra.placements, nudge=extra.nudge,
    )


def now_utc() -> dt.datetime:
    """The clock the panel reads (a function, so snapshot tests can fix it)."""
    return dt.datetime.now(dt.UTC)


def local_time_text(zone: str, now: dt.datetime | None = None) -> str:
    """'Wed 15:04 (Europe/Berlin)' for the contact's zone; '' when none is known."""
    if not zone:
        return ""
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    moment = (now or now_utc()).astimezone(tz)
    return f"{moment:%a %H:%M} ({zone})"


def balance_words(balance: int) -> str:
    if balance > 0:
        return f"+{balance} (you gave more)"
    if balance < 0:
        return f"{balance} (they gave more)"
    return "0 (even)"


def _favor_lines(favor: OpenFavor) -> list[Content]:
    when = favor.date.strftime("%d %b") if favor.date else ""
    thank = " (thank them)" if favor.direction == FavorDirection.RECEIVED and not favor.thanked else ""
    lines = [Content(f"  {when} {clean_line(favor.kind)}{thank}")]
    if favor.note:
        lines.append(Content(f"    {clean_line(favor.note)}"))
    return lines


def render_panel(data: PanelData, now: dt.datetime | None = None) -> Content:
    """The panel's text; every piece of user text goes through `clean_line` and plain `Content`."""
    lines: list[Content] = [Content.from_markup("[b]$name[/b]", name=clean_line(data.name))]
    sub = " · ".join(part for part in (clean_line(data.title), clean_line(data.company)) if part)
    if sub:
        lines.append(Content(sub))
    if data.placements:
        lines.append(Content(clean_line(data.placements)))
    # What matters to them comes first, in view during the call without scrolling.
    for fact in data.facts:
        lines.append(Content.from_markup("[b]•[/b] $fact", fact=clean_line(fact)))
    if data.nudge:
        lines.append(Content.from_markup("[b $warning]$nudge[/]", nudge=clean_line(data.nudge)))
    local = local_time_text(data.timezone, now)
    if local:
        lines.append(Content.from_markup("[dim]Local time[/] $t", t=local))
    lines.append(Content(""))
    for number in data.phones:
        lines.append(Content.from_markup("[dim]Phone[/] $v", v=clean_line(number)))
    for address in data.emails:
        lines.append(Content.from_markup("[dim]Email[/] $v", v=clean_line(address)))
    if not data.phones and not data.emails:
        lines.append(Content.from_markup("[dim]No phone or email[/]"))
    lines.append(Content(""))
    lines.append(Content.from_markup("[b]Last interactions[/b]"))
    for item in data.recent:
        when = item.happened_at.astimezone().strftime("%d %b %Y") if item.happened_at else ""
        summary = clean_line(item.summary) or clean_line(item.notes)[:60]
        lines.append(Content(f"  {when} {item.kind}, {item.outcome}" + (" (private)" if item.private else "")))
        if summary:
            lines.append(Content(f"    {summary}"))
    if not data.recent:
        lines.append(Content.from_markup("  [dim]none yet[/]"))
    lines.append(Content(""))
    lines.append(Content.from_markup("[b]They owe you[/b] ($n)", n=str(len(data.owes_you))))
    for favor in data.owes_you[:5]:
        lines.extend(_favor_lines(favor))
    lines.append(Content.from_markup("[b]You owe them[/b] ($n)", n=str(len(data.you_owe))))
    for favor in data.you_owe[:5]:
        lines.extend(_favor_lines(favor))
    if data.thanks_owed:
        lines.append(Content.from_markup("[b $warning]Thanks owed: $n[/]", n=str(data.thanks_owed)))
    lines.append(Content.from_markup("[dim]Balance[/] $b", b=balance_words(data.balance)))
    return Content("\n").join(lines)


class PanelRead(Message):
    """What the panel shows about one contact, read in a worker."""

    def __init__(self, data: PanelData) -> None:
        super().__init__()
        self.data = data


class ContactPanel(VerticalScroll):
    """Shows one contact; call `show(contact_id)` whenever the highlight moves."""

    can_focus = False

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.contact_id: int | None = None
        self.data: PanelData | None = None
        self._stale = False  # the highlight moved while the panel was folded away

    def compose(self) -> ComposeResult:
        yield Static(Content("No contact highlighted"), id="panel-body")

    def on_mount(self) -> None:
        # The contact's local time moves on while the app stays open all day.
        self.set_interval(30, self._refresh_time)

    def show(self, contact_id: int | None, *, force: bool = False) -> None:
        if contact_id == self.contact_id and not force and not self._stale:
            return
        self.contact_id = contact_id
        if contact_id is None:
            self.data = None
            self._stale = False
            self.query_one("#panel-body", Static).update(Content("No contact highlighted"))
            return
        if not self.display:
            # Folded away on a narrow terminal: no queries per cursor move; load when shown.
            self._stale = True
            return
        self._stale = False
        self._load(contact_id)

    def on_show(self) -> None:
        if self._stale and self.contact_id is not None:
            self._stale = False
            self._load(self.contact_id)

    @thread_worker(group="contact-panel", failure="Contact not shown")
    def _load(self, contact_id: int) -> None:
        self.post_message(PanelRead(load_panel_data(contact_id)))

    def on_panel_read(self, message: PanelRead) -> None:
        message.stop()
        data = message.data
        if data.contact_id != self.contact_id:
            return  # the highlight moved on while this was loading
        self.data = data
        self.query_one("#panel-body", Static).update(render_panel(data))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """e.g. archived or deleted meanwhile: said in the panel, where the contact would be."""
        message.stop()
        self.query_one("#panel-body", Static).update(Content(clean_line(message.text)))

    def _refresh_time(self) -> None:
        if self.data is not None and self.data.timezone:
            self.query_one("#panel-body", Static).update(render_panel(self.data))
