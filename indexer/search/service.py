"""The one search service, used by the CLI and the web alike. No Flask here.

    service = open_service(index_dir)
    service.search_params([("q", "应急厅 上门服务"), ("year", "2022")])  -> the /api/search reply
    service.export_hits(pairs, limit=5000)   -> every hit, no paging (CSV export)
    service.issue("2022-w40")                -> Bulletin.to_dict() of the whole issue, or None
    service.source_file("2022-w40")          -> path of the original file, or None
    service.issues()                         -> summaries of every issue, newest first (往期目录)
    service.neighbours("2022-w40")           -> (previous, next) summary of the same kind
    service.last_updated()                   -> when the index last took in a bulletin (epoch)
    service.stats()                          -> {"issues": N, "sections": M}
    service.health()                         -> stats with "status" (ok, degraded, error), "problem"
    service.marker("上门服务")                -> text -> spans to mark, as in the snippets

A service watches the index directory: when a rebuild swaps in a new generation, or an
incremental run commits, the next request opens the new state (two stat calls tell). It is
safe to share between threads; jieba is loaded when the service opens, never in a request.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import analysis, bitset, catalog, engine, plan, store, suggest
from . import snippets as snip
from .errors import IndexOutdated, IndexProblem, PageOutOfRange
from .params import MAX_QUERY_CHARS, PAGING, SearchParams, parse_params
from .query import NOTHING_SEARCHABLE, ParsedQuery, parse_query

__all__ = ["SearchService", "open_service"]

RECHECK_SECONDS = 1.0  # how often to retry an index that could not be opened
EXPORT_LIMIT = 5000  # most hits one export returns, unless the caller asks for another
FACET_ORDER_BY_VALUE = ("year",)  # newest year first; the other facets by count
# "Very little": at most this many hits, and a near known word may be what was meant.
SUGGEST_AT_MOST = 3
SUGGESTION_CACHE_SIZE = 1024  # offers kept per snapshot, by query and filters


@dataclass
class _Matches:
    """The outcome of one query over one snapshot, before paging."""

    snapshot: engine.Snapshot
    parsed: ParsedQuery
    matched: int  # bitset: the query (and exclusions) alone
    date_mask: int
    dim_masks: dict  # facet -> bitset of the values selected in it (absent: no filter)
    final: int  # bitset: matched and every filter

    def others(self, facet: str) -> int:
        """Matches with every filter except this facet's own: what its counts are over."""
        mask = self.matched & self.date_mask
        for name, m in self.dim_masks.items():
            if name != facet:
                mask &= m
        return mask


