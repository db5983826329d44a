"""The one module that imports whoosh: the schema, the analyzers' Whoosh adapters, writing section
documents, turning a parsed query into Whoosh queries, and a snapshot of one index state.

Keeping Whoosh behind this module means a later engine (Tantivy, SQLite FTS) replaces one file.
"""
from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..departments import written_forms
from . import analysis
from .bitset import docs_to_mask
from .query import ParsedQuery, Term

# Bump whenever the schema or the analysis changes what is indexed: indexing then rebuilds.
SCHEMA_VERSION = 1
FACET_FIELDS = ("department", "year", "type", "kind")
_FIELD_OF_FACET = {"department": "departments", "year": "year", "type": "type", "kind": "kind"}
# Sections of one issue keep their order; issues are ordered by publication date.
_ORDINALS_PER_ISSUE = 10000
MATCH_CACHE_SIZE = 32


class IndexUnreadable(Exception):
    """The index exists but cannot be opened. Never a reason to delete it."""


class IndexOutdated(Exception):
    """The index was built with another schema version: ``index --rebuild`` builds a current one."""


# --- analyzers ----------------------------------------------------------------------------------

class _StreamTokenizer(Tokenizer):
    """Adapts one of analysis.py's token streams to Whoosh's tokenizer contract (one reused Token
    object; honour positions/chars/start_pos/start_char; no stop words)."""

    def _stream(self, value: str, mode: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for tok in self._stream(value, mode):
            t.text = tok.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[tok.start:tok.end]
            if positions:
                t.pos = start_pos + tok.pos
            if chars:
                t.startchar = start_char + tok.start
                t.endchar = start_char + tok.end
            yield t


class WordTokenizer(_StreamTokenizer):
    """jieba words; sub-words only at index time (a query keeps its own words)."""

    def _stream(self, value, mode):
        return analysis.word_tokens(value, subwords=(mode != "query"))


class BigramTokenizer(_StreamTokenizer):
    def _stream(self, value, mode):
        return analysis.bigram_tokens(value)


def build_schema() -> Schema:
    return Schema(
        section_id=ID(stored=True, unique=True),
        issue_id=ID(stored=True),
        year=ID(stored=True),
        kind=ID(stored=True),
        type=ID(stored=True),
        departments=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        published=DATETIME(stored=True),
        order=NUMERIC(int, bits=64, signed=False, sortable=True),
        # Ranking only, so no positions: they would cost build time and index size for nothing.
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
        # Matching: phrases of bigrams are substring tests, so positions are needed here.
        bigrams=TEXT(analyzer=BigramTokenizer(), phrase=True),
        payload=STORED(),
    )


# --- writing ------------------------------------------------------------------------------------

def create_index(gen: Path):
    return whoosh_index.create_in(str(gen), build_schema())


def open_index(gen: Path):
    try:
        return whoosh_index.open_dir(str(gen))
    except Exception as e:  # whoosh raises several kinds; all mean "cannot read it", none "delete it"
        raise IndexUnreadable(f"cannot open the index in {gen}: {e}") from e


def open_writer(ix):
    # One process: Whoosh's multiprocess writer fights the other agents' cores for little gain.
    return ix.writer(limitmb=256, procs=1)


def section_documents(bulletin: dict) -> Iterable[dict]:
    """The Whoosh documents of one parsed bulletin (``Bulletin.to_dict()`` shape)."""
    issue = bulletin["issue"]
    published = datetime.fromisoformat(issue["published"])
    source_path = (issue.get("source") or {}).get("path") or ""
    is_pdf = source_path.lower().endswith(".pdf")
    for ordinal, section in enumerate(bulletin["sections"]):
        heading = " ".join(section["heading"])
        text = "\n".join(p["text"] for p in section["paragraphs"])
        searchable = f"{heading}\n{text}"
        yield dict(
            section_id=section["id"],
            issue_id=issue["id"],
            year=str(issue["year"]),
            kind=issue["kind"],
            type=section["type"] or "",
            departments=",".join(section["departments"]),
            published=published,
            order=published.toordinal() * _ORDINALS_PER_ISSUE + min(ordinal, _ORDINALS_PER_ISSUE - 1),
            words=searchable,
            bigrams=searchable,
            payload={
                "section_id": section["id"], "issue_id": issue["id"], "issue_title": issue["title"],
                "published": issue["published"], "kind": issue["kind"], "year": issue["year"],
                "heading": list(section["heading"]), "type": section["type"],
                "departments": list(section["departments"]), "is_pdf": is_pdf,
                "paragraphs": [[p["id"], p["text"], p["page"]] for p in section["paragraphs"]],
            },
        )


def delete_issue(writer, issue_id: str) -> None:
    writer.delete_by_term("issue_id", issue_id)


# --- queries ------------------------------------------------------------------------------------

def _run_query(run: str) -> Q.Query:
    """Documents holding this run of word characters as a substring (see analysis.bigram_tokens)."""
    if len(run) == 1:
        return Q.Prefix("bigrams", run)  # a bigram starting with it, or a run's last character
    grams = analysis.bigrams(run)
    if len(grams) == 1:
        return Q.Term("bigrams", grams[0])
    return Q.Phrase("bigrams", grams)


def substring_query(text: str) -> Optional[Q.Query]:
    """Documents where the text occurs (whitespace ignored; punctuation splits it into parts that
    must all occur). None when the text holds nothing searchable."""
    parts = [_run_query(r) for r in analysis.runs(text)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _department_query(canonical: str) -> Q.Query:
    forms = [substring_query(f) for f in written_forms(canonical)]
    return Q.Or([Q.Term("departments", canonical)] + [f for f in forms if f is not None])


def term_match(term: Term) -> Optional[Q.Query]:
    """What a term must find: a department in any form; a phrase contiguous; a word all its
    segments, wherever they stand."""
    if term.department:
        return _department_query(term.department)
    if term.phrase or len(term.segments) <= 1:
        return substring_query(term.text)
    parts = [substring_query(s) for s in term.segments]
    parts = [p for p in parts if p is not None]
    return Q.And(parts) if parts else None


def term_contiguous(term: Term) -> Optional[Q.Query]:
    """The stricter form ranked first: the whole word as one contiguous phrase."""
    if term.department:
        return _department_query(term.department)
    return substring_query(term.text)


def _term_rank(term: Term) -> list[Q.Query]:
    """Word-index terms that score a match (the bigrams only decide whether it matches)."""
    if term.department:
        return [Q.Term("words", analysis.fold(f), boost=2.0) for f in written_forms(term.department)]
    found = [Q.Term("words", s) for s in term.segments]
    if len(term.segments) > 1:
        found.append(Q.Term("words", analysis.compact(term.text), boost=2.0))
    return found


def _combine(parsed: ParsedQuery, per_term) -> Optional[Q.Query]:
    groups = []
    for group in parsed.groups:
        alternatives = [q for q in (per_term(t) for t in group) if q is not None]
        if alternatives:
            groups.append(alternatives[0] if len(alternatives) == 1 else Q.Or(alternatives))
    if not groups:
        return None
    return groups[0] if len(groups) == 1 else Q.And(groups)


def match_query(parsed: ParsedQuery) -> Optional[Q.Query]:
    """None means every document (an empty query browses)."""
    return _combine(parsed, term_match)


def contiguous_query(parsed: ParsedQuery) -> Optional[Q.Query]:
    """Only worth running when some word can match with its segments apart."""
    if not any(not t.phrase and not t.department and len(t.segments) > 1
               for g in parsed.groups for t in g):
        return None
    return _combine(parsed, term_contiguous)


def exclude_query(parsed: ParsedQuery) -> Optional[Q.Query]:
    # -word drops sections holding the word itself (Ctrl+F), not merely its segments apart.
    parts = [q for q in (term_contiguous(t) for t in parsed.excluded) if q is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.Or(parts)


def rank_query(parsed: ParsedQuery) -> Optional[Q.Query]:
    """Scores matches by the words they hold. Only word-index terms: scoring the bigram phrases
    too tripled the cost of a common word for no better order. A match holding none of these
    (jieba cut its sentence otherwise) scores 0 and follows the others."""
    scoring = [q for g in parsed.groups for t in g for q in _term_rank(t)]
    if not scoring:
        return None
    return scoring[0] if len(scoring) == 1 else Q.Or(scoring)


# --- one open index state -----------------------------------------------------------------------

class Snapshot:
    """An open searcher on one committed state of one generation, with the per-document data
    facets, filters and sorting need, read once from the index's own columns and postings.

    Whoosh searchers are not documented as thread-safe, so calls are serialised by a lock; the
    work between them (snippets, facets on bitsets) runs outside it.
    """

    def __init__(self, gen: Path):
        self.gen = Path(gen)
        self.ix = open_index(self.gen)
        if self.ix.schema.names() != build_schema().names():
            raise IndexOutdated(f"the index in {self.gen} was built with another schema")
        self.generation = self.ix.latest_generation()
        self.searcher = self.ix.searcher()
        self.lock = threading.Lock()
        self._load_columns()

    def _load_columns(self) -> None:
        reader = self.searcher.reader()
        self.doc_count_all = reader.doc_count_all()
        live = list(reader.all_doc_ids())
        self.live_mask = docs_to_mask(live)
        self.section_count = len(live)
        # the lexicon keeps terms of deleted documents until a merge: count issues with live ones
        self.issue_count = sum(1 for issue_id in reader.field_terms("issue_id")
                               if reader.postings("issue_id", issue_id).is_active())
        # value -> bitset of live documents, per facet
        self.facet_masks: dict[str, dict[str, int]] = {}
        for facet in FACET_FIELDS:
            field = _FIELD_OF_FACET[facet]
            values = {}
            for value in reader.field_terms(field):
                mask = docs_to_mask(reader.postings(field, value).all_ids())
                if mask:
                    values[value] = mask
            self.facet_masks[facet] = values
        column = reader.column_reader("order") if live else None
        keys = {d: column[d] for d in live} if column is not None else {}
        self.published_ordinal = {d: k // _ORDINALS_PER_ISSUE for d, k in keys.items()}
        # newest first, sections in their bulletin's order; oldest first likewise
        self.newest = sorted(live, key=lambda d: (-(keys[d] // _ORDINALS_PER_ISSUE),
                                                  keys[d] % _ORDINALS_PER_ISSUE, d))
        self.oldest = sorted(live, key=lambda d: (keys[d], d))
        self._oldest_ordinals = [keys[d] // _ORDINALS_PER_ISSUE for d in self.oldest]
        self._date_masks: dict = {}
        self._match_cache: dict = {}

    def date_mask(self, date_from, date_to) -> int:
        """Bitset of the live documents published in [date_from, date_to] (either may be None)."""
        if date_from is None and date_to is None:
            return self.live_mask
        key = (date_from, date_to)
        if key not in self._date_masks:
            lo = bisect_left(self._oldest_ordinals, date_from.toordinal()) if date_from else 0
            hi = (bisect_right(self._oldest_ordinals, date_to.toordinal()) if date_to
                  else len(self.oldest))
            if len(self._date_masks) > 64:
                self._date_masks.clear()
            self._date_masks[key] = docs_to_mask(self.oldest[lo:hi])
        return self._date_masks[key]

    def is_current(self) -> bool:
        try:
            return self.ix.latest_generation() == self.generation
        except Exception:
            return False

    def match_mask(self, q: Optional[Q.Query]) -> int:
        """Bitset of the live documents matching ``q`` (None: all). The last few are kept, since
        a person paging or toggling facets asks the same query again and again."""
        if q is None:
            return self.live_mask
        key = repr(q)
        with self.lock:
            mask = self._match_cache.get(key)
            if mask is None:
                mask = docs_to_mask(q.docs(self.searcher)) & self.live_mask
                if len(self._match_cache) >= MATCH_CACHE_SIZE:
                    self._match_cache.pop(next(iter(self._match_cache)))
                self._match_cache[key] = mask
            return mask

    def ranked(self, q: Q.Query, allowed: set[int], limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` of the allowed documents by score."""
        if not allowed or limit <= 0:
            return []
        found = []
        if q is not None:
            with self.lock:
                results = self.searcher.search(q, limit=limit, filter=allowed)
                found = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
        if len(found) < limit:  # matches without a scoring word: newest first, after the rest
            seen = {d for d, _ in found}
            for d in self.newest:
                if d in allowed and d not in seen:
                    found.append((d, 0.0))
                    if len(found) >= limit:
                        break
        return found

    def payloads(self, docnums: list[int]) -> list[dict]:
        with self.lock:
            return [self.searcher.stored_fields(d)["payload"] for d in docnums]

    def close(self) -> None:
        with self.lock:
            self.searcher.close()
