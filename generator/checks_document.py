"""Document control: the published address, and the dates of each controlled document.

The base URL is printed as QR codes on emergency cards and a date on every role sheet; a
review date decides the overdue-review warning.  These are the values a typo makes
plausible-looking and wrong for years.  Codes E204, E209 and W901.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from generator.findings import Finding
from generator.model import Document, Handbook, Procedure, Role
from generator.positions import Path, dotted

_WEB_URL = re.compile(r"^https?://[^\s/?#<>\"'`]+(/[^\s<>\"'`]*)?$")


def base_url(book: Handbook) -> Iterator[Finding]:
    """The published address becomes the site's URL and the QR codes on printed cards.

    Anything but a plain http(s) address (javascript:, a relative path, spaces) would make a
    card that sends staff nowhere, or MkDocs refuse the build.
    """
    meta = book.meta
    url = meta.base_url if meta else None
    if meta is not None and url is not None and not _WEB_URL.match(url):
        yield Finding.at(
            meta.where("base_url"),
            "E204",
            f"base_url '{url[:80]}' is not a web address; write it as https://host/path/",
        )


# --- document control --------------------------------------------------------------------


#: No document of a property-management office in China is in force before this.
EARLIEST = dt.date(1980, 1, 1)
#: How far ahead a version may come into force.
AHEAD_YEARS = 5


def plausible_dates(book: Handbook, today: dt.date) -> Iterator[Finding]:
    """Dates a person could have meant: a review done by today, a version in force since 1980.

    `reviewed: 9999-12-31` would silence the overdue-review warning for good, and a year
    typed 1900 or 2206 would print on every role sheet.
    """
    latest = today + dt.timedelta(days=round(365.25 * AHEAD_YEARS))
    dated: list[tuple[Document, Path, dt.date, str]] = []
    if book.meta:
        dated.append((book.meta, ("effective",), book.meta.effective, "effective"))
    for controlled in _controlled(book):
        dated.append((controlled, ("document", "effective"), controlled.document.effective, "effective"))
        dated.append((controlled, ("document", "reviewed"), controlled.document.reviewed, "reviewed"))
    for doc, path, date, kind in dated:
        if date < EARLIEST:
            yield Finding.at(
                doc.where(*path), "E209", f"{dotted(path)} is {date}, before {EARLIEST.year}; correct the year"
            )
        elif kind == "reviewed" and date > today + dt.timedelta(days=1):
            yield Finding.at(
                doc.where(*path),
                "E209",
                f"{dotted(path)} is {date}, after today ({today}); a review date is the day the review was done",
            )
        elif date > latest:
            yield Finding.at(
                doc.where(*path),
                "E209",
                f"{dotted(path)} is {date}, more than {AHEAD_YEARS} years ahead; correct the year",
            )


def review_dates(book: Handbook, today: dt.date) -> Iterator[Finding]:
    """ISO 9001 asks that controlled documents be reviewed; warn when a review is overdue."""
    period = book.meta.review_period_days if book.meta else 365
    for doc in _controlled(book):
        age = (today - doc.document.reviewed).days
        if age > period:
            yield Finding.at(
                doc.where("document", "reviewed"),
                "W901",
                f"last reviewed {doc.document.reviewed}, {age} days ago; the review period is {period} days",
            )


def _controlled(book: Handbook) -> list[Role | Procedure]:
    """The controlled documents: each role and procedure has a version, a date in force and a review."""
    return [*book.roles.values(), *book.procedures.values()]
