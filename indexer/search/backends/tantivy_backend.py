"""The Tantivy engine (tantivy-py): the same documents and the same answers as Whoosh, with the
postings, term statistics, scoring and storage in Rust.

The project's own analysis is kept: the jieba words and the bigrams the workers computed are
handed over whitespace-joined to Tantivy's ``whitespace`` tokenizer (terms never hold ASCII
whitespace: they come from folded, whitespace-free text), so Tantivy indexes exactly the terms
Whoosh does, and the substring confirmation above the backend reads the same folded text.

Documents are numbered for the bitsets above as ``base of its segment + its number in the
segment``, the bases laid out when a reader opens (a search only ever returns live documents, so
every address it gives falls inside them). The interface is described in the package docstring.
"""
from __future__ import annotations

import json
import os
from array import array
from pathlib import Path

import tantivy

from ..errors import IndexOutdated, IndexUnreadable

NAME = "tantivy"
WRITER_HEAP = 64_000_000  # bytes buffered before Tantivy writes a segment
# Pre-tokenized fields: the terms come from analysis.py, joined by spaces
_TERMS = "whitespace"
_FIELDS = ("issue_id", "issue_total", "year", "kind", "type", "departments", "lead_department",
           "order", "heading_chars", "words", "bigrams", "text", "payload")


def build_schema() -> "tantivy.Schema":
    b = tantivy.SchemaBuilder()
    # exact-term fields: deletes by issue, facets; "raw" keeps each value as one term
    for name in ("issue_id", "issue_total", "year", "kind", "type", "departments", "lead_department"):
        b.add_text_field(name, stored=False, tokenizer_name="raw", index_option="basic")
    b.add_unsigned_field("order", stored=False, indexed=False, fast=True)
    b.add_unsigned_field("heading_chars", stored=False, indexed=False, fast=True)
    # ranking: frequencies and field lengths for BM25, no positions (never a phrase query here)
    b.add_text_field("words", stored=False, tokenizer_name=_TERMS, index_option="freq")
    # candidates only: which sections hold a bigram
    b.add_text_field("bigrams", stored=False, tokenizer_name=_TERMS, index_option="basic")
    # the Ctrl+F view and what a hit shows, stored only
    b.add_bytes_field("text", stored=True, indexed=False, fast=False)
    b.add_bytes_field("payload", stored=True, indexed=False, fast=False)
    return b.build()


def _error(gen: Path, e: Exception, what: str = "read") -> IndexUnreadable:
    return IndexUnreadable(f"cannot {what} the index in {gen} ({type(e).__name__}: {str(e)[:80]}); "
                           "nothing was changed. Run `bulletin-search index --rebuild PATH…` to build "
                           "a new index beside it")


# --- writing ------------------------------------------------------------------------------------

class Index:
    def __init__(self, index: "tantivy.Index", gen: Path):
        self.index = index
        self.gen = gen

    def check_readable(self) -> None:
        """Open every segment's documents once, so a damaged index stops a run before it writes."""
        try:
            Reader(self.gen, self.index).close()
        except IndexUnreadable:
            raise
        except Exception as e:
            raise _error(self.gen, e) from e

    def writer(self) -> "Writer":
        # one thread: the parsing workers and the other processes on the machine want the cores
        return Writer(self.index.writer(heap_size=WRITER_HEAP, num_threads=1))


class Writer:
    def __init__(self, writer: "tantivy.IndexWriter"):
        self._writer = writer

    def add(self, doc: dict) -> None:
        d = tantivy.Document()
        d.add_text("issue_id", doc["issue_id"])
        d.add_text("issue_total", doc["issue_total"])
        d.add_text("lead_department", doc["lead_department"])
        d.add_text("year", doc["year"])
        d.add_text("kind", doc["kind"])
        d.add_text("type", doc["type"])
        for department in doc["departments"]:
            d.add_text("departments", department)
        d.add_unsigned("order", doc["order"])
        d.add_unsigned("heading_chars", doc["heading_chars"])
        d.add_text("words", " ".join(doc["words"]))
        d.add_text("bigrams", " ".join(doc["bigrams"]))
        d.add_bytes("text", doc["text"].encode("utf-8"))
        d.add_bytes("payload", json.dumps(doc["payload"], ensure_ascii=False).encode("utf-8"))
        self._writer.add_document(d)

    def delete_issue(self, issue_id: str) -> None:
        # applies to the documents added before it, committed or not (Tantivy's opstamps)
        self._writer.delete_documents_by_term("issue_id", issue_id)

    def commit(self) -> None:
        """Commit and end this writer, as a Whoosh writer ends with its commit: Tantivy allows
        one writer per index, and the next ``Index.writer()`` must be able to take its lock."""
        self._writer.commit()
        self._close()

    def cancel(self) -> None:
        try:
            self._writer.rollback()
        finally:
            self._close()

    def _close(self) -> None:
        # waits for the merges the commit started, then drops the writer and its lock file
        self._writer.wait_merging_threads()


def create(gen: Path) -> Index:
    return Index(tantivy.Index(build_schema(), path=str(gen), reuse=False), Path(gen))


