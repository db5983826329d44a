"""The issue list (往期目录): one summary per indexed issue, read from the parsed bulletins a
generation stores (store.py), without Whoosh.

A summary is small (no text); the full bulletin files are read once each and remembered by
(name, mtime, size), so after an incremental run only the issues it wrote are read again.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Optional

from . import store

SUMMARY_KEYS = ("id", "kind", "year", "number", "total_number", "published", "period", "title")


def summary_of(bulletin: dict) -> dict:
    issue = bulletin.get("issue") or {}
    out = {key: issue.get(key) for key in SUMMARY_KEYS}
    out["period"] = list(issue.get("period") or []) or None
    out["sections"] = len(bulletin.get("sections") or [])
    source = (issue.get("source") or {}).get("path") or ""
    out["source_kind"] = os.path.splitext(source)[1].lower().lstrip(".") or None
    return out


def _order_key(summary: dict) -> tuple:
    """Newest first within a kind: by the year and number the issue carries, then its date."""
    return (summary.get("year") or 0, summary.get("number") or 0, summary.get("published") or "")


def newest_first(summaries: list[dict]) -> list[dict]:
    """The issue list's order: newest publication first, then by year and number."""
    return sorted(summaries, key=lambda s: (s.get("published") or "", _order_key(s)), reverse=True)


class Catalog:
    """Summaries of the issues in one index folder, kept up with the live generation."""

    def __init__(self):
        self._lock = threading.Lock()
        self._gen: Optional[Path] = None
        self._seen: dict[str, tuple] = {}  # file name -> (mtime_ns, size, summary)
        self.updated: Optional[float] = None  # when the newest bulletin file was written (epoch)
        self._folder_stamp: Optional[tuple] = None
        self._found: list[dict] = []

    def summaries(self, gen: Optional[Path]) -> list[dict]:
        """Every issue, newest first (kinds interleaved by date)."""
        if gen is None:
            return []
        folder = Path(gen) / store.BULLETINS
        try:  # a file written, replaced or removed there changes the folder: one stat a request
            stamp = (str(gen), os.stat(folder).st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if stamp is not None and stamp == self._folder_stamp:
            return list(self._found)
        with self._lock:
            if gen != self._gen:  # another generation: its files are other files
                self._gen, self._seen = gen, {}
            try:
                entries = [e for e in os.scandir(folder) if e.name.endswith(".json")]
            except FileNotFoundError:
                entries = []
            seen, newest = {}, None
            for entry in entries:
                try:
                    st = entry.stat()
                except FileNotFoundError:  # replaced while we looked: the next call reads it
                    continue
                known = self._seen.get(entry.name)
                if known and known[:2] == (st.st_mtime_ns, st.st_size):
                    seen[entry.name] = known
                else:
                    bulletin = store.load_bulletin(Path(gen), entry.name[:-len(".json")])
                    if bulletin is None:
                        continue
                    seen[entry.name] = (st.st_mtime_ns, st.st_size, summary_of(bulletin))
                newest = max(newest or 0, st.st_mtime_ns)
            self._seen = seen
            self.updated = newest / 1e9 if newest else None
            found = newest_first([s for _, _, s in seen.values()])
            self._found, self._folder_stamp = found, stamp
        return list(found)


def filtered(summaries: list[dict], year: Optional[str] = None, kind: Optional[str] = None) -> list[dict]:
    return [s for s in summaries
            if (not year or str(s.get("year")) == str(year)) and (not kind or s.get("kind") == kind)]


def neighbours(summaries: list[dict], issue_id: str) -> tuple[Optional[dict], Optional[dict]]:
    """The previous and next issue of the same kind (上一期, 下一期), by year and number."""
    current = next((s for s in summaries if s["id"] == issue_id), None)
    if current is None:
        return None, None
    same = sorted((s for s in summaries if s.get("kind") == current.get("kind")), key=_order_key)
    at = next(i for i, s in enumerate(same) if s["id"] == issue_id)
    return (same[at - 1] if at > 0 else None), (same[at + 1] if at + 1 < len(same) else None)


def by_year(summaries: list[dict]) -> list[dict]:
    """[{"year", "kinds": [{"kind", "issues": [...]}]}], years newest first, issues newest first."""
    years: dict = {}
    for s in summaries:
        years.setdefault(s.get("year"), {}).setdefault(s.get("kind"), []).append(s)
    out = []
    for year in sorted(years, key=lambda y: y or 0, reverse=True):
        kinds = years[year]
        out.append({"year": year, "count": sum(len(v) for v in kinds.values()),
                    "kinds": [{"kind": kind, "issues": sorted(kinds[kind], key=_order_key, reverse=True)}
                              for kind in sorted(kinds, key=lambda k: (k != "周报", k or ""))]})
    return out
