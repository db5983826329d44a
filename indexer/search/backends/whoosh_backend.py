"""The Whoosh engine (whoosh-reloaded): schema, writer and a reader of postings, columns, stored
payloads and BM25 scores. The default engine. See the package docstring for the interface."""
from __future__ import annotations

import re
import shutil
from array import array
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import scoring
from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Existence

from .. import analysis
from ..errors import IndexOutdated, IndexUnreadable

NAME = "whoosh"


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
    """The distinct bigrams of a section: candidate finding only, so no positions or counts."""

    def _stream(self, value, mode):
        return (analysis.Token(g, 0, 0, 0) for g in analysis.index_bigrams(value))


def _keyed(field: FieldType) -> FieldType:
    """A field searched only by exact term. Marked scorable, though never scored, so Whoosh
    keeps a lengths column for it: without one its writer stat()s the missing column file once
    per posting."""
    field.scorable = True
    return field


def build_schema() -> Schema:
    # Nothing but ``payload`` is stored: it holds every value a hit shows. The date lives in
    # ``order``, a column only (as an indexed NUMERIC it cost four terms a section, never searched).
    return Schema(
        issue_id=_keyed(ID()),  # deleting an issue's sections, counting issues, 2022年第40期
        issue_total=_keyed(ID()),  # the running number (总第415期)
        year=_keyed(ID()),
        kind=_keyed(ID()),
        type=_keyed(ID()),
        departments=_keyed(KEYWORD(commas=True, lowercase=False)),
        # the department named first: the one acting in the item, not one of a roll of names
        lead_department=_keyed(ID()),
        order=COLUMN(NumericColumn("Q")),
        heading_chars=COLUMN(NumericColumn("I")),  # the heading's share of ``text``
        # Ranking only, so no positions: they would cost build time and index size for nothing.
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
        # Candidates only: which sections hold a bigram. Whether a run of characters occurs is
        # checked on ``text``, so no positions (they were two thirds of the build time).
        # Scorable only so Whoosh keeps a lengths column: without one its writer asks the file
        # system whether that column exists once per posting (a stat call each, 20% of a build).
        bigrams=FieldType(format=Existence(), analyzer=BigramTokenizer(), scorable=True),
        # Folded text without whitespace (UTF-8), the Ctrl+F view of the section.
        text=COLUMN(VarBytesColumn()),
        payload=STORED(),
    )


# --- writing ------------------------------------------------------------------------------------

class Index:
    def __init__(self, ix, gen: Path):
        self.ix = ix
        self.gen = gen

    def check_readable(self) -> None:
        """Open every segment once, so a cut-short one stops a run before it writes anything
        (Whoosh would fail at the first delete, with a traceback, holding half a run in memory)."""
        try:
            with self.ix.reader() as reader:
                reader.doc_count_all()
                for _ in reader.all_doc_ids():
                    pass
        except Exception as e:
            raise IndexUnreadable(f"cannot read the index in {self.gen} ({type(e).__name__}: "
                                  f"{str(e)[:80]}); nothing was changed. Run `bulletin-search index "
                                  "--rebuild PATH…` to build a new index beside it") from e

    def writer(self) -> "Writer":
        # One process: Whoosh's multiprocess writer fights the other agents' cores for little gain.
        return Writer(self.ix.writer(limitmb=256, procs=1))


class Writer:
    def __init__(self, writer):
        self._writer = writer

    def add(self, doc: dict) -> None:
        # term lists go to Whoosh as they are (its analyzers are then bypassed): the same terms
        # and counts as the analyzers give, computed faster and in the parsing workers
        self._writer.add_document(
            issue_id=doc["issue_id"], issue_total=doc["issue_total"], year=doc["year"],
            kind=doc["kind"], type=doc["type"], departments=",".join(doc["departments"]),
            lead_department=doc["lead_department"], order=doc["order"],
            heading_chars=doc["heading_chars"], words=doc["words"],
            bigrams=doc["bigrams"], text=doc["text"].encode("utf-8"), payload=doc["payload"])

    def delete_issue(self, issue_id: str) -> None:
        self._writer.delete_by_term("issue_id", issue_id)

    def commit(self) -> None:
        self._writer.commit()

    def cancel(self) -> None:
        self._writer.cancel()


