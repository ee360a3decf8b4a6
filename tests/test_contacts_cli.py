"""`followup add | contacts | show | edit | archive | unarchive | config` as a person uses them."""

from __future__ import annotations

import argparse
import json

import pytest

from planner.cli import build_parser
from planner.store.models import Contact

pytestmark = pytest.mark.engines  # every test here runs on SQLite and on PostgreSQL


def contacts_json(cli, *args):
    result = cli("contacts", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_add_with_every_field_and_read_it_back(cli):
    result = cli("add", "Maria Schmidt", "--company", "Hooli", "--title", "Head of Talent",
                 "--email", "maria@hooli.example", "--email", "m.schmidt@gmail.example",
                 "--phone", "+49 30 1234567", "--tag", "Client", "--tag", "vip", "--kind", "client",
                 "--every", "quarterly", "--tz", "Europe/Berlin", "--note", "Prefers mornings", "--json")
    assert result.code == 0, result.err
    maria = json.loads(result.out)
    assert {k: maria[k] for k in ("name", "company", "title", "emails", "phones", "tags", "kind",
                                  "cadence_days", "timezone", "notes", "archived", "last_contacted")} == {
        "name": "Maria Schmidt", "company": "Hooli", "title": "Head of Talent",
        "emails": ["maria@hooli.example", "m.schmidt@gmail.example"], "phones": ["+49 30 1234567"],
        "tags": ["client", "vip"], "kind": "client", "cadence_days": 91, "timezone": "Europe/Berlin",
        "notes": "Prefers mornings", "archived": False, "last_contacted": None}
    assert {"id", "next_call", "balance"} <= maria.keys()
    shown = cli("show", "maria", "--json")
    assert json.loads(shown.out)["id"] == maria["id"]


def test_default_and_tag_cadences(cli):
    cli("add", "Ann")
    assert contacts_json(cli)[0]["cadence_days"] == 182  # twice a year by default
    assert cli("config", "default_cadence", "4/y").code == 0
    cli("config", "tag.vip", "monthly")
    cli("config", "tag.client", "weekly")
    cli("add", "Bob", "--tag", "vip", "--tag", "client")
    cli("add", "Cid", "--tag", "vip", "--every", "yearly")
    cli("add", "Dee", "--every", "none")
    by_name = {c["name"]: c for c in contacts_json(cli)}
    assert by_name["Ann"]["cadence_days"] == 91
    assert (by_name["Bob"]["cadence_days"], by_name["Bob"]["cadence_from"]) == (7, "tag:client")  # shortest wins
    assert by_name["Cid"]["cadence_days"] == 365  # own cadence beats tags
    assert by_name["Dee"]["cadence_days"] is None
    cli("edit", "Cid", "--default-cadence")
    assert {c["name"]: c for c in contacts_json(cli)}["Cid"]["cadence_days"] == 30


def test_search_is_case_and_accent_insensitive_over_all_fields(cli):
    cli("add", "Zoë Ångström", "--company", "Initech")
    cli("add", "Bob Stone", "--email", "bob@globex.example", "--tag", "python")
    cli("add", "Cy Young", "--note", "met at PyCon Berlin")
    names = lambda *a: [c["name"] for c in contacts_json(cli, *a)]  # noqa: E731
    assert names("--search", "zoe ANGSTROM") == ["Zoë Ångström"]
    assert names("--search", "initech") == ["Zoë Ångström"]
    assert names("--search", "globex") == ["Bob Stone"]
    assert names("--search", "berlin") == ["Cy Young"]
    assert names("--tag", "Python") == ["Bob Stone"]
    assert names("--search", "nobody") == []


def test_edit_tags_and_fields(cli):
    cli("add", "Ann", "--tag", "a", "--tag", "b")
    assert cli("edit", "Ann", "--add-tag", "c", "--remove-tag", "a", "--title", "CTO").code == 0
    ann = contacts_json(cli)[0]
    assert (ann["tags"], ann["title"]) == (["b", "c"], "CTO")
    cli("edit", "Ann", "--name", "Ann Lee", "--email", "ann@lee.example")
    ann = contacts_json(cli)[0]
    assert (ann["name"], ann["emails"], ann["tags"]) == ("Ann Lee", ["ann@lee.example"], ["b", "c"])


def test_archive_and_unarchive(cli):
    cli("add", "Ann")
    cli("add", "Bob")
    assert cli("archive", "Ann").code == 0
    assert [c["name"] for c in contacts_json(cli)] == ["Bob"]
    assert [c["name"] for c in contacts_json(cli, "--archived")] == ["Ann"]
    assert cli("unarchive", "Ann").code == 0
    assert [c["name"] for c in contacts_json(cli)] == ["Ann", "Bob"]


def test_contact_by_id_exact_name_or_unique_part(cli):
    cli("add", "Maria Schmidt")
    cli("add", "Maria Schneider")
    cli("add", "Maria")
    assert "Maria Schmidt" in cli("show", "1").out
    assert "Maria Schneider" in cli("show", "schnei").out
    assert json.loads(cli("show", "MARIA", "--json").out)["id"] == 3  # exact name wins
    ambiguous = cli("show", "maria s")
    assert ambiguous.code == 2
    assert "Maria Schmidt" in ambiguous.err and "Maria Schneider" in ambiguous.err
    missing = cli("show", "zed")
    assert missing.code == 2 and "no contact matches" in missing.err


def count_contacts(cli) -> int:
    return cli.read(lambda: Contact.select().count())


def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli):
    cli("add", "Ann")
    cases = [
        (("add", "Bob", "--every", "sometimes"), "cadence"),
        (("add", "Bob", "--kind", "boss"), "kind"),
        (("add", "Bob", "--tz", "Mars/Olympus"), "time zone"),
        (("add", "Bob", "--email", "not-an-address"), "email"),
        (("add", "   "), "name"),
        (("config", "horizon", "lots"), "whole number"),
        (("config", "colour", "red"), "unknown setting"),
        (("edit", "Ann", "--every", "2/x"), "cadence"),
    ]
    for argv, word in cases:
        result = cli(*argv)
        assert result.code == 2, argv
        assert word in result.err and result.err.count("\n") == 1 and "Traceback" not in result.err, argv
    assert count_contacts(cli) == 1


