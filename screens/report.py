"""Repeat business (`followup report`, "Repeat business report" in the command palette): the clients
who came back, the clients not contacted since their last placement started, and placements per
month. Read in a thread worker; escape or q goes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from screens.text import safe_markup, user_text
from screens.widgets.keys_footer import KeysFooter
from screens.workers import WorkerFailed, WorkerScreen, thread_worker


def _money(amount) -> str:
    return "" if amount is None or not amount else f" · fees {amount:,.2f}"


def render_report(report) -> Content:
    """The three lists, one line per client or month, in our words around the user's names."""
    lines: list[Content] = [safe_markup("[b]Repeat clients[/b] ($n)", n=len(report.repeat_clients))]
    for client in report.repeat_clients:
        lines.append(safe_markup("  $name · $company · $since · last start $last$fees", name=client.client,
                                 company=client.company or "no company", since=client.since,
                                 last=client.last_start.isoformat(), fees=_money(client.fees)))
    if not report.repeat_clients:
        lines.append(user_text("  none yet: a client with two placements shows here"))
    lines.append(Content(""))
    lines.append(safe_markup("[b]Not contacted since their last placement[/b] ($n)", n=len(report.quiet_clients)))
    for client in report.quiet_clients:
        lines.append(safe_markup("  $name · $company · placement $last · last contact $contact",
                                 name=client.client, company=client.company or "no company",
                                 last=client.last_start.isoformat(),
                                 contact=client.last_contact.isoformat() if client.last_contact else "never"))
    if not report.quiet_clients:
        lines.append(user_text("  none: every client heard from you since their last placement"))
    lines.append(Content(""))
    lines.append(safe_markup("[b]Placements per month[/b]"))
    for month, count, fees in report.per_month:
        lines.append(safe_markup("  $month  $count$fees", month=month, count=f"{count:>3}", fees=_money(fees)))
    if not report.per_month:
        lines.append(user_text("  no placements recorded: followup placed CANDIDATE --client CONTACT --start DAY"))
    return Content("\n").join(lines)


class ReportRead(Message):
    """The repeat-business report, read in a worker."""

    def __init__(self, report) -> None:
        super().__init__()
        self.report = report


class ReportScreen(WorkerScreen[None]):
    """Pushed from the command palette; escape or q goes back, r reads it again."""

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="report.back", tooltip="Back to the screen you came from"),
        Binding("r", "reload", "Reload", id="report.reload", tooltip="Read the report again"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(user_text("Repeat business"), id="report-title", classes="screen-title")
        with VerticalScroll(id="report"):
            yield Static(user_text("Loading…"), id="report-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#report", VerticalScroll).focus()  # arrows and page keys scroll
        self.load()

    @thread_worker(group="report-load", failure="Could not read the report")
    def load(self) -> None:
        from planner.core.dates import today
        from planner.services.placements import repeat_business

        self.post_message(ReportRead(repeat_business(today())))

    def on_report_read(self, message: ReportRead) -> None:
        self.query_one("#report-body", Static).update(render_report(message.report))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Said in place of the report."""
        message.stop()
        self.query_one("#report-body", Static).update(user_text(message.notice))

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
