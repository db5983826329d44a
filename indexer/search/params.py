"""The /api/search parameters (CONTRACT.md), validated into plain data.

Every problem is a ``BadParameter`` whose message names the parameter and what is wrong with it;
nothing else is ever raised, whatever the input. Empty values count as absent, as an HTML form
sends them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional

from ..parsing.departments import canonical_department
from ..parsing.model import MONTHLY, WEEKLY
from .errors import BadParameter

SORTS = ("relevance", "newest", "oldest")
KINDS = (WEEKLY, MONTHLY)
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MIN_YEAR, MAX_YEAR = 1900, 2100
MULTI_VALUED = ("department", "year", "type")
# Longer search texts are refused, by the API and the CLI alike: nobody types more, and a pasted
# page of text would be a request for everything (the web page says so in Chinese first).
MAX_QUERY_CHARS = 200


@dataclass
class SearchParams:
    q: str = ""
    department: list[str] = field(default_factory=list)  # canonical names
    year: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    kind: Optional[str] = None
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    sort: Optional[str] = None  # None: relevance for a query, newest for browsing
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def selected(self, facet: str) -> list[str]:
        return {"department": self.department, "year": self.year, "type": self.type,
                "kind": [self.kind] if self.kind else []}[facet]


def _int(name: str, value: str, low: int, high: int) -> int:
    text = value.strip()
    if not (text.isascii() and text.lstrip("+").isdigit()) or len(text) > 12:
        raise BadParameter(name, f"{value!r} is not a whole number")
    number = int(text)
    if not low <= number <= high:
        raise BadParameter(name, f"{number} is out of range (allowed {low} to {high})")
    return number


def _date(name: str, value: str) -> date:
    try:
        text = value.strip()
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _year(value: str) -> str:
    text = value.strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()
            and MIN_YEAR <= int(text) <= MAX_YEAR):
        raise BadParameter("year", f"{value!r} is not a year")
    return text


def parse_params(pairs: Iterable[tuple[str, object]]) -> SearchParams:
    """Read (name, value) pairs, as a query string gives them; unknown names are ignored."""
    p = SearchParams()
    for name, raw in pairs:
        value = "" if raw is None else str(raw)
        if name == "q":
            p.q = value.strip() if not p.q else f"{p.q} {value.strip()}".strip()
            continue
        if not value.strip():
            continue
        if name == "department":
            canonical = canonical_department(value) or value.strip()
            if canonical not in p.department:
                p.department.append(canonical)
        elif name == "year":
            year = _year(value)
            if year not in p.year:
                p.year.append(year)
        elif name == "type":
            if value.strip() not in p.type:
                p.type.append(value.strip())
        elif name == "kind":
            if value.strip() not in KINDS:
                raise BadParameter("kind", f"{value!r} is not one of {', '.join(KINDS)}")
            p.kind = value.strip()
        elif name == "from":
            p.date_from = _date("from", value)
        elif name == "to":
            p.date_to = _date("to", value)
        elif name == "sort":
            if value.strip() not in SORTS:
                raise BadParameter("sort", f"{value!r} is not one of {', '.join(SORTS)}")
            p.sort = value.strip()
        elif name == "page":
            p.page = _int("page", value, 1, MAX_PAGE)
        elif name == "per_page":
            p.per_page = _int("per_page", value, 1, MAX_PER_PAGE)
    if len(p.q) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"too long ({len(p.q)} characters, at most {MAX_QUERY_CHARS})")
    return p
