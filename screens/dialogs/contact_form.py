"""Add or edit a contact (`n`, `e`): one modal, validation errors shown under the field at fault.

The save runs in a worker through `planner.services.contacts`; a rejected value (a bad email, an unknown
time zone, an unreadable cadence) is shown next to its field and nothing typed is lost. When
editing, only the fields the user changed are sent, so a value shown in its neutralised display
form is never written back over the stored one.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from planner.core.cadence import describe_cadence
from planner.core.errors import BadInput
from planner.core.textsafe import clean_block
from planner.store.models import CONTACT_KINDS
from screens import stylesheets
from screens.dialogs.confirm_discard import ConfirmDiscard
from screens.text import plain, safe_markup, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

# (field id, label, placeholder, prefix of the service's error message for this field). The
# placeholders fit the half-width inputs of an 80-column terminal.
FIELDS = [
    ("name", "Name", "full name (required)", ("name",)),
    ("company", "Company", "", ("company",)),
    ("title", "Title", "", ("title",)),
    ("emails", "Emails", "comma-separated", ("email",)),
    ("phones", "Phones", "comma-separated", ("phone",)),
    ("tags", "Tags", "client, vip", ("tag",)),
    ("cadence", "Call every", "90d, 2w, monthly, quarterly, none; empty: tag or default cadence", ("cadence",)),
    ("timezone", "Time zone", "Europe/Berlin", ("time zone", "timezone")),
]
KIND_FIELD = ("kind", "Kind", "", ("kind",))

# One line each, so the whole form fits 80x24: long values full width, short ones side by side.
ROWS = [("name",), ("company", "title"), ("emails",), ("phones", "tags"), ("cadence",), ("timezone", "kind")]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def initial_values(view) -> dict[str, str]:
    """The form's starting text for a contact (empty for a new one)."""
    if view is None:
        return {key: "" for key, *_ in FIELDS} | {"kind": "other", "notes": ""}
    if view.own_cadence_days is not None:
        cadence = describe_cadence(view.own_cadence_days)
    else:
        cadence = "none" if view.cadence_from is None else ""
    return {
        "name": plain(view.name), "company": plain(view.company), "title": plain(view.title),
        "emails": plain(", ".join(view.emails)), "phones": plain(", ".join(view.phones)),
        "tags": plain(", ".join(view.tags)), "cadence": cadence, "timezone": plain(view.timezone),
        "kind": view.kind, "notes": clean_block(view.notes),
    }


class ZonesRead(Message):
    """The IANA zone names, for completing the time-zone field."""

    def __init__(self, zones: list[str]) -> None:
        super().__init__()
        self.zones = zones