def open(gen: Path) -> Index:  # noqa: A001 - the interface's name
    try:
        index = tantivy.Index.open(str(gen))
    except Exception as e:  # a missing or damaged meta.json: "cannot read it", never "delete it"
        raise _error(Path(gen), e, "open") from e
    if _field_names(Path(gen)) != set(_FIELDS):
        raise IndexOutdated(f"the index in {gen} was built with another schema")
    return Index(index, Path(gen))


def _field_names(gen: Path) -> set:
    """The fields the index was built with, as Tantivy recorded them in meta.json."""
    try:
        with (gen / "meta.json").open(encoding="utf-8") as f:
            return {field["name"] for field in json.load(f)["schema"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise _error(gen, e, "open") from e


def remove_unused_files(gen: Path) -> list[str]:
    """Nothing to do here: Tantivy's writer removes the files no committed state uses itself (its
    managed directory's garbage collection, when a writer opens and after each commit), and a
    killed writer's lock is an flock the kernel released."""
    return []


# --- reading ------------------------------------------------------------------------------------

def _meta_stamp(gen: Path) -> tuple:
    """Tantivy publishes a commit by replacing meta.json: its identity says which state is live."""
    try:
        st = os.stat(gen / "meta.json")
        return (st.st_mtime_ns, st.st_ino, st.st_size)
    except OSError:
        return ()


class Reader:
    def __init__(self, gen: Path, index: "tantivy.Index" = None):
        self.gen = Path(gen)
        self._stamp = _meta_stamp(self.gen)
        try:
            self.index = index if index is not None else open(self.gen).index
            self.searcher = self.index.searcher()
            self._n = self.searcher.num_docs
            every = self._search(tantivy.Query.all_query())
            # segment -> first document number; a segment's last live document bounds it
            ends: dict[int, int] = {}
            for _, a in every:
                if a.doc + 1 > ends.get(a.segment_ord, 0):
                    ends[a.segment_ord] = a.doc + 1
            self._bases: dict[int, int] = {}
            base = 0
            for seg in sorted(ends):
                self._bases[seg] = base
                base += ends[seg]
            self.doc_count_all = base
            self._addresses: list = [None] * base
            for _, a in every:
                self._addresses[self._bases[a.segment_ord] + a.doc] = a
            self._live = sorted(self._bases[a.segment_ord] + a.doc for _, a in every)
        except IndexUnreadable:
            raise
        except Exception as e:  # Tantivy reports damage as ValueError/OSError: "cannot read it"
            raise _error(self.gen, e) from e

    def _search(self, query) -> list:
        if not self._n:
            return []
        return self.searcher.search(query, limit=self._n, count=False).hits

    def _docs(self, query) -> list[int]:
        bases = self._bases
        return [bases[a.segment_ord] + a.doc for _, a in self._search(query)]

    def _term(self, field: str, value: str):
        return tantivy.Query.term_query(self.index.schema, field, value, index_option="basic")

    def live_docs(self) -> list[int]:
        return self._live

    def issue_ids(self) -> list[str]:
        if not self._n:
            return []
        # counted over live documents only: a deleted section's term stays until a merge
        return sorted(term for term, _ in self.searcher.terms_with_prefix(
            "issue_id", "", filter_query=tantivy.Query.all_query()))

    def terms(self, field: str) -> list[tuple[str, int]]:
        if not self._n:
            return []
        return self.searcher.terms_with_prefix(field, "")

    def facet_postings(self, field: str) -> dict[str, list[int]]:
        if not self._n:
            return {}
        return {value: self._docs(self._term(field, value))
                for value, _ in self.searcher.terms_with_prefix(field, "")}

    def orders(self, docs: list[int]) -> list[int]:
        if not docs:
            return []
        return self.searcher.fast_field_values("order", [self._addresses[d] for d in docs])

    def heading_chars(self, docs: list[int]) -> list[int]:
        if not docs:
            return []
        return self.searcher.fast_field_values("heading_chars", [self._addresses[d] for d in docs])

    def _stored(self, docs: list[int], field: str) -> list[bytes]:
        doc = self.searcher.doc
        return [doc(self._addresses[d]).get_first(field) for d in docs]

    def texts(self, docs: list[int]) -> list[str]:
        return [b.decode("utf-8") for b in self._stored(docs, "text")]

    def doc_frequency(self, field: str, term: str) -> int:
        return self.searcher.doc_freq(field, term)

    def postings(self, field: str, term: str) -> list[int]:
        if not self.searcher.doc_freq(field, term):
            return []
        return self._docs(self._term(field, term))

    def term_scores(self, word: str, scores: array) -> list[int]:
        """Tantivy's BM25 of one word-index term over every live holder."""
        if not self.searcher.doc_freq("words", word):
            return []
        query = tantivy.Query.term_query(self.index.schema, "words", word, index_option="freq")
        bases, docs = self._bases, []
        for score, a in self._search(query):
            d = bases[a.segment_ord] + a.doc
            scores[d] = score
            docs.append(d)
        return docs

    def payloads(self, docs: list[int]) -> list[dict]:
        return [json.loads(b) for b in self._stored(docs, "payload")]

    def is_current(self) -> bool:
        return _meta_stamp(self.gen) == self._stamp

    def close(self) -> None:
        self.searcher = None


def open_reader(gen: Path) -> Reader:
    return Reader(gen)
