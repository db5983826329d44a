"""The index, engine-independent: the section documents every engine indexes, which engine a
generation was built by, and ``Snapshot``, one open index state with the bitsets, caches, match
spec evaluation, ranking and date and facet masks a search needs.

The engines themselves (schema, writer, postings, term statistics, stored payloads) are behind
``backends``; nothing here imports one. A snapshot asks its backend's reader for postings, columns
and scores and keeps everything else above it, so both engines find exactly the same sections.
"""
from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional

from . import analysis, backends
from .bitset import docs_to_mask, mask_to_docs
from .errors import IndexUnreadable
from .issue_refs import IssueRef
from .params import FACETS

# Bump whenever the schema or the analysis changes what is indexed: indexing then rebuilds.
# 4: issues are dated by the end of the period they report on, not by their publication date.
# 5: issue_total (总第415期), lead_department; traditional characters folded
# 6: Whoosh's table of contents pickles its analyzers by module path, and they moved from
#    engine.py to backends/whoosh_backend.py, so an index of schema 5 cannot be opened any more
# 7: each generation holds its 办件 figures (figures_store.py).
# 8: heading_chars, how much of the Ctrl+F text is the heading (a match there ranks first)
SCHEMA_VERSION = 8
FACET_FIELDS = FACETS
_FIELD_OF_FACET = {"department": "departments", "year": "year", "type": "type", "kind": "kind"}
# Sections of one issue keep their order; issues are ordered by the date they report on.
_ORDINALS_PER_ISSUE = 10000
# Bounded caches per snapshot. A bitset is at most doc_count/8 bytes (6 KB at 45,000 sections)
# and a score array doc_count*8 (400 KB), so these stay under 100 MB at the largest.
MATCH_CACHE_SIZE = 512  # spec -> bitset (whole words, departments, queries)
GRAM_CACHE_SIZE = 4096  # bigram -> bitset
SCORE_CACHE_BYTES = 64 << 20  # word-index term -> (bitset, scores by docnum): 160 terms at 50,000
# A run is checked by substring on the sections holding its rarest bigrams; ANDing more bigram
# lists costs more than checking the few candidates left.
CANDIDATE_GRAMS = 2


# --- which engine ------------------------------------------------------------------------------

def engine_of(meta: dict) -> str:
    """The engine that built a generation, from its GENERATION.json (older ones: Whoosh)."""
    return meta.get("engine") or backends.DEFAULT_ENGINE


def create_index(gen: Path, engine: str):
    return backends.load(engine).create(gen)


def open_index(gen: Path, engine: str):
    """An existing index for writing; IndexUnreadable when it cannot be opened (never deleted)."""
    return backends.load(engine).open(gen)


def remove_unused_files(gen: Path, engine: str) -> list[str]:
    """Remove what failed or killed writers left in ``gen`` that the index on disk does not use
    (the engine's own file names only); returns the names removed."""
    return backends.load(engine).remove_unused_files(gen)


def issue_versions(gen: Path, engine: str, issue_ids: Iterable[str]) -> dict:
    """issue id -> the bulletin version the committed index holds (None: not held, or not said)."""
    reader = backends.load(engine).open_reader(gen)
    try:
        live = set(reader.live_docs())
        return {issue_id: _issue_version(reader, live, issue_id) for issue_id in issue_ids}
    finally:
        reader.close()


def _issue_version(reader, live: set, issue_id: str) -> Optional[str]:
    docs = [d for d in reader.postings("issue_id", issue_id) if d in live]
    if not docs:
        return None
    return reader.payloads(docs[:1])[0].get("version")


# --- the documents ------------------------------------------------------------------------------

def report_date(issue: dict) -> datetime:
    """The date an issue is filed under: the last day of the period it reports on (2025年第12期,
    the December monthly published 2026-01-12, is 2025-12-31), as its year facet is the year it
    reports on; the publication date where no period was read. Date filters and sorting use it."""
    period = issue.get("period") or []
    return datetime.fromisoformat(period[1] if len(period) == 2 and period[1] else issue["published"])