class ContactForm(WorkerDialog[object | None]):
    """Returns the saved ContactView, or None when cancelled."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="contact-form.save", priority=True),
        Binding("escape,ctrl+g", "cancel", "Cancel", id="contact-form.cancel"),
    ]

    def __init__(self, view=None) -> None:
        super().__init__()
        self.view = view
        self.initial = initial_values(view)
        self._saving = False

    def compose(self) -> ComposeResult:
        title = "New contact" if self.view is None else "Edit $name"
        labels = {key: (label, placeholder) for key, label, placeholder, _ in FIELDS + [KIND_FIELD]}
        # Not a tab stop itself: it scrolls to whichever field has the focus.
        with VerticalScroll(classes="dialog", id="contact-form", can_focus=False):
            yield Label(safe_markup(f"[b]{title}[/b]", name=self.view.name if self.view else ""),
                        classes="dialog-title")
            for row in ROWS:
                with Horizontal(classes="form-row"):
                    for column, key in enumerate(row):
                        label, placeholder = labels[key]
                        with Vertical(classes="form-field -right" if column else "form-field"):
                            with Horizontal(classes="form-line"):
                                yield Label(label, classes="form-label")
                                yield self._field(key, placeholder)
                            yield Static(user_text(""), id=f"cf-{key}-error", classes="field-error")
            with Vertical(classes="form-notes"):
                yield Label("Notes", classes="form-notes-label")
                yield TextArea(self.initial["notes"], id="cf-notes", soft_wrap=True, tab_behavior="focus",
                               compact=True)
            yield Static(user_text(""), id="cf-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("ctrl+s save · esc or ctrl+g cancel"), classes="muted")
                yield Button("Save", variant="primary", id="cf-save", compact=True)
                yield Button("Cancel", id="cf-cancel", compact=True)

    def _field(self, key: str, placeholder: str) -> Input | Select:
        """One line high (compact): eight fields, the kind and the notes fit in 24 rows."""
        if key == "kind":
            return Select([(user_text(k), k) for k in CONTACT_KINDS], value=self.initial["kind"],
                          allow_blank=False, id="cf-kind", compact=True)
        return Input(value=self.initial[key], placeholder=placeholder, id=f"cf-{key}", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cf-name", Input).focus()
        self._load_zones()

    # Completion is a help, not a need: the field takes any zone typed, so a failure shows nothing.
    @thread_worker(group="contact-form-zones", failure=None)
    def _load_zones(self) -> None:
        """IANA zone names for completion (read from tzdata in a thread)."""
        import zoneinfo

        self.post_message(ZonesRead(sorted(zoneinfo.available_timezones())))

    def on_zones_read(self, message: ZonesRead) -> None:
        self.query_one("#cf-timezone", Input).suggester = SuggestFromList(message.zones, case_sensitive=False)

    def _value(self, key: str) -> str:
        if key == "kind":
            return str(self.query_one("#cf-kind", Select).value)
        if key == "notes":
            return self.query_one("#cf-notes", TextArea).text
        return self.query_one(f"#cf-{key}", Input).value

    def _changed(self, key: str) -> bool:
        return self.view is None or self._value(key) != self.initial[key]

    def build_fields(self):
        """ContactFields from the form; raises BadInput naming the field."""
        from planner.core.cadence import parse_cadence
        from planner.services.contacts import UNSET, USE_DEFAULT, ContactFields

        fields = ContactFields()
        if self._changed("name"):
            fields.name = self._value("name")
            if not fields.name.strip():
                raise BadInput("name: a contact needs a name")
        for key in ("company", "title", "timezone", "kind", "notes"):
            if self._changed(key):
                setattr(fields, key, self._value(key))
        for key in ("emails", "phones", "tags"):
            if self._changed(key):
                setattr(fields, key, _split(self._value(key)))
        fields.cadence_days = UNSET
        if self._changed("cadence"):
            text = self._value("cadence").strip()
            if not text:
                fields.cadence_days = USE_DEFAULT if self.view is not None else UNSET
            else:
                try:
                    fields.cadence_days = parse_cadence(text)
                except BadInput as exc:
                    raise BadInput(f"cadence: {exc}") from None
        return fields

    @on(Input.Submitted)
    @on(Button.Pressed, "#cf-save")
    def action_save(self) -> None:
        if self._saving:
            return  # one save at a time: a second one would add the new contact twice
        self._clear_errors()
        try:
            fields = self.build_fields()
        except BadInput as exc:
            self._show_error(str(exc))
            return
        self.query_one("#cf-save", Button).disabled = True
        self._saving = True
        self._save(fields)

    # Not from inside the worker: the form closes once the save has finished (its state turns
    # SUCCESS); closing while it still runs would cancel it, and whoever waits for the save would
    # see it cancelled although the contact is stored.
    @thread_worker(group="contact-form-save", failure="Not saved")
    def _save(self, fields) -> object:
        from planner.services.contacts import add_contact, edit_contact

        return add_contact(fields) if self.view is None else edit_contact(self.view.id, fields)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "contact-form-save" and event.state is WorkerState.SUCCESS:
            self.dismiss(event.worker.result)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """A rejected value is shown under its field (the service's message names it); the form
        keeps what was typed."""
        if message.group == "contact-form-save":
            message.stop()
            self._saving = False
            self.query_one("#cf-save", Button).disabled = False
            self._show_error(message.text)

    def _clear_errors(self) -> None:
        for static in self.query(".field-error").results(Static):
            static.update(user_text(""))
            static.remove_class("-shown")

    def _show_error(self, message: str) -> None:
        """Under the field the message is about (by its leading word), else at the bottom."""
        lowered = message.lower()
        target = "cf-error"
        for key, _, _, prefixes in FIELDS + [KIND_FIELD]:
            if lowered.startswith(prefixes):
                target = f"cf-{key}-error"
                break
        self._say(target, message)
        if target != "cf-error":
            self._say("cf-error", "Not saved: see the field marked above")
            field_id = target.removesuffix("-error")
            self.query_one(f"#{field_id}").focus()

    def _say(self, static_id: str, message: str) -> None:
        """An error line takes no room until it has something to say (the form fits 24 rows)."""
        static = self.query_one(f"#{static_id}", Static)
        static.update(user_text(message))
        static.add_class("-shown")
        self.call_after_refresh(static.scroll_visible, animate=False)

    def typed(self) -> bool:
        """Anything changed from what the form opened with."""
        return any(self._value(key) != self.initial[key] for key in self.initial)

    @on(Button.Pressed, "#cf-cancel")
    def action_cancel(self) -> None:
        """Escape never throws typed text away without asking (nor does a stray escape byte)."""
        if self._saving:  # a save under way is stored anyway: the form closes with it
            return
        if not self.typed():
            self.dismiss(None)
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard" and not self._saving:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard("contact", can_keep=False), callback=chosen)
