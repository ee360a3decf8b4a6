"""Merging two contacts who both have a card on the server, against the real Radicale: the card of
the one merged away is offered for deletion (applied with --prune), and `merge --undo` links it
to that contact again, so the next sync does not push the card a second time."""

from __future__ import annotations

import pytest

from tests.sync.helpers import PASSWORD, report, sync


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)


def test_merge_and_undo_keep_the_cards_on_the_server_in_step(cli, phone, tmp_path):
    db = tmp_path / "f.db"
    assert cli("add", "Maria Schmidt", "--company", "Hooli", "--email", "maria@hooli.example", db=db).code == 0
    assert cli("add", "Maria Schmidt", "--company", "Hooli", "--email", "m.schmidt@mail.example", db=db).code == 0
    url = phone.make_addressbook()
    assert sync(cli, db, "contacts", url).code == 0
    assert len(phone.hrefs(url)) == 2

    assert cli("merge", "1", "2", db=db).code == 0
    merged = report(sync(cli, db, "contacts", url))[0]
    assert sorted((c["side"], c["action"], c["detail"]) for c in merged["changes"]) == [
        ("followup", "archived", "run with --prune to delete its card on the server"),
        ("server", "updated", "emails")]  # the kept card gains the second address
    assert len(phone.hrefs(url)) == 2

    assert cli("merge", "--undo", db=db).code == 0
    after = report(sync(cli, db, "contacts", url))[0]
    # the kept card gives the address back; the other card is hers again: nothing added or offered
    assert [(c["side"], c["action"], c["detail"]) for c in after["changes"]] == [("server", "updated", "emails")]
    assert len(phone.hrefs(url)) == 2
    assert report(sync(cli, db, "contacts", url))[0]["changes"] == []