def create(gen: Path) -> Index:
    return Index(whoosh_index.create_in(str(gen), build_schema()), Path(gen))


def open(gen: Path) -> Index:  # noqa: A001 - the interface's name, as in whoosh.index.open_dir
    try:
        ix = whoosh_index.open_dir(str(gen))
    except Exception as e:  # whoosh raises several kinds; all mean "cannot read it", none "delete it"
        raise IndexUnreadable(f"cannot open the index in {gen}: {e}") from e
    return Index(ix, Path(gen))


def remove_unused_files(gen: Path) -> list[str]:
    """Remove what failed or killed writers left in ``gen`` that the index on disk does not use:
    segment files not in the latest TOC (a full disk leaves partial ones), TOCs other than the
    latest, and Whoosh's temporary folders (``MAIN.tmp``). Whoosh itself cleans only after a
    commit that succeeds, so without this every failed retry on a full disk left more behind.
    Only Whoosh's own names are touched; the store's files never match them. Returns the names
    removed."""
    from whoosh.index import TOC

    name = whoosh_index._DEF_INDEX_NAME
    try:
        toc = TOC.read(FileStorage(str(gen)), name)
    except Exception:  # no readable TOC: nothing can be told apart, so nothing is removed
        return []
    live = {segment.segment_id() for segment in toc.segments}
    toc_name, segment_name = TOC._pattern(name), TOC._segment_pattern(name)
    removed = []
    for entry in sorted(gen.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            if entry.name.startswith(name) and entry.name.endswith(".tmp"):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
            continue
        toc_match = toc_name.match(entry.name)
        segment_match = segment_name.fullmatch(entry.name)
        unused = ((toc_match and int(toc_match.group(1)) != toc.generation)
                  or (segment_match and segment_match.group(1) not in live)
                  or re.fullmatch(rf"_{name}_\d+\.toc\.[\d.]+", entry.name))  # a TOC never renamed in
        if unused:
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


# --- reading ------------------------------------------------------------------------------------

class Reader:
    """A Whoosh searcher on one committed state, with each document's word-index length read once
    (BM25 reads it per posting)."""

    def __init__(self, gen: Path):
        self.gen = Path(gen)
        self.ix = open(self.gen).ix
        if self.ix.schema.names() != build_schema().names():
            raise IndexOutdated(f"the index in {self.gen} was built with another schema")
        self.generation = self.ix.latest_generation()
        try:
            self.searcher = self.ix.searcher()
            self._reader = self.searcher.reader()
            # the field object, once: ``ix.schema`` reads the table of contents from disk on
            # every access (7 % of first answers when it was asked for each term scored)
            self._words_field = self.searcher.schema["words"]
            self.doc_count_all = self._reader.doc_count_all()
            self._live = list(self._reader.all_doc_ids())
            # each document's length in the word index, as BM25 reads it: once here rather than
            # by a method call per posting of every term scored (0.1 s at 50,000 sections)
            self._word_lengths = array("d", bytes(8 * self.doc_count_all))
            length_of = self.searcher.doc_field_length
            for d in self._live:
                self._word_lengths[d] = length_of(d, "words", 1)
        except Exception as e:  # a cut-short segment: EOFError, struct.error…; never "delete it"
            searcher = getattr(self, "searcher", None)
            if searcher is not None:
                searcher.close()
            raise IndexUnreadable(f"cannot read the index in {self.gen} "
                                  f"({type(e).__name__}: {str(e)[:80]})") from e

    def live_docs(self) -> list[int]:
        return self._live

    def issue_ids(self) -> list[str]:
        # the lexicon keeps terms of deleted documents until a merge: issues with live ones
        reader = self._reader
        return [issue_id for issue_id in reader.field_terms("issue_id")
                if reader.postings("issue_id", issue_id).is_active()]

    def terms(self, field: str) -> list[tuple[str, int]]:
        reader = self._reader
        return [(term, reader.doc_frequency(field, term)) for term in reader.field_terms(field)]

    def facet_postings(self, field: str) -> dict[str, list[int]]:
        return {value: self.postings(field, value) for value in self._reader.field_terms(field)}

    def orders(self, docs: list[int]) -> list[int]:
        if not docs:
            return []
        column = self._reader.column_reader("order")
        return [column[d] for d in docs]

    def heading_chars(self, docs: list[int]) -> list[int]:
        if not docs:
            return []
        column = self._reader.column_reader("heading_chars")
        return [column[d] for d in docs]

    def texts(self, docs: list[int]) -> list[str]:
        if not docs:
            return []
        column = self._reader.column_reader("text")
        return [column[d].decode("utf-8") for d in docs]

    def doc_frequency(self, field: str, term: str) -> int:
        return self._reader.doc_frequency(field, term)

    def postings(self, field: str, term: str) -> list[int]:
        docs: list[int] = []
        for reader, offset in self._reader.leaf_readers():
            if (field, term) in reader:
                for ids, _ in _blocks(reader.postings(field, term), weights=False):
                    docs.extend([offset + d for d in ids] if offset else ids)
        return docs

    def term_scores(self, word: str, scores: array) -> list[int]:
        """BM25 of one word-index term, exactly as Whoosh scores it in a search."""
        docs: list[int] = []
        lengths = self._word_lengths
        weighting = self.searcher.weighting
        term = Q.Term("words", word)
        context = self.searcher.context()
        btext = self._words_field.to_bytes(word)
        for subsearcher, offset in self.searcher.leaf_searchers():
            reader = subsearcher.reader()
            if ("words", btext) not in reader:
                continue
            scorer = weighting.scorer(subsearcher, "words", btext)
            if type(scorer) is scoring.BM25FScorer:  # the default weighting, which the index uses
                # scoring.bm25() written out, the same operations in the same order (so the
                # same floats), over whole blocks of postings: no call per posting
                idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
                for ids, weights in _blocks(reader.postings("words", btext)):
                    for local, tf in zip(ids, weights):
                        d = offset + local
                        scores[d] = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths[d] / avgfl)))
                        docs.append(d)
            elif isinstance(scorer, scoring.WeightLengthScorer):
                # the scorer's own formula fed the weight and the length read above: what its
                # score(matcher) computes, without two lookups a posting
                m, score = reader.postings("words", btext), scorer._score
                while m.is_active():
                    d = offset + m.id()
                    scores[d] = score(m.weight(), lengths[d])
                    docs.append(d)
                    m.next()
            else:
                m = term.matcher(subsearcher, context)
                while m.is_active():
                    d = offset + m.id()
                    scores[d] = m.score()
                    docs.append(d)
                    m.next()
        return docs

    def payloads(self, docs: list[int]) -> list[dict]:
        return [self.searcher.stored_fields(d)["payload"] for d in docs]

    def is_current(self) -> bool:
        try:
            return self.ix.latest_generation() == self.generation
        except Exception:
            return False

    def close(self) -> None:
        self.searcher.close()


def open_reader(gen: Path) -> Reader:
    return Reader(gen)


def _blocks(m, weights: bool = True):
    """(ids, weights or None) of a term's postings in one segment, a block at a time. Whoosh 3's
    leaf matcher decodes postings by the block; reading its decoded arrays (whoosh-reloaded is
    pinned, so these private names hold) spares the two method calls a posting of ``next()`` and
    ``id()``, most of the time a first answer took. Other matchers: posting by posting."""
    if type(m) is not W3LeafMatcher:
        while m.is_active():
            yield [m.id()], [m.weight()] if weights else None
            m.next()
        return
    while m.is_active():
        m._read_ids()
        if weights:
            m._read_weights()
        yield m._ids, m._weights if weights else None
        m._next_block()
