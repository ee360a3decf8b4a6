"""The README's recipe for a desk on one PostgreSQL server, run as written against the test
session's server: the administrator's shell lines (createuser, createdb, psql -c) become the same
statements through psycopg, and every `followup` line runs as it is, on this server."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.engines("postgresql")

README = Path(__file__).resolve().parents[1] / "README.md"


def recipe() -> list[list[str]]:
    """The lines of the sh blocks of the README's section on a desk on a server, as words."""
    section = README.read_text().split("### A desk on one PostgreSQL server", 1)[1].split("\n### ", 1)[0]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            for part in line.split(" ; "):
                if part.strip():
                    lines.append(shlex.split(part))
    return lines


def test_the_readme_recipe_sets_up_a_desk_and_moves_a_file_onto_it(pg_cluster, cli, tmp_path, monkeypatch):
    suffix = re.search(r"@/(\w+)\?", str(cli.db)).group(1)  # roles are the server's: unique per test
    names: dict[str, str] = {}

    def named(word: str) -> str:
        for plain in ("desk_admin", "mia", "jonas", "desk"):
            word = re.sub(rf"\b{plain}\b", lambda m: names.setdefault(m.group(0), f"{m.group(0)}_{suffix}"), word)
        return word

    def url(uri: str) -> str:
        user, database = re.match(r"postgresql://(\w+)@localhost/(\w+)", uri).groups()
        return pg_cluster.url(named(database), user=named(user))

    personal = tmp_path / "mine" / "followup.db"
    cli.ok("add", "Maria Schmidt", "--company", "Hooli", db=personal)
    cli.ok("log", "maria", "met at the fair", db=personal)
    member_db = None
    ran = 0
    for words in recipe():
        ran += 1
        if words[:3] == ["sudo", "-u", "postgres"]:
            tool, rest = words[3], words[4:]
            with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as admin:
                if tool == "createuser":
                    admin.execute(f'CREATE ROLE "{named(rest[0])}" LOGIN')
                elif tool == "createdb":
                    owner, database = rest[rest.index("-O") + 1], rest[-1]
                    admin.execute(f'CREATE DATABASE "{named(database)}" OWNER "{named(owner)}"')
                else:
                    assert tool == "psql", words
                    target = rest[0] if rest[0] != "-c" else "postgres"
                    statements = [rest[i + 1] for i, word in enumerate(rest) if word == "-c"]
                    with psycopg.connect(pg_cluster.url(named(target) if target != "postgres" else target),
                                         autocommit=True) as conn:
                        for sql in statements:
                            conn.execute(named(sql))
        elif words[0] == "export":
            member_db = url(words[1].split("=", 1)[1])
        elif words[0] == "followup":
            args = words[1:]
            if args[:1] == ["--db"]:
                db, args = url(args[1]), args[2:]
            else:
                db = member_db or personal
            args = [url(a) if a.startswith("postgresql://") else named(a) for a in args]
            if args[0] == "migrate-to" and not args[1].startswith("postgresql"):
                args[1] = str(tmp_path / "back.db")
            result = cli(*args, db=db)
            assert result.code == 0, (words, result.err)
        else:
            raise AssertionError(f"a line the test does not know how to run: {words}")
    assert ran >= 10

    mia = pg_cluster.url(named("desk"), user=named("mia"))
    jonas = pg_cluster.url(named("desk"), user=named("jonas"))
    assert [m["name"] for m in json.loads(cli.ok("team", "list", "--json", db=mia))] == ["Jonas Weber", "Mia Example"]
    assert cli.ok("whoami", db=jonas).startswith("Jonas Weber")
    # Mia's file is on the server, and her private note is hers even against the tables' owner
    assert {h["summary"] for h in json.loads(cli.ok("history", "maria", "--json", db=mia))} == \
        {"met at the fair", "Offer: 95k"}
    for other in (jonas, pg_cluster.url(named("desk"), user=named("desk_admin"))):
        assert {h["summary"] for h in json.loads(cli.ok("history", "maria", "--json", db=other))} == \
            {"met at the fair", ""}
    assert json.loads(cli.ok("history", "maria", "--json", db=tmp_path / "back.db"))[0]["summary"] == "Offer: 95k"
