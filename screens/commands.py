"""The command palette: every action of every screen by its plain name, and anyone by name.

Rather than a second list to keep in step, the provider reads bindings: those that apply on the
screen the palette was opened from (its keys, the app's keys) by their plain description, then
every described key of the other three main screens as "Contacts: New" (choosing one switches to
that screen and runs it there), plus the four screens and the repeat-business report by name.

Typed letters also find contacts ("go to contact…" offers only them): the database is asked in a
thread, one bounded query per search (planner/services/contact_lookup.py), so the palette stays
quick on 100k contacts. Same-name people are told apart by company and title, never by an id.
Titles are our own words; names are user text and shown as such, never as markup.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from functools import cache, partial

from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from planner.core.textsafe import clean_line, fold
from screens.text import user_text
from screens.widgets.contact_picker import picker_labels

SCREEN_COMMANDS = (
    ("Go to Agenda", "agenda", "calls due, thank-yous and the week"),
    ("Go to Contacts", "contacts", "everyone: filter, add, edit, archive, import"),
    ("Go to Ledger", "ledger", "favours given and received, thanks owed"),
    ("Go to Plan", "plan", "load per working day, blocked days, rebalance"),
)
# Each main screen's class, read for its keys without building the screen.
MODE_SCREENS = {
    "agenda": ("Agenda", "screens.agenda", "AgendaScreen"),
    "contacts": ("Contacts", "screens.contacts", "ContactsScreen"),
    "ledger": ("Ledger", "screens.ledger", "LedgerScreen"),
    "plan": ("Plan", "screens.plan", "PlanScreen"),
}

# Screens pushed over the current one (not modes): title, help, and the screen to build.
REPORT_TITLE = "Repeat business report"
REPORT_HELP = "repeat clients, clients quiet since a placement, placements per month"
GO_TO_CONTACT = "Go to contact…"
GO_TO_CONTACT_HELP = "type a name: their details, history and favours"
CONTACTS_SHOWN = 12  # contact hits in one search, the best first
CONTACT_WEIGHT = 0.9  # an action whose name matches as well comes before a contact


def _open_report(app) -> None:
    from screens.report import ReportScreen

    app.push_screen(ReportScreen())


def _open_contact(app, contact_id: int) -> None:
    from screens.contact_detail import ContactDetailScreen

    app.push_screen(ContactDetailScreen(contact_id))


def _go_to_contact(app) -> None:
    app.push_screen(CommandPalette(providers=[ContactHits], placeholder="Go to contact: type a name…"))


async def _run_on_mode(app, mode: str, action: str) -> None:
    """Switch to `mode`, then run `action` on its screen as its key would."""
    await app.switch_mode(mode)
    await app.run_action(action, app.screen)


@cache
def _mode_bindings(mode: str) -> list[Binding]:
    """The described keys of a main screen's class, one per action (list movement left out).
    Importing a screen not shown yet takes a moment: the provider's start-up does it in a thread."""
    _, module, name = MODE_SCREENS[mode]
    screen_class = getattr(importlib.import_module(module), name)
    bindings: list[Binding] = []
    seen: set[str] = set()
    for binding in Binding.make_bindings(screen_class.BINDINGS):
        if not binding.description or not binding.id or binding.id.startswith("list.") or binding.action in seen:
            continue
        seen.add(binding.action)
        bindings.append(binding)
    return bindings


def _mode_of(app, screen) -> str | None:
    for mode in MODE_SCREENS:
        try:
            if screen in app.get_screen_stack(mode)[:1]:
                return mode
        except KeyError:  # a mode not shown yet
            continue
    return None


def _highlight(matcher: Matcher, text: str) -> Content:
    """`text` (user text) shown literally, the letters that matched marked. Matched on the folded
    text ("zoe" finds Zoë); marks only where folding kept the length."""
    content = user_text(text)
    plain, folded = content.plain, fold(content.plain)
    if len(folded) == len(plain):
        _, offsets = matcher.fuzzy_search.match(matcher.query, folded)
        for offset in offsets:
            if not plain[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _who(candidate) -> str:
    parts = [clean_line(part) for part in (candidate.title, candidate.company) if clean_line(part)]
    return " · ".join(parts) or "no company or title"


async def contact_hits(provider: Provider, query: str) -> Hits:
    """The contacts whose name matches `query`, best first, each opening their details."""
    from planner.services.contact_lookup import find_contacts

    typed = fold(query).strip()
    if not typed:
        return
    candidates = await asyncio.to_thread(find_contacts, typed)  # the database, off the event loop
    labels = picker_labels(candidates)
    matcher = Matcher(typed, match_style=provider.match_style)
    scored = []
    for candidate in candidates:
        label = labels[candidate.id]
        score = matcher.match(fold(label))
        if score > 0:
            scored.append((score, label, candidate))
    scored.sort(key=lambda hit: -hit[0])
    for score, label, candidate in scored[:CONTACTS_SHOWN]:
        prompt = _highlight(matcher, label)
        if label == clean_line(candidate.name):  # a twin's label says it already
            prompt = prompt + Content.styled(f" · {_who(candidate)}", "dim")
        # The palette reads help as markup: our words only there, the user's words in the prompt.
        yield Hit(score * CONTACT_WEIGHT, prompt, partial(_open_contact, provider.app, candidate.id),
                  text=label, help="open contact: details, history, favours")


class ContactHits(Provider):
    """Only contacts: the palette "Go to contact…" opens."""

    async def search(self, query: str) -> Hits:
        async for hit in contact_hits(self, query):
            yield hit


class FollowupCommands(Provider):
    """Screens, then every described binding of the current screen and the app, then those of the
    other main screens; contacts by name as letters are typed."""

    async def startup(self) -> None:
        await asyncio.to_thread(lambda: [_mode_bindings(mode) for mode in MODE_SCREENS])

    def _commands(self) -> list[tuple[str, str, Callable]]:
        app = self.app
        commands: list[tuple[str, str, Callable]] = [
            (title, help_text, partial(app.switch_mode, mode)) for title, mode, help_text in SCREEN_COMMANDS
        ]
        commands.append((GO_TO_CONTACT, GO_TO_CONTACT_HELP, partial(_go_to_contact, app)))
        commands.append((REPORT_TITLE, REPORT_HELP, partial(_open_report, app)))
        seen = {title for title, _, _ in commands} | {"Agenda", "Contacts", "Ledger", "Plan"}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            title = binding.description
            if not title or title in seen or not active.enabled:
                continue
            seen.add(title)
            key_name = app.get_key_display(binding)
            help_text = f"key {key_name}" + (f": {binding.tooltip}" if binding.tooltip else "")
            commands.append((title, help_text, partial(app.run_action, binding.action, active.node)))
        here = _mode_of(app, self.screen)
        for mode, (label, _, _) in MODE_SCREENS.items():
            if mode == here:
                continue
            for binding in _mode_bindings(mode):
                key_name = app.get_key_display(binding)
                help_text = f"key {key_name} on {label}" + (f": {binding.tooltip}" if binding.tooltip else "")
                commands.append((f"{label}: {binding.description}", help_text,
                                 partial(_run_on_mode, app, mode, binding.action)))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0 and title == GO_TO_CONTACT and "contacts" not in fold(query):
                score *= 1.05  # "go to contact" means a person; "Go to Contacts" had the s
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        async for hit in contact_hits(self, query):
            yield hit
