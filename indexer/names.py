"""File names as people are shown them. A name on disk is any bytes but / and NUL: it may be GBK
(from a Windows zip archive), which Python holds as lone surrogates, or hold a newline or an ESC.
The name itself is stored unchanged (store.write_json_atomic keeps the surrogates); these helpers
only say how to show it."""
from __future__ import annotations

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