def test_usage_errors_exit_2(cli):
    result = cli("add")
    assert result.code == 2 and "NAME" in result.err
    assert cli("frobnicate").code == 2


def test_hostile_names_are_stored_exactly_and_shown_literally(cli):
    names = ["[bold]x[/]", "=SUM(A1)", "Eve\x1b[2J\x1b]0;pwned\x07"]
    for name in names:
        assert cli("add", name).code == 0
    stored = sorted(c["name"] for c in contacts_json(cli))
    assert stored == sorted(names)  # JSON for scripts carries the exact text
    listing = cli("contacts").out
    assert "[bold]x[/]" in listing and "=SUM(A1)" in listing
    assert "\x1b" not in listing and "\x07" not in listing  # nothing a terminal would act on
    assert "\x1b" not in cli("show", "Eve").out


def test_config_lists_and_reads_settings(cli):
    listing = cli("config")
    assert listing.code == 0 and "default_cadence" in listing.out and "workdays" in listing.out
    cli("config", "workdays", "mon,wed,fri")
    assert json.loads(cli("config", "workdays", "--json").out) == {"workdays": ["mon", "wed", "fri"]}
    assert cli("config", "workdays", "funday").code == 2


def test_a_bad_setting_is_refused_naming_the_setting_and_the_old_value_stays(cli):
    assert cli("config", "timezone", "Europe/Berlin").code == 0
    for argv, said in [(("timezone", "Mars/Olympus"), "timezone: time zone 'Mars/Olympus' unknown"),
                       (("horizon", "lots"), "horizon: expected a whole number from 7 to 730, got 'lots'"),
                       (("tolerance", "2"), "tolerance: expected a fraction from 0 to 0.5, got 2.0"),
                       (("workdays", "funday"), "followup: workdays: expected names like")]:
        result = cli("config", *argv)
        assert result.code == 2 and said in result.err and result.err.count("\n") == 1, argv
    assert json.loads(cli("config", "timezone", "--json").out) == {"timezone": "Europe/Berlin"}
    assert cli("config", "timezone", "").code == 0  # unset again: the system's zone


