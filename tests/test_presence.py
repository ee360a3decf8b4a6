"""Be present: after three written touches in a row the agenda says "only emails since March:
call them"; a call that reaches them ends it, a missed call does not, "prefers email" silences
it, and `contacts --json` carries the live share and the last live touch."""

from __future__ import annotations

import json


def _ok(result):
    assert result.code == 0, result.err
    return result


def _nudge(cli) -> str:
    data = json.loads(_ok(cli("agenda", "--from", "2026-11-25", "--to", "2026-12-31", "--format", "json")).out)
    items = data["overdue"] + [i for day in data["days"] for i in day["items"] if i["kind"] == "call"]
    assert items, "Maria has a call on the agenda"
    return items[0]["nudge"]


def _maria(cli) -> dict:
    return next(c for c in json.loads(_ok(cli("contacts", "--json")).out) if c["name"] == "Maria Schmidt")


def test_the_nudge_comes_after_three_written_touches_and_goes_after_a_call(cli):
    _ok(cli("add", "Maria Schmidt", "--every", "monthly"))
    _ok(cli("log", "maria", "catch-up", "--at", "2026-02-10 10:00"))
    _ok(cli("log", "maria", "sent the brief", "--kind", "email", "--at", "2026-03-02 10:00"))
    _ok(cli("log", "maria", "follow-up", "--kind", "email", "--at", "2026-05-04 10:00"))
    assert _nudge(cli) == ""  # two written touches: not yet
    _ok(cli("log", "maria", "texted", "--kind", "message", "--at", "2026-11-02 10:00"))
    assert _nudge(cli) == "only emails and messages since March: call them"
    text = _ok(cli("agenda", "--from", "2026-11-25", "--to", "2026-12-31")).out
    assert "be present: only emails and messages since March: call them" in text
    assert _maria(cli)["live_share"] == 0.25 and _maria(cli)["last_live"].startswith("2026-02-10")
    # a missed call is an attempt, not a live touch: the nudge stays
    _ok(cli("log", "maria", "--outcome", "no-answer", "--at", "2026-11-24 10:00"))
    assert _nudge(cli) == "only emails and messages since March: call them"
    _ok(cli("log", "maria", "good talk", "--at", "2026-11-25 09:00"))
    assert _nudge(cli) == ""
    maria = _maria(cli)
    assert maria["live_share"] == 0.4 and maria["last_live"].startswith("2026-11-25")


def test_prefers_email_silences_it(cli):
    _ok(cli("add", "Jonas Weber", "--every", "monthly"))
    for day in ("2025-12-01", "2026-01-05", "2026-02-02"):
        _ok(cli("log", "jonas", "mail", "--kind", "email", "--at", f"{day} 10:00"))
    data = json.loads(_ok(cli("agenda", "--from", "2026-11-25", "--to", "2026-11-25", "--format", "json")).out)
    assert data["overdue"] + data["days"][0]["items"]
    item = (data["overdue"] + data["days"][0]["items"])[0]
    assert item["nudge"] == "only emails since December 2025: call them"
    _ok(cli("edit", "jonas", "--prefers-email"))
    data = json.loads(_ok(cli("agenda", "--from", "2026-11-25", "--to", "2026-11-25", "--format", "json")).out)
    assert [i["nudge"] for i in data["overdue"] + data["days"][0]["items"]] == [""]
    shown = json.loads(_ok(cli("show", "jonas", "--json")).out)
    assert shown["prefers_email"] is True and shown["live_share"] == 0.0 and shown["last_live"] is None
    _ok(cli("edit", "jonas", "--no-prefers-email"))
    assert json.loads(_ok(cli("show", "jonas", "--json")).out)["prefers_email"] is False


def test_a_file_from_before_the_flag_gains_it_unset(tmp_path):
    from planner.store import migrations
    from planner.store.connect import open_database
    from planner.store.database import close_database, db

    path = tmp_path / "old.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=9)
    db.execute_sql("ALTER TABLE contact DROP COLUMN prefers_email")  # as version 9 files have it
    db.execute_sql("INSERT INTO contact (name, company, title, kind, no_cadence, timezone, notes, source, "
                   "external_key, search_text, created_at, updated_at) VALUES ('Old Friend', '', '', 'friend', "
                   "0, '', '', 'manual', '', 'old friend', '2020-01-01', '2020-01-01')")
    close_database()
    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    assert db.execute_sql("SELECT name, prefers_email FROM contact").fetchall() == [("Old Friend", 0)]
