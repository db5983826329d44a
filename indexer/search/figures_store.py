"""The 办件 figures of one index generation, in ``figures.sqlite`` beside Whoosh's files.

Why SQLite (stdlib ``sqlite3``) and not Whoosh or JSON: the figures are small uniform rows asked
for by column values (one subject and measure, a date range) and read in date order, which is one
indexed SELECT; Whoosh would need a document per number and gives no ordering by value; a JSON
file would be read whole on every request and rewritten whole on every incremental run. SQLite
gives transactions, so an incremental run's figures appear together with its documents and a
killed run leaves the table as it was.

The file lives inside the generation folder, so a rebuild writes a new one and it is swapped in
with the rest (store.swap_in), and an incremental run updates the live one in a transaction it
commits right after Whoosh's commit (indexing._Run.commit). Per-period values derived from
cumulative ones are recomputed at every commit, since one new issue changes its neighbour's.
"""
from __future__ import annotations

import errno
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Optional

from ..parsing.figures import FIELDS, derive_per_period
from .errors import IndexDamaged

FILE = "figures.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    issue_id TEXT PRIMARY KEY, kind TEXT NOT NULL, year INTEGER NOT NULL, number INTEGER NOT NULL,
    published TEXT NOT NULL
);
-- Clustered by series in date order (WITHOUT ROWID): one series is one contiguous range of the
-- table, read in the order it is answered, with no sort and no lookups row by row. ``value`` has
-- no declared type, so a count stays an integer and a share a real, as the extractor gave them.
CREATE TABLE IF NOT EXISTS figures (
    subject TEXT NOT NULL, measure TEXT NOT NULL, kind TEXT NOT NULL, date_to TEXT NOT NULL,
    issue_id TEXT NOT NULL, derived INTEGER NOT NULL, position INTEGER NOT NULL,
    section_id TEXT NOT NULL, paragraph_id TEXT NOT NULL, page INTEGER, scope TEXT NOT NULL,
    date_from TEXT NOT NULL, value NOT NULL, unit TEXT NOT NULL, text TEXT NOT NULL,
    record TEXT NOT NULL,  -- the record as /api/stats sends it (JSON), written once at indexing
    PRIMARY KEY (subject, measure, kind, date_to, issue_id, derived, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS figures_issue ON figures (issue_id);
-- one row per (section, department it names): the department x year activity table
CREATE TABLE IF NOT EXISTS section_departments (
    issue_id TEXT NOT NULL, section_id TEXT NOT NULL, year INTEGER NOT NULL, type TEXT NOT NULL,
    department TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS section_departments_issue ON section_departments (issue_id);
"""
_COLUMNS = ("issue_id, section_id, paragraph_id, page, scope, date_from, date_to, subject, measure, "
            "value, unit, text, derived")


def path_in(gen: Path) -> Path:
    return Path(gen) / FILE


@contextmanager
def _as_os_errors():
    """SQLite's "disk is full" and I/O failures as the OSError every other write of a run raises,
    so the run is undone and the CLI says it in its one line (cli._write_failure)."""
    try:
        yield
    except sqlite3.OperationalError as e:
        code = getattr(e, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from e
        if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR:
            raise OSError(errno.EIO, f"{os.strerror(errno.EIO)} ({e})") from e
        if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS)) from e
        raise


class FiguresWriter:
    """The figures side of one indexing run: changes wait in one transaction until ``commit``."""

    def __init__(self, gen: Path, durable: bool = True):
        with _as_os_errors():
            self.db = sqlite3.connect(path_in(gen), timeout=30, isolation_level=None)
            if not durable:
                # a generation being built is fsynced whole by store.swap_in before anything
                # points at it; syncing here as well cost ~0.2 s a run for nothing
                self.db.execute("PRAGMA synchronous = OFF")
            self.db.executescript(_SCHEMA)
            self.db.execute("BEGIN IMMEDIATE")  # the one writer holds it for the run

    def delete_issue(self, issue_id: str) -> None:
        with _as_os_errors():
            for table in ("figures", "issues", "section_departments"):
                self.db.execute(f"DELETE FROM {table} WHERE issue_id = ?", (issue_id,))

    def put_issue(self, issue: dict, figures: Iterable[dict], sections: Iterable[dict] = ()) -> None:
        """Replace an issue's figures and section departments (``issue`` and ``sections`` as in
        ``Bulletin.to_dict()``)."""
        with _as_os_errors():
            self._put_issue(issue, figures, sections)

    def _put_issue(self, issue: dict, figures: Iterable[dict], sections: Iterable[dict]) -> None:
        self.delete_issue(issue["id"])
        self.db.executemany("INSERT INTO section_departments VALUES (?, ?, ?, ?, ?)",
                            [(issue["id"], s["id"], issue["year"], s.get("type") or "", d)
                             for s in sections for d in dict.fromkeys(s.get("departments") or [])])
        self.db.execute("INSERT INTO issues VALUES (?, ?, ?, ?, ?)",
                        (issue["id"], issue["kind"], issue["year"], issue["number"], issue["published"]))
        self.db.executemany(
            f"INSERT INTO figures ({_COLUMNS}, kind, position, record) VALUES ({', '.join('?' * 16)})",
            [_row(f) + (issue["kind"], position, _json(f)) for position, f in enumerate(figures)])

    def commit(self) -> None:
        with _as_os_errors():
            self._derive()
            self.db.execute("COMMIT")
        self.db.close()
        self.db = None

    def cancel(self) -> None:
        """Drop what this run wrote; nothing to do once committed (the run failed later)."""
        if self.db is None:
            return
        try:
            self.db.execute("ROLLBACK")
        finally:
            self.db.close()
            self.db = None

    def _derive(self) -> None:
        self.db.execute("DELETE FROM figures WHERE derived = 1")
        issues = {row[0]: {"kind": row[1], "year": row[2], "number": row[3]}
                  for row in self.db.execute("SELECT issue_id, kind, year, number FROM issues")}
        stated = [_record(row) for row in self.db.execute(
            f"SELECT {_COLUMNS} FROM figures ORDER BY issue_id, position")]
        derived = derive_per_period(stated, issues)
        # negative positions keep derived rows apart from stated ones and from each other
        self.db.executemany(
            f"INSERT INTO figures ({_COLUMNS}, kind, position, record) VALUES ({', '.join('?' * 16)})",
            [_row(f) + (issues[f["issue_id"]]["kind"], -1 - n, _json(f)) for n, f in enumerate(derived)])


def _row(f: dict) -> tuple:
    return (f["issue_id"], f["section_id"], f["paragraph_id"], f["page"], f["scope"], f["from"], f["to"],
            f["subject"], f["measure"], f["value"], f["unit"], f["text"], int(bool(f["derived"])))


def _json(f: dict) -> str:
    return json.dumps({name: f[name] for name in FIELDS}, ensure_ascii=False)


def _record(row) -> dict:
    record = dict(zip(FIELDS, row))
    record["derived"] = record["derived"] == 1
    return record


class FiguresUnreadable(IndexDamaged):
    """figures.sqlite is not what the indexer wrote; said in one line, never repaired here."""


def _connect_read(gen: Path) -> Optional[sqlite3.Connection]:
    path = path_in(gen)
    if not path.is_file():
        return None
    # read-write but never create: a writer killed mid-run leaves a hot journal, which only a
    # connection allowed to write can roll back (a read-only one would fail until the next run)
    return sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10)


def _read(gen: Path, sql: str, args=()) -> list:
    """Rows of one read-only query; a damaged or foreign file is FiguresUnreadable."""
    db = _connect_read(gen)
    if db is None:
        return []
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as e:
        raise FiguresUnreadable(f"{path_in(gen)} cannot be read ({e}); run `bulletin-search index "
                                "--rebuild PATH…` to build a new index beside it") from None
    finally:
        db.close()


def _where(subject, measure, date_from, date_to, kind, scope) -> tuple[str, list]:
    where, args = [], []
    for column, value in (("subject", subject), ("measure", measure), ("kind", kind), ("scope", scope)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if date_from:
        where.append("date_to >= ?")
        args.append(date_from)
    if date_to:
        where.append("date_to <= ?")
        args.append(date_to)
    return (" WHERE " + " AND ".join(where) if where else ""), args


# With subject, measure and kind given, this order is the table's own: one range read as stored.
_ORDER = " ORDER BY date_to, issue_id, derived, position"


def query_figures(gen: Path, subject: Optional[str] = None, measure: Optional[str] = None,
                  date_from: Optional[str] = None, date_to: Optional[str] = None,
                  kind: Optional[str] = None, scope: Optional[str] = None) -> list[dict]:
    """Figures whose period ends within [date_from, date_to] (ISO dates, either open), oldest
    first; within one issue in the order the bulletin gives them, derived ones after."""
    where, args = _where(subject, measure, date_from, date_to, kind, scope)
    return [_record(row) for row in _read(gen, f"SELECT {_COLUMNS} FROM figures{where}{_ORDER}", args)]


def query_figures_json(gen: Path, subject: Optional[str] = None, measure: Optional[str] = None,
                       date_from: Optional[str] = None, date_to: Optional[str] = None,
                       kind: Optional[str] = None, scope: Optional[str] = None) -> str:
    """``query_figures`` as a JSON array (text), in the same order, joined by SQLite from each
    row's stored JSON: a series of 8,000 points is 2 MB of JSON, and building 8,000 dicts only to
    encode them again took three times as long (SQLite's json_object per row, twice). SQLite
    concatenates an ordered subquery in its order; tests/test_figures_store.py holds the two
    paths equal."""
    where, args = _where(subject, measure, date_from, date_to, kind, scope)
    rows = _read(gen, "SELECT '[' || coalesce(group_concat(record, ', '), '') || ']' FROM "
                      f"(SELECT record FROM figures{where}{_ORDER})", args)
    return rows[0][0] if rows else "[]"


def series_list(gen: Path) -> list[dict]:
    """Every (subject, measure, unit, kind) series with how many stated figures it has, largest
    first: the page's picker."""
    rows = _read(gen, "SELECT subject, measure, unit, kind, COUNT(*) FROM figures WHERE derived = 0 "
                      "GROUP BY subject, measure, unit, kind ORDER BY COUNT(*) DESC, subject, measure")
    return [{"subject": s, "measure": m, "unit": u, "kind": k, "count": n} for s, m, u, k, n in rows]


def activity(gen: Path, section_type: Optional[str] = None) -> dict:
    """Sections per department per year (of one section type, or all):
    ``{"years": [...], "rows": [{"department", "total", "counts": {year: n}}]}``, busiest first.
    Counted as the search counts them: a section naming a department once counts once."""
    sql = "SELECT department, year, COUNT(DISTINCT section_id) FROM section_departments"
    args: list = []
    if section_type:
        sql += " WHERE type = ?"
        args.append(section_type)
    cells = _read(gen, sql + " GROUP BY department, year", args)
    years = sorted({year for _, year, _ in cells})
    rows: dict[str, dict] = {}
    for department, year, count in cells:
        row = rows.setdefault(department, {"department": department, "total": 0, "counts": {}})
        row["counts"][year] = count
        row["total"] += count
    return {"years": years, "rows": sorted(rows.values(), key=lambda r: (-r["total"], r["department"]))}


def section_types(gen: Path) -> list[str]:
    """The section types that name departments, most sections first: the table's column choice."""
    return [t for (t,) in _read(gen, "SELECT type FROM section_departments GROUP BY type "
                                     "ORDER BY COUNT(DISTINCT section_id) DESC, type")]
