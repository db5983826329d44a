"""The brute-force oracle: which sections the query language promises for a list of plain words
(or phrases), worked out from the sections' own text with no index at all. The search tests
compare the engine with this, so the two suites cannot drift apart.

A section is anything with ``id``, ``heading``, ``text`` and ``departments``, as attributes (the
parser's ``Section``) or as keys (a stored bulletin's section dict).
"""
from __future__ import annotations

import re

from indexer.parsing.departments import canonical_department
from indexer.search.analysis import compact, segments


def _field(section, name):
    return section[name] if isinstance(section, dict) else getattr(section, name)


def haystack(section) -> str:
    """The section as Ctrl+F sees it: heading and text, folded, whitespace removed."""
    return compact(" ".join(_field(section, "heading")) + "\n" + _field(section, "text"))


def word_matches(section, word: str, phrase: bool = False) -> bool:
    """One query word: a department in any written form (the section's department, or the word as
    typed); a phrase, or a word whose segments may not stand apart, as written; otherwise every
    segment somewhere in the section."""
    hay = haystack(section)
    department = None if phrase else canonical_department(word)
    if department:
        return department in _field(section, "departments") or compact(word) in hay
    if phrase:
        return compact(word) in hay
    segs = segments(word)
    # segments stand apart only when each is a word: 2+ characters, no digits
    if len(segs) > 1 and all(len(g) > 1 and not re.search(r"\d", g) for g in segs):
        return all(seg in hay for seg in segs)
    return compact(word) in hay


def expected_matches(sections, words, phrase: bool = False) -> set[str]:
    """Ids of the sections that every word (each a phrase, when ``phrase``) matches."""
    return {_field(s, "id") for s in sections if all(word_matches(s, w, phrase) for w in words)}
