"""`followup remind`: the digest printed, mailed through a real SMTP server (aiosmtpd on
127.0.0.1) once a day, and the notification refused plainly where there is no session bus."""

from __future__ import annotations

import email
import email.policy
import json
import socket

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from planner.io.demo import build_demo
from planner.store.connect import open_database
from planner.store.database import close_database


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.db"
    open_database(path)
    build_demo(contacts=60)
    close_database()
    return path


def test_the_digest_prints_in_each_format(cli, demo_db):
    text = cli("remind", db=demo_db)
    assert text.code == 0 and "Agenda for" in text.out
    data = json.loads(cli("remind", "--format", "json", db=demo_db).out)
    assert data["start"] == data["end"] == "2026-11-25"
    assert cli("remind", "--format", "md", db=demo_db).out.startswith("#")


def test_the_digest_is_mailed_once_a_day_with_text_html_and_the_ics(cli, demo_db, smtp_server):
    inbox, port = smtp_server
    for key, value in (("smtp.host", "127.0.0.1"), ("smtp.port", str(port)), ("smtp.starttls", "off"),
                       ("smtp.from", "followup@desk.example")):
        assert cli("config", key, value, db=demo_db).code == 0
    sent = cli("remind", "--email", "me@desk.example", db=demo_db)
    assert sent.code == 0, sent.err
    assert "mailed today's digest" in sent.out
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert inbox.envelopes[0] == ("followup@desk.example", ["me@desk.example"])
    assert message["Subject"].startswith("followup 2026-11-25: ")
    plain = message.get_body(("plain",)).get_content()
    assert "Agenda for" in plain
    assert "<pre>" in message.get_body(("html",)).get_content()
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "followup-2026-11-25.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    assert list(calendar.walk("VEVENT"))

    again = cli("remind", "--email", "me@desk.example", db=demo_db)
    assert again.code == 0 and "already mailed" in again.out
    assert len(inbox.messages) == 1
    forced = cli("remind", "--email", "me@desk.example", "--force", db=demo_db)
    assert forced.code == 0 and len(inbox.messages) == 2


def test_an_unreachable_mail_server_is_one_line_and_nothing_is_marked_sent(cli, demo_db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for key, value in (("smtp.host", "127.0.0.1"), ("smtp.port", str(port)), ("smtp.from", "f@desk.example")):
        assert cli("config", key, value, db=demo_db).code == 0
    failed = cli("remind", "--email", "me@desk.example", db=demo_db)
    assert failed.code == 1 and len(failed.err.strip().splitlines()) == 1
    assert "cannot reach the mail server" in failed.err
    open_database(demo_db)
    from planner.sync.remind import already_sent
    from tests.conftest import FIXED_TODAY

    assert not already_sent(FIXED_TODAY, "email", "me@desk.example")
    close_database()


def test_notify_says_plainly_when_there_is_no_session_bus(cli, demo_db, monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    result = cli("remind", "--notify", db=demo_db)
    assert result.code == 1 and "no desktop session bus" in result.err


def test_a_header_injection_in_the_address_is_refused(cli, demo_db):
    result = cli("remind", "--email", "me@desk.example\nBcc: all@example.com", db=demo_db)
    assert result.code == 2 and "does not look like one mail address" in result.err
