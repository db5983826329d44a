"""Search engine backends: the only code that imports whoosh or tantivy.

Everything above this package (engine.Snapshot's bitsets, caches, spec evaluation, ranking and
date and facet masks; the service; indexing runs) talks to a backend through two small objects,
so an engine is one module and both engines answer the same conformance tests.

A backend module has ``NAME`` and:

    create(gen) -> Index           a new, empty index in the generation folder
    remove_unused_files(gen)       what failed or killed writers left there (the engine's names)
    open(gen) -> Index             an existing one (IndexUnreadable when it cannot be)
    Index.check_readable()         read every segment once (IndexUnreadable), before a run writes
    Index.writer() -> Writer       add(doc), delete_issue(issue_id), commit(), cancel()
    open_reader(gen) -> Reader     one committed state, read-only, documents numbered 0..doc_count_all-1

    Reader.doc_count_all           size of the document-number space (deleted documents included)
    Reader.live_docs()             the live document numbers
    Reader.issue_ids()             the issues with a live section
    Reader.facet_postings(field)   value -> document numbers, for year, kind, type, departments,
                                   lead_department
    Reader.terms(field)            every (term, document frequency) of a field (the word index)
    Reader.orders(docs)            the ``order`` value of each document (date, then section ordinal)
    Reader.texts(docs)             the folded, whitespace-free text of each document (Ctrl+F view)
    Reader.heading_chars(docs)     how many of each text's first characters are its heading
    Reader.doc_frequency(field, term), Reader.postings(field, term)   exact terms (bigrams,
                                   issue_id, issue_total)
    Reader.term_scores(word, into) fills ``into[d]`` with each live holder's score of the word-index
                                   term and returns their document numbers
    Reader.payloads(docs)          the stored payload dict of each document
    Reader.is_current()            whether the generation's index is still at this state
    Reader.close()

Documents handed to ``Writer.add`` are engine-independent dicts (engine.section_documents): plain
lists and strings, so that parsing workers can send them back to the writer process.
Readers are not thread-safe; engine.Snapshot serialises calls to them.
"""
from __future__ import annotations

import importlib
import os

from ..errors import IndexOutdated

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"  # the design's default; tantivy is chosen by --engine or BULLETIN_ENGINE
ENV = "BULLETIN_ENGINE"


def requested_engine(name: str | None = None) -> str | None:
    """The engine a caller asked for: ``name``, else $BULLETIN_ENGINE, else None (no preference)."""
    name = name or os.environ.get(ENV) or None
    if name is not None and name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    return name


def load(name: str):
    """The backend module of an engine, imported only when an index of it is used."""
    if name not in ENGINES:
        raise IndexOutdated(f"the index was built by an engine this version does not know ({name!r}); "
                            "run `bulletin-search index --rebuild PATH…`")
    return importlib.import_module(f"{__name__}.{name}_backend")
