"""The agenda as a printable Markdown call sheet, grouped by day, with `- [ ]` check boxes.

Every piece of user text is escaped so a name such as `*Zoë* [x](y)` prints literally."""

from __future__ import annotations

from planner.core.textsafe import clean_line
from planner.core.vocabulary import AgendaKind
from planner.services.agenda import Agenda, AgendaItem

# Mid-line specials only: user text never starts a line here, so list and heading marks are inert.
# A translation table (each special after a backslash): one pass in C, tens of thousands of fields
# in a week's sheet at 100k contacts.
_SPECIALS = str.maketrans({char: "\\" + char for char in "\\`*_{}[]<>|~&"})


def md_escape(text: str | None) -> str:
    """Literal Markdown: controls neutralised, the characters Markdown reads mid-line escaped."""
    return clean_line(text).translate(_SPECIALS)


def _item(item: AgendaItem, *, with_date: bool, show_owner: bool = False) -> list[str]:
    verbs: dict[str, str] = {AgendaKind.THANK_YOU: "Thank", AgendaKind.DATE: "Remember"}
    verb = verbs.get(item.kind, "Call")
    who = f"**{verb} {md_escape(item.name)}**"
    role = ", ".join(md_escape(part) for part in (item.company, item.title) if part)
    box = "[x]" if item.done else "[ ]"  # a call of today's list already made: ticked
    head = f"- {box} {who}" + (f" ({role})" if role else "") + f" — {md_escape(item.why)}"
    if item.thanks_owed:
        head += ", and thank them" + (f" ({md_escape(item.thanks_why)})" if item.thanks_why else "")
    if with_date:
        head += f", due {item.date.isoformat()}"
    lines = [head]
    reach = [f"{label}: {md_escape(value)}" for label, value in
             (("phone", item.phone), ("email", item.email), ("local time zone", item.timezone)) if value]
    if reach:
        lines.append("  - " + " · ".join(reach))
    if item.nudge:
        lines.append(f"  - be present: {md_escape(item.nudge)}")
    if item.reached_by:  # on a desk: another member reached them (or made this call)
        lines.append(f"  - {md_escape(item.reached_by)}")
    if show_owner and item.owner:  # everyone's agenda on a desk: whose call it is
        lines.append(f"  - for {md_escape(item.owner)}")
    if item.last_contact is not None:
        label = "done" if item.done else "last"  # a made call: what was logged
        last = f"  - {label}: {item.last_contact.date().isoformat()}, {md_escape(item.last_kind)}"
        if item.last_summary:
            last += f": {md_escape(item.last_summary)}"
        lines.append(last)
    else:
        lines.append("  - last: never")
    if item.favors_received_open:
        lines.append(f"  - they helped us: {md_escape(item.favors_received_open)}")
    if item.favors_given_open:
        lines.append(f"  - we helped them: {md_escape(item.favors_given_open)}")
    return lines


def agenda_markdown(agenda: Agenda) -> str:
    title = md_escape(agenda.title) + (f" ({md_escape(agenda.member)})" if agenda.member else "")
    lines = [f"# {title}", ""]
    show_owner = not agenda.member  # everyone's agenda (a desk's --team): each item says whose
    for heading, items in (("Overdue", agenda.overdue), ("Thank-yous owed", agenda.thank_yous)):
        if items:
            lines += [f"## {heading}", ""]
            for item in items:
                lines += _item(item, with_date=True, show_owner=show_owner)
            lines.append("")
    for day, items in agenda.days:
        lines += [f"## {day:%A} {day.isoformat()}", ""]
        if not items:
            lines += ["_Nothing planned._", ""]
            continue
        for item in items:
            lines += _item(item, with_date=False, show_owner=show_owner)
        lines.append("")
    if agenda.done:  # today's calls already made, as the text agenda shows them: the day's progress
        lines += [f"## Done today ({len(agenda.done)} of {agenda.today_calls} calls)", ""]
        for item in agenda.done:
            lines += _item(item, with_date=False, show_owner=show_owner)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
