"""Remember what matters to them: facts added by hand or as `#fact` lines in a logged note, shown
with the contact, kept once, carried over by a merge."""

from __future__ import annotations

import json


def _ok(result):
    assert result.code == 0, result.err
    return result


def test_facts_by_hand_and_from_notes(cli):
    _ok(cli("add", "Maria Schmidt"))
    _ok(cli("fact", "add", "maria", "kids: Ana, 7"))
    _ok(cli("log", "maria", "catch-up", "--notes", "Talked about Q1.\n#fact runs the Berlin marathon\n"
            "#fact: kids: Ana, 7\nnot a #fact line"))
    facts = json.loads(_ok(cli("fact", "list", "maria", "--json")).out)
    assert [f["text"] for f in facts] == ["kids: Ana, 7", "runs the Berlin marathon"]
    shown = _ok(cli("show", "maria")).out
    assert "remember  kids: Ana, 7" in shown and "runs the Berlin marathon" in shown
    bad = cli("fact", "add", "maria", "   ")
    assert bad.code == 2 and "fact: empty" in bad.err
    _ok(cli("fact", "remove", str(facts[0]["id"])))
    assert [f["text"] for f in json.loads(_ok(cli("fact", "list", "maria", "--json")).out)] == [
        "runs the Berlin marathon"]


def test_merge_carries_facts_over(cli):
    _ok(cli("add", "Maria Schmidt", "--company", "Hooli"))
    _ok(cli("add", "maria schmidt", "--company", "Hooli"))
    _ok(cli("fact", "add", "1", "vegetarian"))
    _ok(cli("fact", "add", "2", "vegetarian"))
    _ok(cli("fact", "add", "2", "plays cello"))
    _ok(cli("merge", "1", "2"))
    assert [f["text"] for f in json.loads(_ok(cli("fact", "list", "1", "--json")).out)] == [
        "vegetarian", "plays cello"]
