"""Sets of document numbers as Python ints, one bit a document.

Facet counts are intersections counted over every match, for every facet value: on 75,000
sections an ``&`` and ``bit_count()`` of two ints is a few microseconds, where Python sets or
Whoosh's scored facets take milliseconds each.
"""
from __future__ import annotations

from typing import Iterable

# the bit numbers set in each byte value, to turn a mask back into document numbers quickly
_BITS_OF_BYTE = [tuple(b for b in range(8) if value >> b & 1) for value in range(256)]


def docs_to_mask(docnums: Iterable[int]) -> int:
    docnums = list(docnums)
    if not docnums:
        return 0
    buf = bytearray(max(docnums) // 8 + 1)
    for d in docnums:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def mask_to_docs(mask: int) -> list[int]:
    if mask <= 0:
        return []
    docs = []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for i, byte in enumerate(data):
        if byte:
            base = i << 3
            docs.extend(base + b for b in _BITS_OF_BYTE[byte])
    return docs


def count(mask: int) -> int:
    return mask.bit_count()


def union(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out
