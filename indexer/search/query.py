"""The query language of docs/interface.md, read into plain data. Never raises on any input.

    words        all must match (AND); each is segmented like the text, and its segments may stand
                 apart (上门服务 finds 上门辅导服务) when every one is a word of two or more
                 characters without digits; otherwise the word is matched whole (2022年1月, 省本级)
    "…" / “…”    an exact phrase, punctuation included (Ctrl+F)
    -word        excludes sections holding the word (-"…" a phrase)
    A OR B       either; binds tighter than the implicit AND: ``a b OR c`` is a AND (b OR c)
    AND          the default, so ignored
    function words (的 和 与 及 或 在 对 等 了) typed alone are not searched
    Full-width operators typed with a Chinese input method (－, ＯＲ) work like their ASCII forms.

Broken syntax is read as plain words: an unclosed quote is dropped, a lone ``-`` or ``OR`` is
ignored, characters that cannot be searched (``*``, ``:``, ``~``, brackets) simply match nothing
and vanish. A query left with nothing to search (only symbols, operators or function words) is
``nothing_searchable``: it finds nothing, never the whole archive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from ..parsing.section_types import canonical_column
from . import analysis
from .compounds import FUNCTION_WORDS, department_of, split_word
from .issue_refs import IssueRef, issue_ref, join_spaced
from .params import MAX_QUERY_CHARS

MAX_TERMS = 32  # distinct words; past that a query is not a search but a paste
# FUNCTION_WORDS join or qualify others and stand in nearly every section: typed alone they ask
# for nothing, typed between content words (应急厅的上门服务) they are dropped (compounds.py).
NOTHING_SEARCHABLE = ("nothing searchable in this query: it holds only symbols, operators or "
                      "function words (的 和 与 及 或 在 对 等 了)")

_QUOTES = {'"': '"', "“": "”", "”": "”", "＂": "＂", "「": "」"}
_TOKEN_RE = re.compile(r'[-－]?["“”＂「][^"“”＂「」]*["”＂」]|\S+')


@dataclass(frozen=True)
class Term:
    text: str  # as the user wrote it, folded, whitespace removed
    phrase: bool = False
    department: Optional[str] = None  # canonical name when the word names a department
    segments: tuple[str, ...] = ()  # how the word is segmented like the text
    apart: bool = False  # its segments may match apart from each other (see the module doc)
    column: Optional[str] = None  # section type when the word names a column (厅局长进大厅)
    issue: Optional[IssueRef] = None  # the issues a reference selects (2022年第40期)
    parts: tuple["Term", ...] = ()  # an unspaced word's content words, all to match (compounds.py)

    def describe(self) -> dict:
        return {"word": self.text, "segments": list(self.segments),
                "phrase": self.phrase, "department": self.department, "apart": self.apart,
                "column": self.column, "issue": self.issue.label() if self.issue else None,
                "parts": [p.text for p in self.parts]}

    def leaves(self) -> list["Term"]:
        """The words that match: an unspaced word's parts, else the term itself."""
        return list(self.parts) if self.parts else [self]


@dataclass
class ParsedQuery:
    groups: list[list[Term]] = field(default_factory=list)  # AND of ORs
    excluded: list[Term] = field(default_factory=list)
    typed: bool = False  # the query held something other than whitespace

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def nothing_searchable(self) -> bool:
        """Typed, yet nothing in it can be searched: answered with nothing, never everything."""
        return self.typed and not self.groups and not self.excluded

    def positive_terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]


@lru_cache(maxsize=4096)
def _make_term(raw: str, phrase: bool) -> Optional[Term]:
    # cached: a Term is immutable, and the same words come back all day (each costs two jieba cuts)
    # a phrase is Ctrl+F and keeps its punctuation (《办法》, 厅、省); a word sheds it at its ends
    text = analysis.compact(raw) if phrase else _trim(analysis.compact(raw))
    if not analysis.runs(text):
        return None  # nothing searchable: punctuation or operators only
    if phrase:  # exact; a column's own name quoted still means the column ("厅长进大厅")
        return Term(text=text, phrase=True, column=canonical_column(text),
                    segments=tuple(analysis.segments(text)) or (text,))
    if is_function_words(text):
        return None
    named = _named_term(text)
    if named is not None:
        return named
    pieces = split_word(text)
    if pieces != [text]:
        parts = tuple(t for t in (_make_term(p, False) for p in pieces) if t is not None)
        if len(parts) == 1:
            return parts[0]  # 的上门服务: only the function word went
        if parts:
            return Term(text=text, parts=parts, segments=tuple(p.text for p in parts))
    segs = tuple(analysis.segments(text)) or (text,)
    return Term(text=text, segments=segs, apart=may_stand_apart(segs))