def section_documents(bulletin: dict, version: Optional[str] = None) -> Iterable[dict]:
    """The engine-independent documents of one parsed bulletin (``Bulletin.to_dict()`` shape):
    plain strings, lists and dicts, so that a parsing worker can send them to the writer.
    ``version`` names the stored bulletin they are cut from (store.bulletin_version)."""
    issue = bulletin["issue"]
    published = report_date(issue)
    source_path = (issue.get("source") or {}).get("path") or ""
    is_pdf = source_path.lower().endswith(".pdf")
    for ordinal, section in enumerate(bulletin["sections"]):
        heading = " ".join(section["heading"])
        text = "\n".join(p["text"] for p in section["paragraphs"])
        searchable = f"{heading}\n{text}"
        yield dict(
            issue_id=issue["id"],
            issue_total=str(issue.get("total_number") or "-"),  # "-": none (never typed 总第-期)
            year=str(issue["year"]),
            kind=issue["kind"],
            type=section["type"] or "",
            departments=list(section["departments"]),
            # the department named first: the one acting in the item, not one of a roll of names
            lead_department=section["departments"][0] if section["departments"] else "-",
            order=published.toordinal() * _ORDINALS_PER_ISSUE + min(ordinal, _ORDINALS_PER_ISSUE - 1),
            # ranking terms, jieba words with their counts
            words=analysis.index_words(searchable),
            # candidate terms: which sections hold a bigram
            bigrams=sorted(analysis.index_bigrams(searchable)),
            # the Ctrl+F view: folded, without whitespace; a candidate is confirmed on it
            text=analysis.searchable_text(searchable),
            # the heading is that text's first characters (folding keeps one character for one)
            heading_chars=len(analysis.searchable_text(heading)),
            payload={
                "section_id": section["id"], "issue_id": issue["id"], "issue_title": issue["title"],
                "published": issue["published"], "kind": issue["kind"], "year": issue["year"],
                "heading": list(section["heading"]), "type": section["type"],
                "departments": list(section["departments"]), "is_pdf": is_pdf,
                "paragraphs": [[p["id"], p["text"], p["page"]] for p in section["paragraphs"]],
                # which stored bulletin these sections were cut from (store.load_bulletin)
                "version": version,
            },
        )


# --- one open index state -----------------------------------------------------------------------

