"""Plain tables line up on a terminal whatever the names: wide characters take two columns,
combining accents none, and a cut cell ends in an ellipsis at exactly its column's width."""

from __future__ import annotations

from planner.cli.common import display_width, fit, print_table


def test_display_width_counts_terminal_columns():
    assert display_width("Maria") == 5
    assert display_width("東京") == 4
    assert display_width("Zoe\u0308") == 3  # e + combining diaeresis
    assert display_width("Zoë") == 3


def test_fit_cuts_and_pads_to_the_column():
    assert fit("Maria Schmidt", 8) == "Maria S…"
    assert fit("東京東京東京", 8) == "東京東… "  # a wide character never straddles the edge
    assert fit("Zoe\u0308 Ångström", 6) == "Zoe\u0308 Å…"
    assert fit("Ann", 6) == "Ann   "
    for text in ("Maria Schmidt", "東京東京東京", "Zoe\u0308 Ångström", "Ann"):
        assert display_width(fit(text, 7)) == 7


def test_rows_line_up_with_wide_and_accented_names(capsys):
    rows = [(1, "東京 Tanaka", "Hooli"), (2, "Zoe\u0308 Ångström", "Initech"), (3, "Bob", "A\x1b[2J")]
    print_table(("id", "name", "company"), rows, max_width=80)
    header, *lines = capsys.readouterr().out.splitlines()
    columns = [display_width(line[: line.index(word)]) for line, word in
               zip([header, *lines], ["company", "Hooli", "Initech", "A"], strict=True)]
    assert len(set(columns)) == 1, columns
    assert "\x1b" not in "".join(lines)
