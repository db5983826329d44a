"""What a parsed query asks of the index, as plain hashable data the engine evaluates.

A match spec is a nested tuple:

    ("sub", runs)                   every run of word characters occurs (Ctrl+F on the section)
    ("exact", text, runs)           the text occurs, punctuation included (the runs find candidates)
    ("dept", canonical, specs)      tagged with the department, or one of the specs matches
    ("column", type, specs)         of the section type (a column), or one of the specs matches
    ("issue", IssueRef)             a section of the issues referred to (2022年第40期, 总第415期)
    ("lead", canonical)             the department is named first in the section (it acts there)
    ("type", section_type)          the section is of that type (ranking: the column itself)
    ("near", specs, words, gap)     every spec matches and the words stand within ``gap``
                                    characters of each other somewhere (ranking: proximity)
    ("and", specs) / ("or", specs)

Being plain tuples they are their own cache keys, so a word met again in another query (the same
department, the same phrase) reuses its bitset. Ranking is a tuple of (word-index term, boost).
No engine here: engine.Snapshot turns these into bitsets.
"""
from __future__ import annotations

from typing import Optional

from ..parsing.departments import written_forms
from ..parsing.section_types import column_forms
from . import analysis
from .query import ParsedQuery, Term

Spec = tuple


def substring(text: str) -> Optional[Spec]:
    """Sections where the text occurs, as Ctrl+F finds it (whitespace and width ignored,
    punctuation kept). None when the text holds nothing searchable."""
    text = analysis.compact(text)
    runs = tuple(analysis.runs(text))
    if not runs:
        return None
    if len(runs) > 1 or runs[0] != text:  # punctuation inside or around: the whole string
        return ("exact", text, runs)
    return ("sub", runs)


def department(term: Term) -> Spec:
    """The sections of the department: tagged with it, which the parser does for every mention of
    any of its written forms that names the Sichuan department (not 国家发展改革委, 成都市卫健委),
    and, Ctrl+F, every section holding the word as typed."""
    typed = substring(term.text)
    return ("dept", term.department, (typed,) if typed is not None else ())


def column(term: Term) -> Spec:
    """The sections of a column: of its section type, which the parser gives every section under
    any written form of its heading, and, Ctrl+F, every section holding the word as typed or any
    other written form of the column (局长进大厅 finds 厅长进大厅 in a sentence too: to a reader
    they are one name, and the snippet marks them alike)."""
    forms = dict.fromkeys([term.text, *column_forms(term.column)])
    return ("column", term.column, tuple(s for s in map(substring, forms) if s is not None))


def issue(term: Term) -> Spec:
    """The sections of the issues referred to, and (Ctrl+F) those holding the words as typed."""
    typed = substring(term.text)
    return ("or", (("issue", term.issue), typed)) if typed is not None else ("issue", term.issue)


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
    """What a term must find: a department, a column or an issue in any form; an unspaced word's
    parts, each as if typed alone; a phrase, or a word whose segments may not stand apart,
    contiguous; otherwise all its segments, wherever they stand."""
    if term.department:
        return department(term)
    if term.column:
        return column(term)
    if term.issue:
        return issue(term)
    if term.parts:
        return _and([term_match(p) for p in term.parts])
    if not term.apart:
        return substring(term.text)
    return _and([substring(s) for s in term.segments])


def term_contiguous(term: Term) -> Optional[Spec]:
    """The stricter form ranked first: the whole word as one contiguous phrase (an unspaced word
    as typed, 应急厅的上门服务)."""
    if term.department or term.column or term.issue:
        return term_match(term)
    return substring(term.text)


def _combine(parsed: ParsedQuery, per_term) -> Optional[Spec]:
    return _and([_or([per_term(t) for t in group]) for group in parsed.groups])


def match_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """None means every section (an empty query browses)."""
    return _combine(parsed, term_match)


def contiguous_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """Only worth evaluating when some word can match with its segments apart."""
    if not any(t.apart or t.parts for g in parsed.groups for t in g):
        return None
    return _combine(parsed, term_contiguous)


