"""The 办件 figures as the CLI ``stats`` and ``/api/stats`` give them: parameters validated into one
query of the live generation's figures store, one reply shape for both (``{"figures": [...]}``),
and its CSV and text forms.

Parameters (all optional): ``subject``, ``measure``, ``from``/``to`` (YYYY-MM-DD: the figure's
period ends within them), ``kind`` (周报|月报), ``scope`` (本周|本月|今年以来|期间).
"""
from __future__ import annotations

import csv
import io
import os
import threading
from collections import OrderedDict
from dataclasses import astuple, dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from ..parsing.figures import FIELDS, MONTH, SPAN, WEEK, YEAR_TO_DATE
from . import figures_store
from .errors import BadParameter
from .params import KINDS

STATS_PARAMS = ("subject", "measure", "from", "to", "kind", "scope")
SCOPES = (WEEK, MONTH, YEAR_TO_DATE, SPAN)
MAX_NAME_CHARS = 40  # a subject or measure is a few characters; more is no name of one


@dataclass
class StatsParams:
    subject: Optional[str] = None
    measure: Optional[str] = None
    date_from: Optional[str] = None
    date_to: Optional[str] = None
    kind: Optional[str] = None
    scope: Optional[str] = None


def _iso_date(name: str, value: str) -> str:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a date (use YYYY-MM-DD)") from None


def parse_stats_params(pairs: Iterable[tuple[str, object]]) -> StatsParams:
    """(name, value) pairs to StatsParams; empty values count as absent, unknown names are
    ignored, and every problem is one BadParameter naming the parameter."""
    p = StatsParams()
    for name, raw in pairs:
        value = ("" if raw is None else str(raw)).strip()
        if not value or name not in STATS_PARAMS:
            continue
        if name in ("subject", "measure"):
            if len(value) > MAX_NAME_CHARS:
                raise BadParameter(name, f"too long ({len(value)} characters, at most {MAX_NAME_CHARS})")
            setattr(p, name, value)
        elif name in ("from", "to"):
            setattr(p, "date_" + name, _iso_date(name, value))
        elif name == "kind":
            if value not in KINDS:
                raise BadParameter("kind", f"{value!r} is not one of {', '.join(KINDS)}")
            p.kind = value
        elif name == "scope":
            if value not in SCOPES:
                raise BadParameter("scope", f"{value!r} is not one of {', '.join(SCOPES)}")
            p.scope = value
    if p.date_from and p.date_to and p.date_from > p.date_to:
        raise BadParameter("from", f"{p.date_from} is after to={p.date_to}")
    return p


def figures_reply(gen: Optional[Path], pairs: Iterable[tuple[str, object]]) -> dict:
    """``{"figures": [...]}`` for the parameters; raises only BadParameter."""
    p = parse_stats_params(pairs)
    if gen is None:
        return {"figures": []}
    return {"figures": figures_store.query_figures(gen, subject=p.subject, measure=p.measure,
                                                   date_from=p.date_from, date_to=p.date_to,
                                                   kind=p.kind, scope=p.scope)}


class RepliesCache:
    """Recent /api/stats replies by (figures file state, parameters). The figures change only
    when an indexing run commits, which changes the file; a chart page asks the same few series
    all day. Bounded by the bytes held (one series over 5,000 issues is ~2 MB)."""

    def __init__(self, max_bytes: int = 32 << 20):
        self.max_bytes = max_bytes
        self._replies: "OrderedDict[tuple, str]" = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Optional[str]:
        with self._lock:
            reply = self._replies.get(key)
            if reply is not None:
                self._replies.move_to_end(key)
            return reply

    def put(self, key: tuple, reply: str) -> None:
        if len(reply) > self.max_bytes:
            return
        with self._lock:
            if key in self._replies:
                return
            self._replies[key] = reply
            self._bytes += len(reply)
            while self._bytes > self.max_bytes:
                _, dropped = self._replies.popitem(last=False)
                self._bytes -= len(dropped)


def figures_reply_json(gen: Optional[Path], pairs: Iterable[tuple[str, object]],
                       cache: Optional[RepliesCache] = None) -> str:
    """``figures_reply`` as JSON text (what /api/stats sends), made by SQLite without Python
    dicts, and kept in ``cache`` until the figures file changes."""
    p = parse_stats_params(pairs)
    if gen is None:
        return '{"figures": []}'
    try:
        st = os.stat(figures_store.path_in(gen))
        key = (str(gen), st.st_mtime_ns, st.st_size, st.st_ino, astuple(p))
    except FileNotFoundError:
        key = None
    if cache is not None and key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    array = figures_store.query_figures_json(gen, subject=p.subject, measure=p.measure,
                                             date_from=p.date_from, date_to=p.date_to,
                                             kind=p.kind, scope=p.scope)
    reply = '{"figures": ' + array + "}"
    if cache is not None and key is not None:
        cache.put(key, reply)
    return reply


CSV_COLUMNS = FIELDS


def figures_csv(figures: list[dict]) -> str:
    """One row a figure, the JSON's field names as the header; spreadsheet-safe cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        writer.writerow([_cell(f[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # a cell a spreadsheet would run as a formula gets an apostrophe (as /export.csv does)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def figures_text(figures: list[dict]) -> str:
    if not figures:
        return "no figures\n"
    lines = []
    for f in figures:
        value = f"{f['value'] * 100:g}%" if f["unit"] == "%" else f"{f['value']}{f['unit']}"
        mark = " (derived)" if f["derived"] else ""
        lines.append(f"{f['to']}  {f['issue_id']:<10} {f['scope']} {f['from']}..{f['to']}  "
                     f"{f['subject']} {f['measure']} {value}{mark}  [{f['paragraph_id']}]")
    return "\n".join(lines) + "\n"
