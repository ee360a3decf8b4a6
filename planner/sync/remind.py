"""`followup remind`: today's digest for when the app is closed, printed (for cron or a systemd
timer), mailed through SMTP as plain text and HTML with today's ICS attached, or raised as a
desktop notification. Each channel sends at most once a day (ReminderSent) unless forced, so a
timer that fires twice, or a cron line every hour, does not repeat itself."""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import smtplib
import ssl
import subprocess
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from planner.core.errors import BadInput, FollowupError
from planner.core.textsafe import clean_line
from planner.core.vocabulary import AgendaKind
from planner.io.exports.ics import agenda_ics
from planner.io.exports.json_export import agenda_json
from planner.io.exports.markdown import agenda_markdown
from planner.io.exports.text import agenda_text
from planner.services.agenda import Agenda, build_agenda
from planner.store.database import retried, write_tx
from planner.store.models import ReminderSent

FORMATS = ("text", "md", "json")


def digest(day: dt.date) -> Agenda:
    """Overdue calls, owed thank-yous, and the day's calls (follow-ups after a call among them)."""
    return build_agenda(day, day)


def render(agenda: Agenda, fmt: str) -> str:
    if fmt == "text":
        return agenda_text(agenda)
    if fmt == "md":
        return agenda_markdown(agenda)
    if fmt == "json":
        return agenda_json(agenda)
    raise BadInput(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")


def headline(agenda: Agenda) -> str:
    today = agenda.days[0][1] if agenda.days else []
    calls = sum(item.kind == AgendaKind.CALL for item in today)
    parts = [f"{calls} call{'s' if calls != 1 else ''} today"]
    if agenda.overdue:
        parts.append(f"{len(agenda.overdue)} overdue")
    thanks = agenda.thanks_owed  # people owed thanks, whether on their own row or on a call's
    if thanks:
        parts.append(f"{thanks} thank-you{'s' if thanks != 1 else ''}")
    dates = sum(item.kind == AgendaKind.DATE for item in today)
    if dates:
        parts.append(f"{dates} date{'s' if dates != 1 else ''} to remember")
    return ", ".join(parts)


def already_sent(day: dt.date, channel: str, target: str = "") -> bool:
    return ReminderSent.select().where(ReminderSent.day == day, ReminderSent.channel == channel,
                                       ReminderSent.target == target).exists()


@retried
def mark_sent(day: dt.date, channel: str, target: str = "") -> None:
    with write_tx():
        ReminderSent.delete().where(ReminderSent.day == day, ReminderSent.channel == channel,
                                    ReminderSent.target == target).execute()
        ReminderSent.create(day=day, channel=channel, target=target)


def check_address(address: str, what: str) -> str:
    value = address.strip()
    if "@" not in value or any(c in value for c in "\r\n<>,;\"") or " " in value:
        raise BadInput(f"{what} {clean_line(address)!r} does not look like one mail address")
    return value


def build_mail(agenda: Agenda, *, sender: str, to: str) -> EmailMessage:
    day = agenda.start
    text = agenda_text(agenda)
    message = EmailMessage()
    message["Subject"] = f"followup {day.isoformat()}: {headline(agenda)}"
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(text)
    message.add_alternative(
        "<!doctype html><html><body><h1>" + html.escape(agenda.title) + "</h1><pre>"
        + html.escape(text) + "</pre></body></html>", subtype="html")
    message.add_attachment(agenda_ics(agenda), maintype="text", subtype="calendar",
                           filename=f"followup-{day.isoformat()}.ics")
    return message


def send_mail(message: EmailMessage, *, host: str, port: int, user: str | None, password: str | None,
              starttls: bool, timeout: float = 30) -> None:
    """Hand the message to the mail server; every failure is one line naming the server."""
    where = f"{clean_line(host)}:{port}"
    try:
        if port == 465:
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                    context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            server.ehlo()
            if starttls and port != 465:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if user:
                server.login(user, password or "")
            server.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise FollowupError(f"{where}: the mail server does not offer STARTTLS; "
                            "`followup config smtp.starttls off` only if the network is trusted") from None
    except smtplib.SMTPAuthenticationError:
        raise FollowupError(f"{where}: the mail server refused the user name or password") from None
    except smtplib.SMTPRecipientsRefused:
        raise FollowupError(f"{where}: the mail server refused the recipient {clean_line(message['To'])}") from None
    except smtplib.SMTPException as exc:
        raise FollowupError(f"{where}: mail not sent ({clean_line(str(exc))[:120]})") from None
    except (TimeoutError, OSError) as exc:
        reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else type(exc).__name__
        raise FollowupError(f"{where}: cannot reach the mail server ({reason})") from None


def notify(summary: str, body: str) -> None:
    """A desktop notification through the session bus (notify-send); says plainly when there is none."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise FollowupError("no desktop session bus here (DBUS_SESSION_BUS_ADDRESS is not set), so no "
                            "notification can be shown; use --email, or read the digest this prints")
    program = shutil.which("notify-send")
    if program is None:
        raise FollowupError("notify-send is not installed (Debian: apt install libnotify-bin); no notification shown")
    try:
        subprocess.run([program, "--app-name=followup", clean_line(summary), clean_line(body)[:500]],
                       check=True, timeout=10, capture_output=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise FollowupError(f"the desktop notification failed ({type(exc).__name__})") from None
