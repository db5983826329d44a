"""Unspaced query words: what 应急厅的上门服务 or 商务厅厅长进大厅 holds, as a person would space it.

Staff type Chinese without spaces. A word is cut where a department or column name stands inside it
(a name is always a word of its own) and where a function word (的 和 与 及 或 在 对 等 了) stands
alone between content words, which is then dropped. What remains between the cuts are the content
parts; all of them must match, as if typed with spaces. A word with no cut stays whole, so what is
kept as written today (2022年1月, 省本级, 上门服务) is unchanged.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..parsing.departments import all_written_forms, canonical_department, is_provincial_mention
from ..parsing.section_types import all_column_forms
from . import analysis

FUNCTION_WORDS = frozenset("的 和 与 及 或 在 对 等 了".split())

# A whole word naming an organisation (住房和城乡建设部, 工业和信息化部) keeps its 和: cut there it
# would lose the body it names. Names of our own departments are found before this applies.
_ORGANISATION_END = re.compile(r"(部|委|委员会|局|厅|院|中心)$")


@lru_cache(maxsize=1)
def short_department_forms() -> dict[str, str]:
    """Department names as staff type them without the province: 林草局 for 省林草局, 药监局 for
    省药监局. The bulletins write the 省; a query that leaves it out means the same department."""
    forms = all_written_forms()
    short = {}
    for form, canonical in forms.items():
        rest = form[1:]
        if form.startswith("省") and len(rest) >= 3 and rest not in forms and rest.endswith(
                ("局", "委", "厅", "中心")):
            short[rest] = canonical
    return short


def department_of(word: str):
    """The canonical department a whole query word names, its short form included, or None."""
    return canonical_department(word) or short_department_forms().get(word)


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern:
    forms = set(all_written_forms()) | set(short_department_forms()) | set(all_column_forms())
    forms = {analysis.compact(f) for f in forms if len(analysis.compact(f)) >= 2}
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))))


def _names(text: str) -> list[tuple[int, int]]:
    """Spans of the department and column names inside a word, longest first at each place. A
    department form preceded by a national or local body (国家发展改革委) is not the department."""
    departments = {**all_written_forms(), **short_department_forms()}
    spans = []
    for m in _name_pattern().finditer(text):
        form = m.group(0)
        if form in departments and not is_provincial_mention(text[:m.start()], form):
            continue
        spans.append(m.span())
    return spans


def _content_parts(piece: str) -> list[str]:
    """A stretch between names, cut at the function words jieba finds standing alone in it."""
    if not piece:
        return []
    if _ORGANISATION_END.search(piece):
        return [piece]
    parts, current = [], ""
    for token in analysis.jieba_tokenizer().cut(piece, HMM=True):
        if token in FUNCTION_WORDS:
            if current:
                parts.append(current)
            current = ""
        else:
            current += token
    if current:
        parts.append(current)
    return parts


def split_word(word: str) -> list[str]:
    """The parts a compact, folded query word stands for (的上门服务 -> 上门服务); ``[word]`` when it
    stands whole."""
    spans = _names(word)
    if len(spans) == 1 and spans[0] == (0, len(word)):
        return [word]  # the word is one name
    parts, cursor = [], 0
    for start, end in spans:
        parts += _content_parts(word[cursor:start])
        parts.append(word[start:end])
        cursor = end
    parts += _content_parts(word[cursor:])
    parts = [p for p in parts if analysis.runs(p)]
    return parts or [word]