def parts_contiguous_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """Next after the whole typed string: an unspaced word's parts each contiguous (上门服务 and
    网上申报 for 上门服务和网上申报), before sections holding them only segment by segment."""
    if not any(t.parts for g in parsed.groups for t in g):
        return None

    def contiguous_parts(term: Term) -> Optional[Spec]:
        if term.parts:
            return _and([term_contiguous(p) for p in term.parts])
        return term_contiguous(term)

    return _combine(parsed, contiguous_parts)


def named_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """The sections that are squarely about every department and column the query names: the
    department acts (named first, not one of a roll of twenty names in an attachment) and the
    section is of the column itself (not a sentence that mentions it). Ranked before the other
    matches of their tier; None when the query names none, or only inside an OR."""
    parts = []
    for group in parsed.groups:
        if len(group) != 1:
            continue
        for leaf in group[0].leaves():
            if leaf.department:
                parts.append(("lead", leaf.department))
            elif leaf.column:
                parts.append(("type", leaf.column))
    return _and(parts)


def heading_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """Sections whose heading holds what the query names: for each word outside an OR, the word
    itself, or any written form of the department or column it names. A match in the heading
    says what the section is about; the same word somewhere in its body may be a passing mention.
    None when the query names nothing a heading could hold (only issue references, or ORs). One
    character is no name: 厅 in a heading says nothing, and looking costs a pass over every match."""
    groups = []
    for group in parsed.groups:
        if len(group) != 1:
            continue
        for leaf in group[0].leaves():
            if leaf.issue or len(analysis.compact(leaf.text)) < 2:
                continue
            if leaf.department:
                forms = [analysis.compact(f) for f in written_forms(leaf.department)]
            elif leaf.column:
                forms = [analysis.compact(f) for f in column_forms(leaf.column)]
            else:
                forms = [analysis.compact(leaf.text)]
            found = term_match(leaf)  # what the query finds anyway (cached): the candidates
            if found is not None:
                groups.append((found, tuple(dict.fromkeys(forms))))
    return ("heading", tuple(groups)) if groups else None


NEAR_GAP = 30  # characters allowed between the words a query names, besides the words themselves
MAX_NEAR_WORDS = 6


def near_spec(parsed: ParsedQuery) -> Optional[Spec]:
    """Sections where the query's plain words stand close together (within NEAR_GAP characters
    besides themselves), ranked before those holding the same words 100 characters apart. Only
    the words typed (not departments, columns or issues, whose forms vary), and only for two or
    more of them outside an OR."""
    words = []
    for group in parsed.groups:
        if len(group) != 1:
            continue
        for leaf in group[0].leaves():
            if not (leaf.department or leaf.column or leaf.issue) and leaf.text not in words:
                words.append(leaf.text)
    if not 2 <= len(words) <= MAX_NEAR_WORDS:
        return None
    specs = tuple(substring(w) for w in words)
    if any(spec is None for spec in specs):
        return None
    return ("near", specs, tuple(words), NEAR_GAP)


def exclude_spec(parsed: ParsedQuery) -> Optional[Spec]:
    # -word drops exactly what the word finds (上门辅导服务 for -上门服务 too): a person who sees
    # a section under 上门服务 and excludes the word expects it gone.
    return _or([term_match(t) for t in parsed.excluded])


def rank_terms(parsed: ParsedQuery) -> tuple[tuple[str, float], ...]:
    """Word-index terms whose summed BM25 scores order the matches (the bigrams only decide
    whether a section matches). A match holding none of them (jieba cut its sentence otherwise)
    scores 0 and follows the others, newest first."""
    found: list[tuple[str, float]] = []
    for term in parsed.positive_terms():
        for leaf in term.leaves():
            found += _leaf_rank_terms(leaf)
        if term.parts:  # the whole unspaced word, where jieba keeps it as one word
            found.append((analysis.compact(term.text), 2.0))
    return tuple(found)


def _leaf_rank_terms(term: Term) -> list[tuple[str, float]]:
    if term.department:
        return [(analysis.fold(f), 2.0) for f in written_forms(term.department)]
    if term.column:
        return [(f, 2.0) for f in column_forms(term.column)]
    if term.issue:
        return []  # an issue's sections are equal in it: the other words (or the date) order them
    found = [(s, 1.0) for s in term.segments]
    if len(term.segments) > 1:
        found.append((analysis.compact(term.text), 2.0))
    return found
