"""Text analysis for the index, independent of any search engine.

What a section gives the index (all folded: full-/half-width forms, case and traditional
characters to simplified, one character at a time, so offsets stay those of the original text; no
stemming, no stop words, which lose Chinese meaning):

* ``index_words``: jieba words in search mode, a compound's sub-words too (行政 许可 of 行政许可).
  Ranking only: BM25 over these orders the matches; whether a section matches never depends on
  how jieba cut its sentences.
* ``index_bigrams``: the distinct character bigrams of every run of letters/digits/CJK
  (whitespace skipped, punctuation ending a run). Candidates only: the engine looks a query run up
  by its rarest bigrams and confirms each candidate by a substring test on
* ``searchable_text``: the folded text without whitespace, the Ctrl+F view of the section. A run
  occurs in a section exactly when it is a substring of this, so recall is Ctrl+F's.

``word_tokens`` and ``bigram_tokens`` are the same two views as token streams with positions and
offsets (``Token(text, pos, start, end)``, ``text[start:end]`` the token as written), for Whoosh's
analyzer contract and for the tests that pin the index terms against them.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

from ..parsing.departments import all_written_forms

# Domain phrases jieba's general dictionary cuts apart; whole they rank as one word.
DOMAIN_TERMS: tuple[str, ...] = (
    "一网通办", "一件事一次办", "高效办成一件事", "综合窗口", "综窗", "厅长进大厅",
    "政务服务", "政务大厅", "全程网办", "跨省通办", "一窗通办", "好差评", "帮办代办",
    "容缺受理", "告知承诺", "办件量", "办结率", "满意率", "天府通办", "四川一体化政务服务平台",
    "营商环境", "大厅巡查", "窗口工作周报", "政务窗口月报",
)


class Token(NamedTuple):
    text: str  # folded form, what the index stores
    pos: int  # token index, not a character offset
    start: int  # text[start:end] is the token as written
    end: int


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Full-width to half-width, lower case and traditional to simplified (應 -> 应), only where
    that keeps one character for one, so offsets into the original text stay valid and a match
    marks the characters as written."""
    folded = unicodedata.normalize("NFKC", ch).lower()
    folded = folded if len(folded) == 1 else ch.lower() if len(ch.lower()) == 1 else ch
    if folded.isascii():
        return folded
    simplified = _to_simplified(folded)
    return simplified if len(simplified) == 1 else folded


_converter = None


def _to_simplified(ch: str) -> str:
    """OpenCC's t2s table, one character at a time (its phrase table would change lengths). The
    C++ package: 30 to 70 times faster than the pure-Python port on the same text (BENCHMARKS.md),
    and each character is converted once per process (the fold caches)."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(ch)


class _FoldTable(dict):
    """A str.translate table filled on first sight of each character: translate then runs in C,
    five times faster than joining fold_char over the text."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The text with every character folded; the same length as the input, offsets unchanged."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def is_word_char(ch: str) -> bool:
    """Letters, digits and CJK ideographs: what a search can ask for. Punctuation is not."""
    return ch.isalnum()


def compact(text: str) -> str:
    """Folded text with whitespace removed: how the bulletins are compared (docs/bulletins.md)."""
    return "".join(fold(text).split())


# --- jieba, loaded once per process -------------------------------------------------------------

_tokenizer = None
_tokenizer_lock = threading.Lock()


