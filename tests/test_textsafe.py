"""User text is data: terminal controls neutralised for display, CSV formulas defused."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.core.textsafe import clean_block, clean_line, csv_safe, fold, strip_controls

HOSTILE = "Eve\x1b[2J\x1b]0;pwned\x07 \u202eevil\x9b31m"


def test_clean_line_leaves_no_control_or_bidi_character():
    shown = clean_line(HOSTILE)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "\u202e" not in shown
    assert shown.startswith("Eve\u241b[2J")  # ESC shown as a visible stand-in


def test_clean_block_keeps_lines_but_not_escapes():
    assert clean_block("one\r\ntwo\x1b[1m") == "one\ntwo\u241b[1m"


def test_markup_looking_text_is_untouched():
    assert clean_line("[bold]x[/] [link=file:///etc/passwd]y") == "[bold]x[/] [link=file:///etc/passwd]y"


def test_strip_controls_for_imported_values():
    assert strip_controls("  Ann\x00a\x1b \n") == "Anna"


def test_csv_cells_that_start_like_formulas_are_quoted():
    for cell in ("=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"):
        assert csv_safe(cell).startswith("'")
    assert csv_safe("Maria") == "Maria"
    assert csv_safe(None) == ""


def test_fold_is_case_and_accent_insensitive():
    assert fold("Zoë ÅNGSTRÖM") == fold("zoe angstrom")
    assert fold("Łódź Ørsted ǅ ﬁ") == "łodz ørsted dz fi"  # letters that are no accent stay


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("Cafe\u0301\u034f\u20dd")  # a mark of the Latin block, the joiner that is none, a mark past the block
def test_fold_is_the_case_folded_decomposition_without_its_combining_marks(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c))


def test_json_for_scripts_is_exact_yet_harmless_on_a_terminal():
    import json

    from planner.core.textsafe import json_text

    value = {"name": "Eve\x1b[2J\x9b31m\u202eevil\x7f"}
    text = json_text(value)
    assert json.loads(text) == value
    assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text)


def test_json_records_escape_what_a_terminal_obeys_and_keep_the_rest_as_written():
    import json

    from planner.core.textsafe import json_records

    records = [{"name": "Ève Åberg"}, {"name": "Zoë\u2066x\u2069"}, {"name": "Ann\x85"}, {"name": "Bo\x7f"}]
    text = "".join(json_records(records))
    assert json.loads(text) == records
    assert '"Ève Åberg"' in text  # printable letters stay letters
    assert "\\u2066" in text and "\\u2069" in text and "\\u0085" in text and "\\u007f" in text
    assert not any(0x7F <= ord(c) <= 0x9F or c in "\u2066\u2069" for c in text)