class SearchService:
    def __init__(self, index_dir, max_query_chars: int = MAX_QUERY_CHARS):
        self.index_dir = Path(index_dir)
        self.max_query_chars = max_query_chars
        self._snapshot: Optional[engine.Snapshot] = None
        self._stamp: tuple = ()
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self.problem: Optional[str] = None  # why the index cannot be searched, for the user
        self._catalog = catalog.Catalog()
        self._figures_replies = None  # stats.RepliesCache, made on the first /api/stats
        analysis.jieba_tokenizer()  # pay the dictionary load now, not in the first request
        self.refresh(force=True)

    # --- keeping up with the index on disk ---------------------------------------------------

    def refresh(self, force: bool = False) -> Optional[engine.Snapshot]:
        """The current snapshot, reopened when the pointer moved (a rebuild swapped in) or the
        live generation's folder changed (an incremental run committed). Two stat calls a
        request; the engine is asked only when one of them changed, and the
        failure state (also a "degraded" one, serving an older snapshot) is retried at most once a
        second, so a repair is seen without a restart."""
        stamp = self._disk_stamp()
        current = self._snapshot
        healthy = current is not None and self.problem is None
        if not force and stamp == self._stamp and (
                healthy or time.monotonic() - self._checked < RECHECK_SECONDS):
            return current
        with self._lock:
            current = self._snapshot
            if not force and stamp == self._stamp and current is not None and self.problem is None:
                return current
            self._checked = time.monotonic()
            if current is not None and not force and self._same_state(current):
                # the live state on disk is the one we serve: whatever was wrong (a damaged
                # pointer, since written back by hand) is no longer, and the banner must go
                self.problem = None
                self._stamp = stamp
                return current
            try:
                self._snapshot = self._open_live()
                self.problem = None
            except (IndexProblem, OSError) as e:
                # keep serving the state we have; never touch the files
                self.problem = str(e)
            self._stamp = stamp
            # an older snapshot is left to the garbage collector: another thread may still be
            # reading from it, and its files stay readable until then
            return self._snapshot

    def _disk_stamp(self) -> tuple:
        pointer = store.pointer_stamp(self.index_dir)
        snap = self._snapshot
        try:
            folder = os.stat(snap.gen).st_mtime_ns if snap is not None else 0
        except OSError:
            folder = -1
        return pointer, folder

    def _same_state(self, snap: engine.Snapshot) -> bool:
        try:
            return store.live_generation(self.index_dir) == snap.gen and snap.is_current()
        except (IndexProblem, OSError):
            return False

    def _open_live(self) -> Optional[engine.Snapshot]:
        gen = store.live_generation(self.index_dir)
        if gen is None:
            return None
        version = store.generation_meta(gen).get("schema_version")
        if version != engine.SCHEMA_VERSION:
            raise IndexOutdated(
                f"the index in {self.index_dir} was built by another version (schema {version}, "
                f"this one reads {engine.SCHEMA_VERSION}): run `bulletin-search index --rebuild PATH…`")
        return engine.Snapshot(gen, engine.engine_of(store.generation_meta(gen)))

    # --- the public calls --------------------------------------------------------------------

    def search_params(self, pairs: Iterable[tuple[str, object]]) -> dict:
        """The /api/search reply (docs/interface.md) plus ``segments``; raises only BadParameter
        (PageOutOfRange, which tells the last page, when ``page`` is past it)."""
        started = time.perf_counter()
        params = parse_params(pairs, self.max_query_chars)
        parsed = parse_query(params.q, self.max_query_chars)
        # the contract's order; "message" only when the query itself needs a word (nothing searchable)
        reply = {"query": params.q, "total": 0, "page": params.page, "per_page": params.per_page,
                 "took_ms": 0.0, "did_you_mean": None, "facets": {f: [] for f in engine.FACET_FIELDS},
                 "hits": [], "segments": _segments(parsed), "issue_refs": _issue_refs(parsed)}
        if parsed.nothing_searchable:
            # never the whole archive: a query of only 的 or % asks for nothing
            reply["message"] = NOTHING_SEARCHABLE
            reply["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
            return reply
        matches = self._run(params, parsed)
        if matches is not None:
            total = bitset.count(matches.final)
            offset = (params.page - 1) * params.per_page
            if total and offset >= total:
                raise PageOutOfRange(params.page, -(-total // params.per_page))
            page_docs = self._ordered(matches, params, offset, params.per_page)
            reply["total"] = total
            reply["facets"] = _facets(matches, params)
            reply["hits"] = _hits(matches, page_docs)
            if reply["total"] <= SUGGEST_AT_MOST and not parsed.is_empty:
                reply["did_you_mean"] = _did_you_mean(matches.snapshot, params, parsed,
                                                      reply["total"])
        if self.problem:
            reply["notice"] = self.problem
        reply["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return reply

    def export_hits(self, pairs: Iterable[tuple[str, object]], limit: int = EXPORT_LIMIT) -> list[dict]:
        """Every hit of a search (paging parameters ignored), best first, at most ``limit``; each
        also holds ``paragraph_text``, the whole paragraph its snippet comes from (for citing)."""
        params = parse_params(((n, v) for n, v in pairs if n not in PAGING), self.max_query_chars)
        parsed = parse_query(params.q, self.max_query_chars)
        if parsed.nothing_searchable:
            return []
        matches = self._run(params, parsed)
        if matches is None:
            return []
        return _hits(matches, self._ordered(matches, params, 0, max(0, int(limit))), full_text=True)

    def issue(self, issue_id: str) -> Optional[dict]:
        """The stored bulletin the searched index state was cut from, so every hit's paragraph is
        in it (store.load_bulletin picks it by the sha256 the index holds)."""
        snap = self.refresh()
        if snap is None:
            gen = self._generation()
            return store.load_bulletin(gen, issue_id) if gen is not None else None
        if issue_id not in snap.issue_id_set:
            # The index commit is the run's one commit point: a stored bulletin of an issue the
            # index no longer holds is one a killed prune or replace had not yet deleted.
            return None
        try:
            version = snap.issue_version(issue_id)
        except OSError:  # the generation went away under us (a swap): what is live now
            snap = self.refresh(force=True)
            if snap is None or issue_id not in snap.issue_id_set:
                return None
            version = snap.issue_version(issue_id)
        return store.load_bulletin(snap.gen, issue_id, version)

    def source_file(self, issue_id: str) -> Optional[str]:
        """The original file of an issue, as recorded when it was indexed (never from a request)."""
        bulletin = self.issue(issue_id)
        if not bulletin:
            return None
        path = ((bulletin.get("issue") or {}).get("source") or {}).get("path")
        return path if path and os.path.isfile(path) else None

    def issues(self, year: Optional[str] = None, kind: Optional[str] = None) -> list[dict]:
        """Summaries of the indexed issues (id, kind, year, number, total_number, published,
        period, title, sections), newest first; ``year``/``kind`` narrow the list."""
        summaries = self._catalog.summaries(self._generation())
        snap = self.refresh()
        if snap is not None:
            summaries = self._as_the_index_holds(snap, summaries)
        return catalog.filtered(summaries, year, kind)

    def _as_the_index_holds(self, snap, summaries: list[dict]) -> list[dict]:
        """The issue list as the searched index state has it: the index commit is a run's one
        commit point, and a kill after it leaves stored bulletins behind (a pruned issue's file
        not yet deleted, a new one still staged, a replaced one not yet moved into place)."""
        held = snap.issue_id_set
        listed = [s for s in summaries if s.get("id") in held]
        if len(listed) == len(held) and len(listed) == len(summaries):
            return summaries  # the usual case: no run was cut short
        out = listed
        for issue_id in held - {s.get("id") for s in listed}:  # still staged
            bulletin = store.load_bulletin(snap.gen, issue_id, snap.issue_version(issue_id))
            if bulletin is not None:
                out.append(catalog.summary_of(bulletin))
        return catalog.newest_first(out)

    def neighbours(self, issue_id: str) -> tuple[Optional[dict], Optional[dict]]:
        return catalog.neighbours(self.issues(), issue_id)

    def last_updated(self) -> Optional[float]:
        self._catalog.summaries(self._generation())
        return self._catalog.updated

    def health(self) -> dict:
        """``{"status", "issues", "sections"}`` and, when the index on disk cannot be opened,
        ``"problem"``: status "degraded" while an earlier state still answers, "error" when
        nothing can be searched."""
        snap = self.refresh()
        report = {"status": "ok", **self.stats()}
        if self.problem:
            report.update(status="degraded" if snap is not None else "error", problem=self.problem)
        return report

    def without_paths(self, text: Optional[str]) -> Optional[str]:
        """``text`` (a problem or notice) with the index folder's location on the server replaced
        by ``<index>``: the web says what is wrong; where the files lie is for the command line."""
        if not text:
            return text
        folders = {str(self.index_dir), str(self.index_dir.resolve()), str(self.index_dir.absolute())}
        for folder in sorted(folders, key=len, reverse=True):
            text = text.replace(folder, "<index>")
        return text

    def marker(self, q: str) -> Optional[Callable[[str], list[tuple[int, int]]]]:
        """Where a query's words stand in a text, marked exactly as the snippets mark them (full-
        and half-width alike, departments in their every form where they name the department);
        None when the query marks nothing. For the bulletin view's ``?q=``."""
        parsed = parse_query(q, self.max_query_chars)
        if parsed.is_empty:
            return None
        hl = snip.highlighter_for(parsed)
        return lambda text: snip.mark_spans(hl, text)

    def prepare_suggestions(self) -> None:
        """Load what "did you mean" needs (pypinyin's tables, the index's vocabulary) now rather
        than in the first request that finds nothing (~0.3 s). For a server about to start."""
        snap = self.refresh()
        if snap is not None and snap.suggester is None:
            snap.suggester = suggest.Suggester.build(snap.vocabulary(suggest.VOCABULARY_SIZE))
            suggest.pinyin("应急")

    def figures(self, pairs: Iterable[tuple[str, object]]) -> dict:
        """The /api/stats reply, ``{"figures": [...]}``; raises only BadParameter."""
        from .stats import figures_reply

        return figures_reply(self._generation(), pairs)

    def figures_json(self, pairs: Iterable[tuple[str, object]]) -> str:
        """The same reply as ``figures``, as JSON text; raises only BadParameter."""
        from .stats import RepliesCache, figures_reply_json

        if self._figures_replies is None:
            self._figures_replies = RepliesCache()
        return figures_reply_json(self._generation(), pairs, self._figures_replies)

    def figure_series(self) -> list[dict]:
        """Every (subject, measure, unit, kind) series the index holds, with its size."""
        from .figures_store import series_list

        gen = self._generation()
        return series_list(gen) if gen is not None else []

    def activity(self, section_type: Optional[str] = None) -> dict:
        """Sections per department per year (figures_store.activity), and the types to pick."""
        from .figures_store import activity, section_types

        gen = self._generation()
        if gen is None:
            return {"years": [], "rows": [], "types": []}
        return {**activity(gen, section_type), "types": section_types(gen)}

    def stats(self) -> dict:
        snap = self.refresh()
        if snap is None:
            return {"issues": 0, "sections": 0}
        return {"issues": snap.issue_count, "sections": snap.section_count}

    # --- the work ----------------------------------------------------------------------------

    def _generation(self) -> Optional[Path]:
        snap = self.refresh()
        if snap is not None:
            return snap.gen
        try:
            return store.live_generation(self.index_dir)
        except IndexProblem:
            return None

    def _run(self, params: SearchParams, parsed: ParsedQuery) -> Optional[_Matches]:
        snap = self.refresh()
        if snap is None:
            return None
        try:
            return _match(snap, params, parsed)
        except OSError:
            # the generation vanished under us (removed after a swap): reopen once and retry
            snap = self.refresh(force=True)
            return _match(snap, params, parsed) if snap is not None else None

    def _ordered(self, matches: _Matches, params: SearchParams, offset: int, count: int) -> list:
        """(docnum, score or None) of the window [offset, offset+count) in the requested order."""
        if count <= 0 or offset >= bitset.count(matches.final):
            return []
        sort = params.sort or "relevance"
        if sort == "relevance" and matches.parsed.is_empty:
            sort = "newest"  # nothing to rank by (browsing, or only -words): newest first
        snap = matches.snapshot
        if sort == "relevance":
            return _by_relevance(matches, offset, count)
        if sort == "newest":
            return [(d, None) for d in snap.newest_first(matches.final, offset + count)[offset:]]
        wanted = set(bitset.mask_to_docs(matches.final))
        picked = []
        for d in snap.oldest:
            if d in wanted:
                picked.append((d, None))
                if len(picked) >= offset + count:
                    break
        return picked[offset:]


def open_service(index_dir, max_query_chars: int = MAX_QUERY_CHARS) -> SearchService:
    return SearchService(index_dir, max_query_chars=max_query_chars)


# --- pure steps over one snapshot ---------------------------------------------------------------

def _match(snap: engine.Snapshot, params: SearchParams, parsed: ParsedQuery) -> _Matches:
    matched = snap.match_mask(plan.match_spec(parsed))
    excluded = plan.exclude_spec(parsed)
    if excluded is not None:
        matched &= ~snap.match_mask(excluded)
    date_mask = snap.date_mask(params.date_from, params.date_to)
    dim_masks = {}
    for facet in engine.FACET_FIELDS:
        chosen = params.selected(facet)
        if chosen:
            values = snap.facet_masks[facet]
            dim_masks[facet] = bitset.union(values.get(v, 0) for v in chosen)
    final = matched & date_mask
    for m in dim_masks.values():
        final &= m
    return _Matches(snap, parsed, matched, date_mask, dim_masks, final)


def _did_you_mean(snap: engine.Snapshot, params: SearchParams, parsed: ParsedQuery,
                  total: int) -> Optional[str]:
    """The whole query with its unknown words replaced by the nearest known ones, when that finds
    more than the query did (with the same filters); else None. Names, phrases and issue
    references are taken as meant."""
    key = (params.q, tuple(params.department), tuple(params.year), tuple(params.type),
           params.kind, params.date_from, params.date_to)
    if key in snap.suggestions:  # a person pages, or asks again: the offer is already known
        return snap.suggestions[key]
    if len(snap.suggestions) > SUGGESTION_CACHE_SIZE:
        snap.suggestions.clear()
    offer = snap.suggestions[key] = _correction(snap, params, parsed, total)
    return offer


def _correction(snap: engine.Snapshot, params: SearchParams, parsed: ParsedQuery,
                total: int) -> Optional[str]:
    if snap.suggester is None:
        snap.suggester = suggest.Suggester.build(snap.vocabulary(suggest.VOCABULARY_SIZE))
    corrections = {}
    for term in [leaf for t in parsed.positive_terms() for leaf in t.leaves()]:
        if term.phrase or term.department or term.column or term.issue or snap.has_word(term.text):
            continue
        variants = snap.variants(term.text) if not term.text.isascii() else None
        right = snap.suggester.nearest(term.text, variants)
        if right and right != term.text:
            corrections[term.text] = right
    if not corrections:
        return None
    candidate = suggest.corrected_query(params.q, corrections)
    better = parse_query(candidate)
    if candidate == params.q or better.nothing_searchable:
        return None
    found = _match(snap, replace(params, q=candidate), better).final
    return candidate if bitset.count(found) > total else None


def _by_relevance(matches: _Matches, offset: int, count: int) -> list:
    """Sections holding every word contiguously first (an unspaced word: the whole string, then its
    parts each whole), then the rest; within each, the sections squarely about the departments and
    columns named (plan.named_spec) first; within those, the ones whose heading holds the words
    (plan.heading_spec); then the ones where the words stand close together (plan.near_spec);
    each tier by score."""
    snap, parsed = matches.snapshot, matches.parsed
    rank = plan.rank_terms(parsed)
    tiers = [matches.final]
    for spec in (plan.contiguous_spec(parsed), plan.parts_contiguous_spec(parsed),
                 plan.named_spec(parsed), plan.heading_spec(parsed), plan.near_spec(parsed)):
        if spec is not None:
            mask = snap.match_mask(spec)
            tiers = [part for tier in tiers for part in (tier & mask, tier & ~mask)]
    window, start = [], 0
    for tier in tiers:
        size = bitset.count(tier)
        lo, hi = max(offset, start), min(offset + count, start + size)
        if lo < hi:  # this tier overlaps the page: rank only as deep as the page reaches
            ranked = snap.ranked(rank, tier, hi - start)
            window.extend(ranked[lo - start:])
        start += size
    return window


def _facets(matches: _Matches, params: SearchParams) -> dict:
    out = {}
    for facet in engine.FACET_FIELDS:
        base = matches.others(facet)
        chosen = params.selected(facet)
        values = []
        for value, mask in matches.snapshot.facet_masks[facet].items():
            n = bitset.count(base & mask)
            if n or value in chosen:
                values.append({"value": value, "count": n, "selected": value in chosen})
        for value in chosen:  # a selected value the index does not hold still shows, at 0
            if value not in matches.snapshot.facet_masks[facet]:
                values.append({"value": value, "count": 0, "selected": True})
        if facet in FACET_ORDER_BY_VALUE:
            values.sort(key=lambda v: v["value"], reverse=True)
        else:
            values.sort(key=lambda v: (-v["count"], v["value"]))
        out[facet] = values
    return out


def _hits(matches: _Matches, window: list, full_text: bool = False) -> list[dict]:
    if not window:
        return []
    hl = snip.highlighter_for(matches.parsed)
    payloads = matches.snapshot.payloads([d for d, _ in window])
    return [_hit(hl, payload, score, full_text) for payload, (_, score) in zip(payloads, window)]


def _hit(hl: snip.Highlighter, p: dict, score: Optional[float], full_text: bool = False) -> dict:
    paragraphs = p["paragraphs"]
    best = snip.best_paragraph(hl, paragraphs) if paragraphs else None
    pid, text, page = paragraphs[best] if best is not None else ("", "", None)
    source_url = f"/issues/{p['issue_id']}/source"
    if p.get("is_pdf") and page is not None:
        source_url += f"#page={page}"
    hit = {
        "section_id": p["section_id"], "issue_id": p["issue_id"], "issue_title": p["issue_title"],
        "published": p["published"], "kind": p["kind"], "heading": list(p["heading"]),
        "type": p["type"], "departments": list(p["departments"]),
        "snippet": snip.snippet(hl, text),
        "url": f"/issues/{p['issue_id']}#{pid}" if pid else f"/issues/{p['issue_id']}",
        "page": page, "source_url": source_url,
        "score": round(score, 4) if score is not None else None,
    }
    if full_text:
        hit["paragraph_text"] = text
    return hit


def _segments(parsed: ParsedQuery) -> list[dict]:
    out = [dict(t.describe(), excluded=False) for t in parsed.positive_terms()]
    out += [dict(t.describe(), excluded=True) for t in parsed.excluded]
    return out


def _issue_refs(parsed: ParsedQuery) -> list[dict]:
    """The issue references of the query (for the page's removable chips): the word as read and
    the reference in the bulletins' words."""
    leaves = [leaf for t in parsed.positive_terms() for leaf in t.leaves()]
    return [{"word": leaf.text, "label": leaf.issue.label()} for leaf in leaves if leaf.issue]


def public_reply(reply: dict) -> dict:
    """The /api/search reply as docs/interface.md shows it. ``segments``, ``issue_refs`` and each facet value's
    ``selected`` flag are for the search page; API and CLI clients get the contract's keys."""
    public = {key: value for key, value in reply.items() if key not in ("segments", "issue_refs")}
    public["facets"] = {name: [{"value": item["value"], "count": item["count"]} for item in items]
                        for name, items in reply["facets"].items()}
    return public