def test_listing_sorts_accented_names_with_their_letter_and_aligns_wide_characters(cli):
    for name in ("Zed", "Ève Martin", "Adam", "李 伟"):
        cli("add", name, "--company", "阿里巴巴" if name == "李 伟" else "Acme")
    assert [c["name"] for c in contacts_json(cli)][:3] == ["Adam", "Ève Martin", "Zed"]
    from planner.cli.common import display_width

    lines = [line for line in cli("contacts").out.splitlines() if "Acme" in line or "阿里巴巴" in line]
    starts = {display_width(line[: line.index("阿里巴巴" if "阿里巴巴" in line else "Acme")]) for line in lines}
    assert len(starts) == 1  # the company column starts at the same terminal column on every row


def test_a_name_is_found_among_many_as_typed_with_its_accents_or_without(cli):
    for name in ("Zoë Ångström", "Zoe Angstrom Jr", "Ann_Lee", "AnnXLee", "Ève Dubois", "Eve Dubois"):
        assert cli("add", name).code == 0
    shown = lambda text: json.loads(cli("show", text, "--json").out)["name"]  # noqa: E731
    assert shown("zoe ANGSTROM") == "Zoë Ångström"  # exact (folded) beats the longer name containing it
    assert shown("angstrom jr") == "Zoe Angstrom Jr"  # a part of one name only
    assert shown("ann_l") == "Ann_Lee"  # `_` is a letter here, not LIKE's wildcard
    assert cli("show", "ann%").code == 2
    both = cli("show", "eve dubois")  # two exact matches once folded: ask, by id
    assert both.code == 2
    assert both.err.index("5 Ève Dubois") < both.err.index("6 Eve Dubois")
    assert cli("archive", "6").code == 0
    assert shown("eve dubois") == "Ève Dubois"  # the one still active
    assert cli("log", "Ève", "a note", "--kind", "note").code == 0  # a part of two names, one of them archived


def test_a_renamed_contact_is_found_by_its_new_name_only(cli):
    cli("add", "Maria Schmidt")
    assert cli("edit", "Maria Schmidt", "--name", "Maria Weber").code == 0
    assert json.loads(cli("show", "maria weber", "--json").out)["name"] == "Maria Weber"
    assert "no contact matches" in cli("show", "maria schmidt").err


def test_edit_with_nothing_to_change_says_what_it_takes(cli):
    """As edit-log does: `edit Ann` alone changes nothing, and says which options would."""
    cli.ok("add", "Ann", "--company", "Acme")
    before = cli.ok("show", "Ann", "--json")
    result = cli("edit", "Ann")
    assert result.code == 2 and result.err.startswith("followup: edit: nothing to change; give --name")
    (edit,) = [p for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
               for name, p in a.choices.items() if name == "edit"]
    options = {o for a in edit._actions for o in a.option_strings if o.startswith("--")}
    options -= {"--help", "--db", "--today", "--strict", "--json", "--no-prefers-email"}
    assert {o for o in options if o not in result.err} == set()
    assert cli.ok("show", "Ann", "--json") == before
    assert cli("edit", "Ann", "--default-cadence").code == 0
    assert json.loads(cli.ok("edit", "Ann", "--no-prefers-email", "--json"))["company"] == "Acme"
