"""File names as people are shown them. A name on disk is any bytes but / and NUL: it may be GBK
(from a Windows zip archive), which Python holds as lone surrogates, or hold a newline or an ESC.
The name itself is stored unchanged (store.write_json_atomic keeps the surrogates); these helpers
only say how to show it."""
from __future__ import annotations

import json
import os
import re

# C0 and C1 controls, the line and paragraph separators, and the bidirectional overrides that can
# make a name read backwards: none may reach a download name raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def readable_name(path: str) -> str:
    """The file's own name for a person to read and save (a download's name): bytes that are not
    UTF-8 are read as GB18030, what Chinese Windows writes, and any control character becomes a
    space. Not for finding the file again: that is the stored path."""
    raw = os.fsencode(os.path.basename(path))
    for codec in ("utf-8", "gb18030"):
        try:
            name = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        name = raw.decode("utf-8", errors="replace")
    name = " ".join(_UNSAFE.sub(" ", name).split())
    return name or "bulletin"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` (a line naming a file) safe for a terminal or a log: a control character (a
    newline in a name would forge another ``refused:`` line; ESC sequences would drive the
    terminal) is shown as ``\\n``, ``\\x1b``; a byte of a name that is not UTF-8 as ``\\xb5``, which is
    what ``ls -b`` shows, so the name can still be found."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, held as a lone surrogate
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _UNSAFE.match(ch) or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data) -> str:
    """JSON of ``data`` with Chinese as it is, where a file name that is not UTF-8 (lone
    surrogates, which no UTF-8 writer accepts) becomes ``\\udcXX`` escapes: ``json.loads`` gives
    back exactly the same name, and the text can be written or sent as UTF-8."""
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False))
