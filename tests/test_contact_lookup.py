"""Finding a contact by a few typed letters (the app's "go to contact…"), on both engines: every
word, accents and case folded; letters in order when no word matches; archived people left out;
at most the limit asked for; an empty database said so."""

from __future__ import annotations

import pytest

from planner.services.contact_lookup import database_is_empty, find_contacts
from planner.services.contacts import ContactFields, add_contact, set_archived

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def test_names_found_by_words_letters_and_accents(db_path):
    assert database_is_empty()
    assert find_contacts("anyone") == []
    zoe = add_contact(ContactFields(name="Zoë Ångström", company="Globex", title="Partner",
                                    emails=["zoe@globex.example"]))
    add_contact(ContactFields(name="Maria Schmidt", company="Hooli", title="Head of Talent"))
    twin = add_contact(ContactFields(name="Maria Schmidt", company="Initech", title="Recruiter"))
    gone = add_contact(ContactFields(name="Maria Gone", company="Hooli"))
    set_archived(gone.id, True)
    assert not database_is_empty()

    assert [(c.name, c.company) for c in find_contacts("MARIA")] == [("Maria Schmidt", "Hooli"),
                                                                     ("Maria Schmidt", "Initech")]
    assert [c.name for c in find_contacts("zoe ang")] == ["Zoë Ångström"]
    assert find_contacts("zoe")[0].emails == ["zoe@globex.example"]
    assert [c.name for c in find_contacts("zngst")] == ["Zoë Ångström"]  # letters in order
    assert [c.id for c in find_contacts("schmidt initech")] == [twin.id]  # company words count
    assert find_contacts("maria", limit=1)[0].name == "Maria Schmidt"
    assert find_contacts("%_") == [] and find_contacts("  ") == []
    assert zoe.id in {c.id for c in find_contacts("globex")}
