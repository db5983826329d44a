"""The search parameters (docs/interface.md), in one table, validated into plain data.

``PARAMETERS`` is the one list of them: the CLI's search options, the web's parsing of a query
string, its link helpers and the page's labels are all derived from it.

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
# The default limit on a search text; a service is opened with its own (the web's MAX_QUERY_CHARS
# setting). Longer texts are refused, by the API and the CLI alike: nobody types more, and a
# pasted page of text would be a request for everything.
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Parameter:
    name: str  # as in a query string
    label: str  # what the search page calls it
    multi: bool = False  # may be given more than once (each value widens the filter)
    facet: bool = False  # a facet of the reply, counted over the matches
    filter: bool = False  # narrows the matches (a chip on the page, kept by "clear the query")
    cli_help: str = ""  # the CLI's option help; empty: no option (q is the positional query)
    cli_metavar: Optional[str] = None
    choices: tuple[str, ...] = ()

    @property
    def cli_flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def cli_dest(self) -> str:
        return {"from": "date_from", "to": "date_to"}.get(self.name, self.name)


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("q", "检索词"),
    Parameter("department", "部门", multi=True, facet=True, filter=True,
              cli_help="filter by department (repeatable; any written form)"),
    Parameter("year", "年份", multi=True, facet=True, filter=True, cli_help="filter by year (repeatable)"),
    Parameter("type", "栏目", multi=True, facet=True, filter=True,
              cli_help="filter by section type (repeatable)"),
    Parameter("kind", "类型", facet=True, filter=True, choices=KINDS, cli_help="weekly or monthly"),
    # dates go by the period an issue reports on, as the year does (engine.report_date)
    Parameter("from", "起始日期", filter=True, cli_metavar="YYYY-MM-DD",
              cli_help="issues whose reporting period ends on or after this day (as --year)"),
    Parameter("to", "截止日期", filter=True, cli_metavar="YYYY-MM-DD",
              cli_help="issues whose reporting period ends on or before this day"),
    Parameter("sort", "排序", choices=SORTS, cli_help="order of the hits"),
    Parameter("page", "页码", cli_help="page of the hits (from 1)", cli_metavar="N"),
    Parameter("per_page", "每页条数", cli_help=f"hits a page (1 to {MAX_PER_PAGE})", cli_metavar="N"),
)
NAMES = tuple(p.name for p in PARAMETERS)
LABELS = {p.name: p.label for p in PARAMETERS}
FACETS = tuple(p.name for p in PARAMETERS if p.facet)
FILTERS = tuple(p.name for p in PARAMETERS if p.filter)
MULTI_VALUED = tuple(p.name for p in PARAMETERS if p.multi)
PAGING = ("page", "per_page")


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


def check_year(value: str) -> str:
    """A year as the index holds it (``"2022"``), or BadParameter naming ``year``."""
    return _year(value)


def _year(value: str) -> str:
    text = value.strip()
    if not (len(text) == 4 and text.isascii() and text.isdigit()
            and MIN_YEAR <= int(text) <= MAX_YEAR):
        raise BadParameter("year", f"{value!r} is not a year")
    return text


def parse_params(pairs: Iterable[tuple[str, object]],
                 max_query_chars: int = MAX_QUERY_CHARS) -> SearchParams:
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
    if p.date_from and p.date_to and p.date_from > p.date_to:
        raise BadParameter("to", f"{p.date_to.isoformat()} is before from={p.date_from.isoformat()}: "
                                 "the date range is reversed")
    if len(p.q) > max_query_chars:
        raise BadParameter("q", f"too long ({len(p.q)} characters, at most {max_query_chars})")
    return p
