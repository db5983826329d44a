"""Which paragraph of a section best matches a query, and its HTML snippet with <mark>s.

Pure text work on the stored paragraphs; no engine involved. Forms are matched on folded text
(full-/half-width, case) with whitespace allowed between characters, as the index matches them.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..parsing.departments import is_provincial_mention, written_forms
from ..parsing.section_types import column_forms
from . import analysis
from .query import ParsedQuery, Term

SNIPPET_CHARS = 160
LEAD_CHARS = 40  # context kept before the first mark when a paragraph is cut


@dataclass(frozen=True)
class Highlighter:
    """The forms to mark, and per positive term the ways a paragraph can satisfy it."""

    pattern: Optional[re.Pattern]
    terms: tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...]  # (whole, segments, named: a department or column)
    # department forms the user did not type: marked only where they name the Sichuan department
    # (not 发展改革委 inside 国家发展改革委), as the department facet counts them
    guarded: frozenset = frozenset()


def term_forms(term: Term) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(forms that satisfy the term whole, segments that satisfy it together)."""
    if term.department:
        others = (analysis.compact(f) for f in written_forms(term.department))
        return (term.text,) + tuple(f for f in others if f != term.text), ()
    if term.column:
        return (term.text,) + tuple(f for f in column_forms(term.column) if f != term.text), ()
    if not term.apart:
        return (term.text,), ()
    return (term.text,), tuple(term.segments)


def highlighter_for(parsed: ParsedQuery) -> Highlighter:
    # an unspaced word counts as its parts; the word whole is marked too where it stands
    positive = [leaf for t in parsed.positive_terms() for leaf in t.leaves()]
    terms = tuple(term_forms(t) + (t.department is not None or t.column is not None,)
                  for t in positive)
    forms = {f for whole, parts, _ in terms for f in whole + parts if f}
    forms |= {t.text for t in parsed.positive_terms() if t.parts}
    typed = {t.text for t in positive}
    guarded = frozenset(f for t, (whole, _, _) in zip(positive, terms) if t.department
                        for f in whole if f not in typed)
    return Highlighter(_pattern(tuple(sorted(forms, key=lambda f: (-len(f), f)))), terms, guarded)


@lru_cache(maxsize=256)
def _pattern(forms: tuple[str, ...]) -> Optional[re.Pattern]:
    if not forms:
        return None
    # longest form first so 应急管理厅 is marked whole, not as 应急; spaces may split a form
    alternatives = [r"\s*".join(re.escape(ch) for ch in form) for form in forms]
    return re.compile("|".join(alternatives))


def _present(hl: Highlighter, compact_text: str, form: str) -> bool:
    """Whether a form stands in the (compact, folded) text as it would be marked: a department
    form the user did not type only where it names the Sichuan department."""
    at = compact_text.find(form)
    if form not in hl.guarded:
        return at >= 0
    while at >= 0:
        if is_provincial_mention(compact_text[max(0, at - 12):at], form):
            return True
        at = compact_text.find(form, at + 1)
    return False


def paragraph_score(hl: Highlighter, text: str) -> int:
    """How well a paragraph answers the query (see ``_score``)."""
    compact_text = analysis.compact(text)
    return _score(hl, lambda form: _present(hl, compact_text, form))


def _score(hl: Highlighter, present) -> int:
    """A word whole counts 3, its segments apart 2; a department 1, since a section about a
    department names it everywhere and the paragraph to show is where the other words are."""
    score = 0
    for whole, parts, is_department in hl.terms:
        if any(present(f) for f in whole):
            score += 1 if is_department else 3
        elif parts and all(present(p) for p in parts):
            score += 2
    return score


def best_paragraph(hl: Highlighter, paragraphs: list) -> int:
    """Index of the paragraph satisfying most terms (the first of equals); 0 when none does."""
    best, best_score = 0, 0
    for i, (_pid, text, _page) in enumerate(paragraphs):
        score = paragraph_score(hl, text)
        if score > best_score:
            best, best_score = i, score
    return best


def mark_spans(hl: Highlighter, text: str) -> list[tuple[int, int]]:
    if hl.pattern is None:
        return []
    folded = analysis.fold(text)
    spans = []
    for m in hl.pattern.finditer(folded):
        if m.end() == m.start():
            continue
        if hl.guarded:
            form = analysis.compact(m.group(0))
            if form in hl.guarded and not is_provincial_mention(
                    analysis.compact(folded[max(0, m.start() - 24):m.start()]), form):
                continue
        spans.append(m.span())
    return spans


def snippet(hl: Highlighter, text: str, width: int = SNIPPET_CHARS) -> str:
    """HTML-escaped text of the paragraph (cut where it shows most of the query when longer than
    ``width``), every match wrapped in <mark>."""
    spans = mark_spans(hl, text)
    start = _window_start(hl, text, spans, width)
    end = min(len(text), start + width)
    out = ["…"] if start > 0 else []
    cursor = start
    for a, b in spans:
        if a < cursor:
            continue
        if a >= end:
            break
        out.append(html.escape(text[cursor:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        cursor = b
    if cursor < end:
        out.append(html.escape(text[cursor:end]))
    if end < len(text) and cursor < len(text):
        out.append("…")
    return "".join(out)


def _window_start(hl: Highlighter, text: str, spans: list[tuple[int, int]], width: int) -> int:
    """Where to cut a long paragraph: the window, led by one of the matches, that shows most of
    the query (上门服务 written whole beats 上门 … 服务 apart), the earliest of equals."""
    if len(text) <= width or not spans:
        return 0
    folded = analysis.fold(text)
    found = [(a, b, analysis.compact(folded[a:b])) for a, b in spans]
    best, best_score = 0, -1
    for a, _, _ in found:
        start = max(0, min(a - LEAD_CHARS, len(text) - width))
        inside = {form for x, y, form in found if x >= start and y <= start + width}
        score = _score(hl, inside.__contains__)
        if score > best_score:
            best, best_score = start, score
    return best
