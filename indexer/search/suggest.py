"""Did you mean: the nearest known word for a query word that finds nothing or very little.

Known words are the department and column names in every written form and the most widespread
words of the index. A word is compared by edit distance on its characters (应急听 -> 应急厅,
上门服 -> 上门服务) and by its pinyin (yingjiting -> 应急厅; among equally near words the one that
sounds the same wins, since a wrong character from a pinyin input method sounds right). The service
only ever proposes the corrected query; it never searches it in the user's place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..parsing.departments import all_written_forms
from ..parsing.section_types import all_column_forms
from . import analysis
from .compounds import short_department_forms

VOCABULARY_SIZE = 5000  # the most widespread index words considered (pinyin of each, once)
NAME_WEIGHT = 1 << 30  # a department or column name outranks any index word at the same distance


def max_distance(word: str) -> int:
    """Edits allowed: one in a short word, two from five characters (ASCII pinyin: per syllable)."""
    if word.isascii():
        return 1 if len(word) <= 8 else 2
    return 1 if len(word) <= 4 else 2


def pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word)).lower()


@dataclass
class Suggester:
    """Candidates with their weight (sections holding them; names first)."""

    weights: dict[str, int]
    _pinyin: Optional[dict[str, list[str]]] = field(default=None, repr=False)

    @classmethod
    def build(cls, vocabulary: list[tuple[str, int]]) -> "Suggester":
        weights = {word: count for word, count in vocabulary}
        for form in list(all_written_forms()) + list(short_department_forms()) + list(all_column_forms()):
            form = analysis.compact(form)
            if analysis.runs(form) == [form]:  # 厅(局)长进大厅 is never typed with its brackets
                weights[form] = NAME_WEIGHT
        return cls(weights)

    def nearest(self, word: str, variants: Optional[dict[str, int]] = None) -> Optional[str]:
        """The known word nearest to ``word``, or None when none is near enough. ``variants``:
        strings of the text one character away (engine.Snapshot.variants) with their counts;
        a short one only when it sounds the same (two characters have too many neighbours)."""
        from rapidfuzz.distance import Levenshtein
        from rapidfuzz.process import extract

        if len(word) < 2 or word in self.weights:
            return None
        if word.isascii():
            return self._nearest_by_pinyin(word) if word.isalpha() else None
        limit = max_distance(word)
        found = extract(word, list(self.weights), scorer=Levenshtein.distance, score_cutoff=limit,
                        limit=50)
        sound = pinyin(word)
        weights = dict(self.weights)
        for text, count in (variants or {}).items():
            if len(word) >= 4 or pinyin(text) == sound:
                found.append((text, 1, None))
                weights[text] = max(weights.get(text, 0), count)
        if not found:
            return None
        # nearest first; then a word that keeps every character typed (上门服 -> 上门服务, not 上门);
        # then a known word before a mere string of the text (上门服务, not 上门辅); then one that
        # sounds the same; then the most widespread
        best = min(found, key=lambda f: (f[1], len(f[0]) < len(word), f[0] not in self.weights,
                                         pinyin(f[0]) != sound, -weights[f[0]], f[0]))
        return best[0]

    def _nearest_by_pinyin(self, typed: str) -> Optional[str]:
        from rapidfuzz.distance import Levenshtein
        from rapidfuzz.process import extract

        if self._pinyin is None:
            self._pinyin = {}
            for word in self.weights:
                if not word.isascii():
                    self._pinyin.setdefault(pinyin(word), []).append(word)
        found = extract(typed.lower(), list(self._pinyin), scorer=Levenshtein.distance,
                        score_cutoff=max_distance(typed), limit=20)
        if not found:
            return None
        sound, _, _ = min(found, key=lambda f: (f[1], -max(self.weights[w] for w in self._pinyin[f[0]])))
        return max(self._pinyin[sound], key=lambda w: (self.weights[w], w))


def corrected_query(query: str, corrections: dict[str, str]) -> str:
    """The whole query with each wrong word (as the service read it) replaced by its correction,
    everything else as typed."""
    out = []
    for token in query.split():
        folded = analysis.compact(token)
        prefix = "-" if folded.startswith("-") else ""
        body = folded[len(prefix):]
        if body in corrections:
            token = prefix + corrections[body]
        else:
            for wrong, right in corrections.items():
                if wrong in body:
                    token = prefix + body.replace(wrong, right)
        out.append(token)
    return " ".join(out)