def _named_term(text: str) -> Optional[Term]:
    """A word that is a department, a column or an issue reference, whole."""
    department = department_of(text)
    if department:
        return Term(text=text, department=department, segments=tuple(analysis.segments(text)) or (text,))
    column = canonical_column(text)
    if column:
        return Term(text=text, column=column, segments=(text,))
    ref = issue_ref(text)
    if ref:
        return Term(text=text, issue=ref, segments=(text,))
    return None


def is_function_words(text: str) -> bool:
    """Whether a word is nothing but function words (的, 的和): it asks for nothing."""
    rest = "".join(analysis.runs(text))
    while rest:
        if rest[:1] not in FUNCTION_WORDS:
            return False
        rest = rest[1:]
    return True


def may_stand_apart(segments: tuple[str, ...]) -> bool:
    """Whether a word's segments may match wherever they stand in a section. Only real words do:
    single characters (省 of 省本级) and numbers (1 of 2022年1月, 5日) stand in nearly every
    section, so found apart they are noise, not a looser form of the word."""
    return len(segments) > 1 and all(
        len(s) >= 2 and not any(ch.isdigit() for ch in s) for s in segments)


def _trim(text: str) -> str:
    """Drop punctuation at either end (上门* -> 上门, 《办法》 -> 办法); inside a word it stays."""
    start, end = 0, len(text)
    while start < end and not analysis.is_word_char(text[start]):
        start += 1
    while end > start and not analysis.is_word_char(text[end - 1]):
        end -= 1
    return text[start:end]


_FULL_WIDTH_OPERATORS = str.maketrans({"－": "-", "﹣": "-", "Ｏ": "O", "Ｒ": "R", "Ａ": "A", "Ｎ": "N",
                                        "Ｄ": "D", "＆": "&"})


def _split(q: str) -> list[tuple[str, bool, bool]]:
    """(text, is_phrase, is_negated) for each piece; an unclosed quote reads as plain words."""
    pieces = []
    for token in _TOKEN_RE.findall(q):
        if token[0] == "－" or token in ("ＯＲ", "ＡＮＤ", "＆＆", "＆"):
            token = token.translate(_FULL_WIDTH_OPERATORS)
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        if len(body) >= 2 and body[0] in _QUOTES and body[-1] in _QUOTES.values():
            pieces.append((body[1:-1], True, negated))
            continue
        body = body.strip('"“”＂「」')
        if body:
            pieces.append((body, False, negated))
    return pieces


def parse_query(q: str, max_chars: int = MAX_QUERY_CHARS) -> ParsedQuery:
    # The service refuses longer queries (params.py); a caller that skips that check (the bulletin
    # view's marker) still gets the input cut at the same limit, which bounds the work per request.
    q = join_spaced((q or "")[:max_chars])
    parsed = ParsedQuery(typed=bool(q.strip()))
    pending_or = False
    seen: set[Term] = set()
    for text, phrase, negated in _split(q):
        if not phrase and not negated and text in ("OR", "|", "｜"):
            pending_or = bool(parsed.groups)  # a leading OR joins nothing
            continue
        if not phrase and not negated and text in ("AND", "&", "&&"):
            pending_or = False
            continue
        term = _make_term(text, phrase)
        if term is None:
            continue
        if term not in seen:
            seen.add(term)
            if len(seen) > MAX_TERMS:
                break
        if negated:
            parsed.excluded.append(term)
            pending_or = False
        elif pending_or:
            if term not in parsed.groups[-1]:
                parsed.groups[-1].append(term)
            pending_or = False
        elif [term] not in parsed.groups:
            parsed.groups.append([term])
    return parsed