class Snapshot:
    """One committed state of one generation, read through its engine's reader, with the
    per-document data facets, filters and sorting need, read once from the index.

    Readers are not documented as thread-safe, so calls into them are serialised by a lock; the
    work between them (snippets, facets on bitsets) runs outside it.
    """

    def __init__(self, gen: Path, engine: str = backends.DEFAULT_ENGINE):
        self.gen = Path(gen)
        self.engine = engine
        self.reader = backends.load(engine).open_reader(self.gen)
        self.lock = threading.Lock()
        try:
            self._load_columns()
        except IndexUnreadable:
            self.reader.close()
            raise
        except Exception as e:  # a cut-short segment: EOFError, struct.error…; never "delete it"
            self.reader.close()
            raise IndexUnreadable(f"cannot read the index in {self.gen} "
                                  f"({type(e).__name__}: {str(e)[:80]})") from e

    def _load_columns(self) -> None:
        reader = self.reader
        self.doc_count_all = reader.doc_count_all
        live = reader.live_docs()
        self.live_mask = docs_to_mask(live)
        self.section_count = len(live)
        self.issue_ids = reader.issue_ids()  # issues with a live section
        self.issue_id_set = frozenset(self.issue_ids)
        self.issue_count = len(self.issue_ids)
        # value -> bitset of live documents, per facet
        self.facet_masks: dict[str, dict[str, int]] = {}
        for facet in FACET_FIELDS:
            values = {}
            for value, docs in reader.facet_postings(_FIELD_OF_FACET[facet]).items():
                mask = docs_to_mask(docs) & self.live_mask
                if mask:
                    values[value] = mask
            self.facet_masks[facet] = values
        self.lead_masks: dict[str, int] = {}
        for value, docs in reader.facet_postings("lead_department").items():
            mask = docs_to_mask(docs) & self.live_mask
            if mask:
                self.lead_masks[value] = mask
        keys = dict(zip(live, reader.orders(live)))
        # newest first, sections in their bulletin's order; oldest first likewise
        self.newest = sorted(live, key=lambda d: (-(keys[d] // _ORDINALS_PER_ISSUE),
                                                  keys[d] % _ORDINALS_PER_ISSUE, d))
        self.oldest = sorted(live, key=lambda d: (keys[d], d))
        self._oldest_ordinals = [keys[d] // _ORDINALS_PER_ISSUE for d in self.oldest]
        # the position of each document in newest-first order, to sort a few matches cheaply
        self.newest_rank = {d: i for i, d in enumerate(self.newest)}
        # the Ctrl+F view of every live section: a candidate is confirmed by one substring test,
        # about 1 µs, where Whoosh's phrase matcher over positions took about 100 µs
        self.texts: list[str] = [""] * self.doc_count_all
        for d, text in zip(live, reader.texts(live)):
            self.texts[d] = text
        # each section's heading in the same form (its text's first characters), for "heading"
        # specs: cut once here, not once per candidate of every query
        self.headings: list[str] = [""] * self.doc_count_all
        for d, chars in zip(live, reader.heading_chars(live)):
            self.headings[d] = self.texts[d][:chars]
        self._date_masks: dict = {}
        self._vocabularies: dict[int, list] = {}
        self.suggester = None  # suggest.py's, built on the first query that finds little
        self.suggestions: dict = {}  # (query, filters) -> the offer made (service.py)
        self._match_cache: OrderedDict = OrderedDict()
        self._gram_cache: OrderedDict = OrderedDict()
        self._score_cache: OrderedDict = OrderedDict()
        self._score_cache_size = max(16, SCORE_CACHE_BYTES // max(1, 8 * self.doc_count_all))

    def date_mask(self, date_from, date_to) -> int:
        """Bitset of the live documents whose issue reports on a period ending in [date_from,
        date_to] (either may be None); see ``report_date``."""
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
        return self.reader.is_current()

    # --- matching: bitsets of live documents ---------------------------------------------------

    def match_mask(self, spec) -> int:
        """Bitset of the live documents matching a plan.py spec (None: all). Kept per spec, since
        a person paging or toggling facets asks the same query again and again, and the same
        words and departments recur across queries."""
        if spec is None:
            return self.live_mask
        with self.lock:
            return self._eval(spec)

    def _eval(self, spec) -> int:
        mask = _cache_get(self._match_cache, spec)
        if mask is not None:
            return mask
        kind = spec[0]
        if kind == "sub":
            mask = self.live_mask
            for run in spec[1]:
                mask &= self._run_mask(run)
                if not mask:
                    break
        elif kind == "exact":  # candidates by the runs' bigrams, then Ctrl+F on the whole string
            texts, text = self.texts, spec[1]
            mask = docs_to_mask([d for d in mask_to_docs(self._eval(("sub", spec[2])))
                                 if text in texts[d]])
        elif kind == "dept":
            mask = self.facet_masks["department"].get(spec[1], 0)
            for form in spec[2]:
                mask |= self._eval(form)
        elif kind == "column":  # like a department: the section type, or the word as typed
            mask = self.facet_masks["type"].get(spec[1], 0)
            for form in spec[2]:
                mask |= self._eval(form)
        elif kind == "issue":
            mask = self._issue_mask(spec[1])
        elif kind == "lead":  # the department named first
            mask = self.lead_masks.get(spec[1], 0)
        elif kind == "type":
            mask = self.facet_masks["type"].get(spec[1], 0)
        elif kind == "heading":  # sections holding each group's word, one of them in the heading
            _, groups = spec
            headings = self.headings
            mask = self._eval(("and", tuple(found for found, _ in groups)))
            docs = mask_to_docs(mask)
            if len(groups) == 1 and len(groups[0][1]) == 1:  # one word, the common case: no
                word = groups[0][1][0]                        # generators per candidate
                docs = [d for d in docs if word in headings[d]]
            else:
                docs = [d for d in docs
                        if all(any(w in headings[d] for w in words) for _, words in groups)]
            mask = docs_to_mask(docs)
        elif kind == "near":  # the sections holding every word, then a look at where they stand
            _, specs, words, gap = spec
            texts = self.texts
            mask = self._eval(("and", specs))
            mask = docs_to_mask([d for d in mask_to_docs(mask)
                                 if _within(texts[d], words, gap)])
        elif kind == "and":
            mask = self.live_mask
            for part in spec[1]:
                mask &= self._eval(part)
                if not mask:
                    break
        elif kind == "or":
            mask = 0
            for part in spec[1]:
                mask |= self._eval(part)
        else:
            raise ValueError(f"unknown match spec {spec!r}")
        _cache_put(self._match_cache, spec, mask, MATCH_CACHE_SIZE)
        return mask

    def _issue_mask(self, ref: IssueRef) -> int:
        """Live sections of the issues a reference selects (by id; 总第N期 by its own field)."""
        if ref.total is not None:
            field, values = "issue_total", [str(ref.total)]
        else:
            field, values = "issue_id", [i for i in self.issue_ids if ref.selects(i)]
        mask = 0
        for value in values:
            if self.reader.doc_frequency(field, value):
                mask |= docs_to_mask(self.reader.postings(field, value))
        return mask & self.live_mask

    def _run_mask(self, run: str) -> int:
        """Live documents where the run of word characters occurs (Ctrl+F parity)."""
        if len(run) == 1:  # no one-character terms are indexed: check every section
            candidates = self.live_mask
        else:
            grams = sorted(set(analysis.bigrams(run)), key=self._gram_frequency)
            candidates = self._gram_mask(grams[0])
            if len(grams) == 1 or not candidates:
                return candidates  # the run is one bigram: the postings are the answer
            for gram in grams[1:CANDIDATE_GRAMS]:
                candidates &= self._gram_mask(gram)
        texts = self.texts
        return docs_to_mask([d for d in mask_to_docs(candidates) if run in texts[d]])

    def _gram_frequency(self, gram: str) -> int:
        return self.reader.doc_frequency("bigrams", gram)

    def _gram_mask(self, gram: str) -> int:
        mask = _cache_get(self._gram_cache, gram)
        if mask is None:
            mask = docs_to_mask(self.reader.postings("bigrams", gram)) & self.live_mask
            _cache_put(self._gram_cache, gram, mask, GRAM_CACHE_SIZE)
        return mask

    # --- ranking --------------------------------------------------------------------------------

    def _term_scores(self, word: str) -> tuple[int, array]:
        """(bitset, score by docnum) of one word-index term, as the engine scores it in a search;
        computed once per snapshot instead of for every match of every query."""
        cached = _cache_get(self._score_cache, word)
        if cached is not None:
            return cached
        scores = array("d", bytes(8 * self.doc_count_all))
        docs = self.reader.term_scores(word, scores)
        cached = (docs_to_mask(docs) & self.live_mask, scores)
        _cache_put(self._score_cache, word, cached, self._score_cache_size)
        return cached

    def ranked(self, terms, allowed: int, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` of the allowed documents (a bitset) by the summed scores of the
        (word, boost) terms, ties by docnum as Whoosh breaks them; then the allowed documents
        holding none of the terms, newest first, at 0."""
        if not allowed or limit <= 0:
            return []
        found: list[tuple[int, float]] = []
        scored = 0
        if terms:
            with self.lock:
                parts = [(self._term_scores(word), boost) for word, boost in terms]
            for (mask, _), _ in parts:
                scored |= mask
            scored &= allowed
            docs = mask_to_docs(scored)
            if len(parts) == 1:
                (_, scores), boost = parts[0]
                keyed = [(-scores[d] * boost, d) for d in docs]
            else:
                columns = [(scores, boost) for (_, scores), boost in parts]
                keyed = [(-sum(s[d] * b for s, b in columns), d) for d in docs]
            found = [(d, -negated) for negated, d in heapq.nsmallest(limit, keyed)]
        rest = allowed & ~scored
        if len(found) < limit and rest:  # matches without a scoring word: newest first
            found += [(d, 0.0) for d in self.newest_first(rest, limit - len(found))]
        return found

    def newest_first(self, mask: int, count: int) -> list[int]:
        """The first ``count`` documents of a bitset in newest-first order."""
        docs = mask_to_docs(mask)
        if len(docs) <= 4 * count or len(docs) * 8 < len(self.newest):
            return heapq.nsmallest(count, docs, key=self.newest_rank.__getitem__)
        wanted = set(docs)  # many: walking the order from the top stops early
        picked = []
        for d in self.newest:
            if d in wanted:
                picked.append(d)
                if len(picked) >= count:
                    break
        return picked

    def vocabulary(self, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` most widespread words of the word index (two characters or more, not
        numbers), with the number of sections holding each: what "did you mean" may propose.
        Read once per snapshot, on the first query that needs it."""
        cached = self._vocabularies.get(limit)
        if cached is None:
            with self.lock:
                found = [(word, frequency) for word, frequency in self.reader.terms("words")
                         if len(word) >= 2 and not word.isdigit() and analysis.is_word_char(word[0])]
            found.sort(key=lambda item: (-item[1], item[0]))
            cached = self._vocabularies[limit] = found[:limit]
        return cached

    def variants(self, word: str, max_docs: int = 3000) -> dict[str, int]:
        """Strings of the sections that differ from the word in one character (电子正照 ->
        电子证照), with how many sections hold each: Ctrl+F with one wildcard, for "did you mean"
        where the word index cut the intended word apart. Candidates are the sections holding the
        longer side of the wildcard; at most ``max_docs`` of them are read per position."""
        import re

        found: dict[str, set] = {}
        for i in range(len(word)):
            left, right = word[:i], word[i + 1:]
            anchor = left if len(left) >= len(right) else right
            if len(anchor) < 2:
                continue
            with self.lock:
                candidates = mask_to_docs(self._run_mask(anchor))[:max_docs]
            pattern = re.compile(re.escape(left) + r"[^\W\d_]" + re.escape(right))
            for d in candidates:
                for m in pattern.finditer(self.texts[d]):
                    if m.group(0) != word:
                        found.setdefault(m.group(0), set()).add(d)
        return {text: len(docs) for text, docs in found.items()}

    def has_word(self, word: str) -> bool:
        """Whether the word index holds the word as one of its terms."""
        with self.lock:
            return bool(self.reader.doc_frequency("words", word))

    def payloads(self, docnums: list[int]) -> list[dict]:
        with self.lock:
            return self.reader.payloads(docnums)

    def issue_version(self, issue_id: str) -> Optional[str]:
        """The version of the stored bulletin this index state holds ``issue_id`` from
        (store.bulletin_version); None when it holds no such issue, or was written before
        versions were recorded (then any stored one fits)."""
        docs = mask_to_docs(self.match_mask(None) & docs_to_mask(self._issue_docs(issue_id)))
        return self.payloads(docs[:1])[0].get("version") if docs else None

    def _issue_docs(self, issue_id: str) -> list[int]:
        with self.lock:
            return self.reader.postings("issue_id", issue_id)

    def close(self) -> None:
        with self.lock:
            self.reader.close()


def _within(text: str, words: tuple[str, ...], gap: int, most: int = 200) -> bool:
    """Whether all the words occur in the text in one stretch no longer than their own lengths
    plus ``gap`` characters (the first ``most`` occurrences of each are looked at)."""
    found = []  # (start, end, which word), by start
    for which, word in enumerate(words):
        at, count = text.find(word), 0
        while at >= 0 and count < most:
            found.append((at, at + len(word), which))
            at, count = text.find(word, at + 1), count + 1
    found.sort()
    limit = sum(len(w) for w in words) + gap
    for i, (first, _, _) in enumerate(found):  # each occurrence as the start of a stretch
        covered = set()
        for begin, end, which in found[i:]:
            if begin - first > limit:
                break
            if end - first <= limit:
                covered.add(which)
                if len(covered) == len(words):
                    return True
    return False


def _cache_get(cache: OrderedDict, key):
    value = cache.get(key)
    if value is not None:
        cache.move_to_end(key)
    return value


def _cache_put(cache: OrderedDict, key, value, size: int) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)
