"""Real client vCards (the import corpus: Android 2.1 with quoted-printable, Apple 3.0 with
item groups and a photo, 4.0) on the server, pulled, edited in followup and pushed back: every
line of each card other than the edited field is still there, byte for byte as the server had it."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.io.importers import vcard
from planner.services.contacts import ContactFields, edit_contact, list_contacts
from planner.store.connect import open_database
from planner.store.database import close_database
from tests.sync.helpers import PASSWORD, report, sync

CORPUS = Path(__file__).parent.parent / "fixtures" / "import"


def _cards(name: str) -> list[str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    cards, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        current.append(line)
        if line.strip().upper() == "END:VCARD":
            cards.append("\r\n".join(current).strip() + "\r\n")
            current = []
    return cards


def _logical(text: str) -> set[str]:
    return {line for _, line in vcard.logical_lines(text)}


@pytest.mark.parametrize("corpus", ["android_v21.vcf", "apple_v30.vcf", "modern_v40.vcf"])
def test_corpus_cards_keep_everything_through_a_round_trip(cli, phone, tmp_path, monkeypatch, corpus):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    url = phone.make_addressbook()
    stored = 0
    for number, card in enumerate(_cards(corpus)):
        if "\nUID" not in card.upper():  # files exported from a phone lack the UID every server card has
            card = card.replace("\r\n", f"\r\nUID:corpus-{number}\r\n", 1)
        response = phone.session.put(f"{url}card{number}.vcf", data=card.encode(),
                                     headers={"Content-Type": "text/vcard"})
        stored += response.status_code in (201, 204)
    # Radicale refuses some of the Android file's deliberately broken cards (bad bytes in a
    # quoted-printable value): a server never holds those, so the round trip is of what it took
    assert stored >= (2 if corpus == "android_v21.vcf" else len(_cards(corpus))), (corpus, stored)
    before = phone.items(url)
    db = tmp_path / "f.db"
    first = sync(cli, db, "contacts", url)
    assert first.code == 0, first.err
    open_database(db)
    people = list_contacts()
    assert len(people) == len(before)
    for view in people:
        edit_contact(view.id, ContactFields(title="Edited in followup"))
    close_database()
    second = report(sync(cli, db, "contacts", url))[0]
    assert sum(c["side"] == "server" and c["action"] == "updated" for c in second["changes"]) == len(before)
    after = phone.items(url)
    assert set(after) == set(before)
    for href, text in before.items():
        kept = {line for line in _logical(text) if not line.upper().startswith(("TITLE", "REV"))}
        missing = kept - _logical(after[href])
        assert not missing, (href, missing)
        assert "TITLE:Edited in followup" in after[href]
