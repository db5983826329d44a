"""What a parsed query asks of the index, as plain hashable data the engine evaluates.

A match spec is a nested tuple:

    ("sub", runs)                   every run of word characters occurs (Ctrl+F on the section)
    ("dept", canonical, forms)      tagged with the department, or any form's ``sub`` occurs
    ("and", specs) / ("or", specs)

Being plain tuples they are their own cache keys, so a word met again in another query (the same
department, the same phrase) reuses its bitset. Ranking is a tuple of (word-index term, boost).
No engine here: engine.Snapshot turns these into bitsets.
"""
from __future__ import annotations

from typing import Optional

from ..departments import written_forms
from . import analysis
from .query import ParsedQuery, Term

Spec = tuple


def substring(text: str) -> Optional[Spec]:
    """Sections where the text occurs (whitespace ignored; punctuation splits it into parts that
    must all occur). None when the text holds nothing searchable."""
    runs = tuple(analysis.runs(text))
    return ("sub", runs) if runs else None


def department(canonical: str) -> Spec:
    forms = tuple(s for s in (substring(f) for f in written_forms(canonical)) if s is not None)
    return ("dept", canonical, forms)


def _and(parts: list) -> Optional[Spec]:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ("and", tuple(parts))


def _or(parts: list) -> Optional[Spec]:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ("or", tuple(parts))


def term_match(term: Term) -> Optional[Spec]:
    """What a term must find: a department in any form; a phrase contiguous; a word all its
    segments, wherever they stand."""
    if term.department:
        return department(term.department)
    if term.phrase or len(term.segments) <= 1:
        return substring(term.text)
    return _and([substring(s) for s in term.segments])


def term_contiguous(term: Term) -> Optional[Spec]:
    """The stricter form ranked first: the whole word as one contiguous phrase."""
    if term.department:
        return department(term.department)
    return substring(term.text)


def _combine(parsed: ParsedQuery, per_term) -> Optional[Spec]:
    return _and([_or([per_term(t) for t in group]) for group in parsed.groups])


def match_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """None means every section (an empty query browses)."""
    return _combine(parsed, term_match)


def contiguous_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """Only worth evaluating when some word can match with its segments apart."""
    if not any(not t.phrase and not t.department and len(t.segments) > 1
               for g in parsed.groups for t in g):
        return None
    return _combine(parsed, term_contiguous)


def exclude_spec(parsed: ParsedQuery) -> Optional[Spec]:
    # -word drops sections holding the word itself (Ctrl+F), not merely its segments apart.
    return _or([term_contiguous(t) for t in parsed.excluded])


def rank_terms(parsed: ParsedQuery) -> tuple[tuple[str, float], ...]:
    """Word-index terms whose summed BM25 scores order the matches (the bigrams only decide
    whether a section matches). A match holding none of them (jieba cut its sentence otherwise)
    scores 0 and follows the others, newest first."""
    found: list[tuple[str, float]] = []
    for term in parsed.positive_terms():
        if term.department:
            found += [(analysis.fold(f), 2.0) for f in written_forms(term.department)]
            continue
        found += [(s, 1.0) for s in term.segments]
        if len(term.segments) > 1:
            found.append((analysis.compact(term.text), 2.0))
    return tuple(found)
