"""LinkedIn `Connections.csv`.

Recent exports open with a `Notes:` preamble (a paragraph about missing emails) above the header
row, carry a UTF-8 BOM and CRLF line ends; older ones lack the `URL` column. Most emails are
empty, and members who restrict their data come out as rows without a name: those are skipped
and reported. `Connected On` is when the connection was made, not a contact date.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path

from planner.core.dates import MAX_TEXT, in_range
from planner.core.errors import BadInput
from planner.io.importers.common import (
    Columns,
    ImportRecord,
    ParseResult,
    check_last_row,
    csv_rows,
    file_error,
    find_header,
    header_key,
    one_line,
)

REQUIRED = ("First Name", "Last Name")
# the columns read, in the order `parse` unpacks them
_FIELDS = ("First Name", "Last Name", "Company", "Position", "URL", "Email Address", "E-mail Address", "Connected On")
_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")


def parse(text: str, path: Path) -> ParseResult:
    # the rows are read as the records are made, never all held at once (100,000 rows of cells
    # were most of an import's memory); a broken row further down still fails the whole file
    stream = csv_rows(text, path)
    rows = list(islice(stream, 40))
    found = find_header(rows, REQUIRED + ("Connected On",))
    if found is None:
        for _ in stream:  # a malformed row anywhere is the first thing to say, as for any file
            pass
        header = Columns(rows[0][1], rows[0][0]) if rows else Columns([], 0)
        raise file_error(path, rows[0][0] if rows else None,
                         "no LinkedIn header row (First Name, Last Name, URL, Email Address, Company, "
                         f"Position, Connected On) in the first 40 rows; columns found: {header.listing()}")
    columns, position = found
    result = ParseResult()
    last = rows[-1]
    getters = [columns.getter(name) for name in _FIELDS]
    # where each field is in a row; -1 (the "" put after the cells) for a column the file lacks
    places = [columns.index.get(header_key(name), -1) for name in _FIELDS]
    width = max(places) + 1
    own_email = places[5]
    shared: dict[str, str] = {}  # one string per company or title however many rows repeat it
    for line, row in chain(rows[position + 1 :], stream):
        last = (line, row)
        if len(row) >= width and (joined := ",".join(row)).isprintable() and "  " not in joined \
                and "'" not in joined:
            # nearly every row: no control, no run of spaces, no quote to undo, every column there;
            # `one_line` of each cell is then its strip (the same values, without a call per cell)
            cells = [cell.strip() for cell in row]
            cells.append("")
            given, family, firm, role, link, email, other, connected = [cells[place] for place in places]
            if own_email < 0 or not row[own_email]:  # as `get(...) or get(...)` reads the raw cells
                email = other
        else:
            given, family, firm, role, link = (one_line(get(row)) for get in getters[:5])
            email = one_line(getters[5](row) or getters[6](row))
            connected = one_line(getters[7](row))
        name = f"{given} {family}" if given and family else given or family
        if not name:
            result.skipped.append((line, "no name (LinkedIn leaves out members who hide their details)"))
            continue
        record = ImportRecord(
            line=line,
            name=name,
            company=shared.setdefault(firm, firm),
            title=shared.setdefault(role, role),
            url=normalize_profile_url(link),
        )
        if email:
            record.emails.append(email)
        if connected:
            record.connected_on = parse_connected_on(connected)
            if record.connected_on is None:
                result.warnings.append((line, f"Connected On {connected!r} is not a date; left empty"))
        result.records.append(record)
    ending: list[tuple[int, str]] = []
    check_last_row(text, path, [last], columns, ending)  # its note comes first, as the file's own
    result.warnings[:0] = ending
    return result


@lru_cache(maxsize=4096)  # an export has a few hundred distinct days over 100k rows; strptime is slow
def parse_connected_on(text: str) -> dt.date | None:
    """The date, or None when it is none of LinkedIn's spellings or outside the years the CLI
    takes (`in_range`)."""
    for fmt in _DATE_FORMATS:
        try:
            return in_range(dt.datetime.strptime(text[:MAX_TEXT], fmt).date())
        except (ValueError, BadInput):
            continue
    return None


_PROFILE = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?(?:www\.)?linkedin\.com/(in|pub)/([^/?#]+)", re.I)


def normalize_profile_url(url: str) -> str:
    """One spelling per profile: https://www.linkedin.com/in/slug (slug lower-cased), so the same
    person matches across exports that differ in scheme, subdomain or a trailing slash."""
    if _canonical(url):  # the form every row of a recent export has: already its own spelling
        return url
    match = _PROFILE.match(url.strip())
    if not match:
        return url.strip()
    return f"https://www.linkedin.com/{match.group(1).lower()}/{match.group(2).lower()}"


_CANONICAL = ("https://www.linkedin.com/in/", "https://www.linkedin.com/pub/")


def url_key(url: str) -> str:
    """The URL's matching key. One already in the form `normalize_profile_url` gives (every stored
    key and every row of a LinkedIn file) is its own key: that form is told by plain string tests,
    which cost far less than the regular expression on each of 100,000 rows and stored contacts."""
    if not url:
        return ""
    if _canonical(url):
        return url
    return normalize_profile_url(url).casefold()


def _canonical(url: str) -> bool:
    """Whether `url` is already in the form `normalize_profile_url` gives, told by plain string tests."""
    if url.startswith(_CANONICAL) and url.isascii() and url.islower() and not url[-1].isspace():
        slug = url[url.index("/", 25) + 1 :]  # after ".../in/" or ".../pub/"
        return bool(slug) and "/" not in slug and "?" not in slug and "#" not in slug
    return False