def cache_dir() -> Path:
    """Where jieba's 0.6 s prefix-dictionary cache survives between runs (not /tmp, which is wiped)."""
    base = os.environ.get("BULLETIN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "bulletin-search")
    return Path(base)


def _writable_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    return Path(tempfile.gettempdir())


def user_words() -> list[str]:
    """Department names in every written form, and the domain terms, longest first."""
    words = set(all_written_forms()) | {fold(t) for t in DOMAIN_TERMS}
    return sorted({fold(w) for w in words}, key=lambda w: (-len(w), w))


def jieba_tokenizer():
    """The process's private jieba tokenizer, with our user dictionary; never jieba's global one."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            jieba = _import_jieba()
            logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Loading model" chatter
            tk = jieba.Tokenizer()
            tk.tmp_dir = str(_writable_dir(cache_dir()))
            tk.cache_file = JIEBA_CACHE
            if not _load_prefix_dict(tk):
                tk.initialize()  # builds the prefix dictionary (~2 s) and writes the cache
            for word in user_words():
                tk.add_word(word)
            _tokenizer = tk
    return _tokenizer


JIEBA_CACHE = "jieba.cache"


def _import_jieba():
    """``import jieba``, without the ~0.15 s of importing pkg_resources: jieba's _compat only
    uses it to open its own dictionary and falls back to a plain open() when it is missing."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _load_prefix_dict(tk) -> bool:
    """Load jieba's own cache of its prefix dictionary from the bytes in one read: jieba's
    ``marshal.load`` on a buffered file reads it in small pieces and takes ~0.55 s, the same data
    from bytes ~0.2 s. That is most of what a one-file ``index`` run or a server start waits for.
    False when there is no usable cache yet; ``initialize()`` then builds and writes it."""
    import marshal

    path = Path(tk.tmp_dir) / JIEBA_CACHE
    try:
        freq, total = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return False
    if not isinstance(freq, dict) or not isinstance(total, int) or not freq:
        return False
    tk.FREQ, tk.total, tk.initialized = freq, total, True
    return True


# --- the two token streams ----------------------------------------------------------------------

def _sub_words(tk, word: str) -> list[tuple[str, int]]:
    """jieba's search-mode sub-words of a compound (2- and 3-grams it knows), with their offsets."""
    found = []
    for n in (2, 3):
        if len(word) > n:
            for i in range(len(word) - n + 1):
                gram = word[i:i + n]
                if tk.FREQ.get(gram):
                    found.append((gram, i))
    return found


def word_tokens(text: str, subwords: bool = True) -> Iterator[Token]:
    """jieba words of the folded text; sub-words share their compound's position."""
    tk = jieba_tokenizer()
    folded = fold(text)
    offset = 0
    pos = 0
    for word in tk.cut(folded, HMM=True):
        start = offset
        offset += len(word)
        if not any(is_word_char(ch) for ch in word):
            continue  # whitespace and punctuation take no position
        if subwords:
            for gram, i in _sub_words(tk, word):
                yield Token(gram, pos, start + i, start + i + len(gram))
        yield Token(word, pos, start, offset)
        pos += 1


@lru_cache(maxsize=65536)
def _index_forms(word: str) -> tuple[str, ...]:
    """What one jieba word adds to the word index: its sub-words, then itself; nothing for
    punctuation. Words recur endlessly in the bulletins, so this is worked out once per word."""
    if not _RUN_RE.search(word):
        return ()
    return tuple(gram for gram, _ in _sub_words(jieba_tokenizer(), word)) + (word,)


def index_words(text: str) -> list[str]:
    """The terms of ``word_tokens`` (sub-words included), without positions or offsets: what the
    word index is given at build time, where only each term's count matters."""
    out: list[str] = []
    for word in jieba_tokenizer().cut(fold(text), HMM=True):
        out.extend(_index_forms(word))
    return out


def bigram_tokens(text: str) -> Iterator[Token]:
    """Overlapping bigrams of each run of word characters (whitespace skipped), plus each run's
    last character alone; see the module docstring for why."""
    folded = fold(text)
    pos = 0
    run: list[int] = []  # offsets of the current run's characters

    def close_run():
        nonlocal pos
        for a, b in zip(run, run[1:]):
            yield Token(folded[a] + folded[b], pos, a, b + 1)
            pos += 1
        if run:
            last = run[-1]
            yield Token(folded[last], pos, last, last + 1)
            pos += 1

    for i, ch in enumerate(folded):
        if is_word_char(ch):
            run.append(i)
        elif not ch.isspace():
            yield from close_run()
            run = []
    yield from close_run()


# Runs of word characters. In Python's re, \w is exactly str.isalnum() plus "_", so [^\W_] is
# is_word_char; a regex finds runs many times faster than a loop over characters.
_RUN_RE = re.compile(r"[^\W_]+")


def searchable_text(text: str) -> str:
    """The folded text with whitespace removed (``compact``): a query run occurs in a section
    exactly when it is a substring of this, which is how the engine checks candidates."""
    return compact(text)


def index_bigrams(text: str) -> set[str]:
    """The distinct bigrams of ``bigram_tokens`` (its lone last characters left out): the terms
    that find candidate sections; the exact test is a substring check on ``searchable_text``."""
    grams: set[str] = set()
    for run in _RUN_RE.findall(compact(text)):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def runs(text: str) -> list[str]:
    """The runs of word characters of a query word, whitespace skipped, punctuation splitting."""
    found, current = [], []
    for ch in fold(text):
        if is_word_char(ch):
            current.append(ch)
        elif not ch.isspace() and current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def bigrams(run: str) -> list[str]:
    """The bigram terms a run of word characters is indexed as (a one-character run: itself)."""
    return [run[i:i + 2] for i in range(len(run) - 1)] or [run]


def segments(word: str) -> list[str]:
    """How a query word is segmented like the text: jieba's words, each compound split into the
    finest tiling by dictionary sub-words (上门服务 -> 上门 服务), so a word whose parts stand
    apart in a section (上门辅导服务) still matches. Punctuation-only pieces are dropped."""
    tk = jieba_tokenizer()
    out: list[str] = []
    for w in tk.cut(compact(word), HMM=True):
        if any(is_word_char(ch) for ch in w):
            out.extend(_finest_tiling(tk, w))
    return out


def _finest_tiling(tk, word: str) -> list[str]:
    """Split a compound into known 2-/3-character words covering it exactly, else keep it whole."""
    if len(word) < 4:
        return [word]
    best: dict[int, list[str]] = {0: []}  # prefix length -> tiling with the most parts
    for end in range(2, len(word) + 1):
        for n in (2, 3):
            start = end - n
            if start in best and tk.FREQ.get(word[start:end]):
                candidate = best[start] + [word[start:end]]
                if end not in best or len(candidate) > len(best[end]):
                    best[end] = candidate
    return best.get(len(word)) or [word]
