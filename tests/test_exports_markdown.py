"""Markdown escaping, checked with a real CommonMark parser: any name reads back literally."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from planner.core.textsafe import clean_line
from planner.io.exports.markdown import agenda_markdown, md_escape
from planner.services.agenda import Agenda, AgendaItem

PARSER = MarkdownIt("commonmark").enable(["strikethrough", "table"])
TEXT = st.text(alphabet=st.sampled_from(string.ascii_letters + string.punctuation + " éß€\x1b\x07\u202e"),
               min_size=1, max_size=40)


def _inline_text(tokens) -> str:
    """The literal text a renderer would show, with any markup it recognised made visible."""
    out = []
    for token in tokens:
        if token.children:
            out.append(_inline_text(token.children))
        elif token.type == "text":
            out.append(token.content)
        elif token.type == "code_inline":
            out.append(f"<code:{token.content}>")
        elif token.type.endswith("_open") or token.type.endswith("_close") or token.type in ("html_inline", "image"):
            out.append(f"<{token.type}>")
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_escaped_text_parses_back_to_itself(text):
    assert _inline_text(PARSER.parseInline(md_escape(text))) == clean_line(text)


@settings(max_examples=60, deadline=None)
@given(TEXT.map(str.strip).filter(bool), TEXT)
def test_a_call_sheet_line_keeps_name_and_company_literal(name, company):
    item = AgendaItem(date=dt.date(2026, 11, 26), kind="call", reason="cadence", contact_id=1, name=name,
                      company=company)
    agenda = Agenda(start=item.date, end=item.date, today=item.date, days=[(item.date, [item])])
    tokens = PARSER.parse(agenda_markdown(agenda))
    line = next(t for t in tokens if t.type == "inline" and t.content.startswith("[ ]"))
    shown = _inline_text(line.children)
    assert shown.startswith(f"[ ] <strong_open>Call {clean_line(name)}<strong_close> ({clean_line(company)})")
