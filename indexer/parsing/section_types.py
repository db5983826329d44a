"""The section-type facet: which heading names which type (docs/bulletins.md's table)."""
from __future__ import annotations

import re
from typing import Iterable, Optional

ATTACHMENT_TYPE = "附件"

# (type, key phrases); a heading names a type when, spaces and 「（局）」 removed, it contains a phrase.
SECTION_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("办件统计", ("省级政务服务事项受理办理情况", "总体运行情况", "综窗办件情况", "政务服务事项受理办理情况")),
    ("营商环境", ("优化营商环境工作开展情况",)),
    ("窗口动态", ("窗口工作动态", "窗口服务效能提升工作情况", "窗口资讯")),
    ("厅长进大厅", ("厅长进大厅", "局长进大厅")),  # also written 厅局长进大厅, 局长进大厅
    ("大厅巡查", ("大厅巡查情况",)),
    ("综窗改革", ("综窗改革攻坚行动",)),
    ("政务动态", ("政务工作动态",)),
    ("一件事", ("高效办成一件事专项行动",)),
    ("重点工作", ("重点工作推进情况",)),
    (ATTACHMENT_TYPE, ("附件",)),
)

# Every written form of each column a person may type to mean the column, the heading's own forms
# first. One table for the search (a column name in a query matches the column's sections, like a
# department) and for the docs; the key phrases above stay the parser's business.
COLUMN_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("办件统计", ("办件统计", "办件情况", "省级政务服务事项受理办理情况", "政务服务事项受理办理情况",
              "总体运行情况", "省本级综窗办件情况", "综窗办件情况")),
    ("营商环境", ("营商环境", "优化营商环境", "优化营商环境工作开展情况")),
    ("窗口动态", ("窗口动态", "窗口工作动态", "窗口服务效能提升工作情况", "窗口资讯")),
    ("厅长进大厅", ("厅长进大厅", "厅（局）长进大厅", "厅(局)长进大厅", "厅局长进大厅", "局长进大厅")),
    ("大厅巡查", ("大厅巡查", "大厅巡查情况")),
    ("综窗改革", ("综窗改革", "综窗", "综窗改革攻坚行动")),
    ("政务动态", ("政务动态", "政务工作动态")),
    ("一件事", ("一件事", "高效办成一件事", "高效办成一件事专项行动", "“高效办成一件事”专项行动")),
    ("重点工作", ("重点工作", "重点工作推进情况")),
    (ATTACHMENT_TYPE, ("附件",)),
)


def _fold_form(form: str) -> str:
    # the query side compares folded text without whitespace: full-width brackets become ASCII
    import unicodedata
    return "".join(unicodedata.normalize("NFKC", form).lower().split())


_COLUMN_OF_FORM = {_fold_form(form): column for column, forms in COLUMN_FORMS for form in forms}
_COLUMN_OF_FORM.update({_fold_form(column): column for column, _ in COLUMN_FORMS})


def canonical_column(word: str) -> Optional[str]:
    """The section type a typed word names (厅局长进大厅 -> 厅长进大厅), or None."""
    return _COLUMN_OF_FORM.get(_fold_form(word or ""))


def column_forms(column: str) -> list[str]:
    """Every written form of a column, folded, longest first (marked in snippets)."""
    forms = {f for f, c in _COLUMN_OF_FORM.items() if c == column}
    return sorted(forms, key=lambda f: (-len(f), f))


def all_column_forms() -> dict[str, str]:
    """Every folded written form of every column, mapped to its section type."""
    return dict(_COLUMN_OF_FORM)


_NOISE = re.compile(r"[\s“”\"'‘’《》]|[（(]局[）)]")


def _compact(title: str) -> str:
    return _NOISE.sub("", title)


def type_of_heading(title: str) -> Optional[str]:
    compact = _compact(title)
    for section_type, phrases in SECTION_TYPES:
        if any(phrase in compact for phrase in phrases):
            return section_type
    return None


def clean_title(title: str) -> str:
    """An unknown heading as a facet value: no spaces, no trailing punctuation."""
    return re.sub(r"\s+", "", title).strip("。：:；;，, ")


def section_type(titles: Iterable[Optional[str]]) -> str:
    """Type from the most specific titled heading that names one; else the top title, cleaned.

    ``titles`` runs from level 1 down; untitled blocks are None.
    """
    titles = list(titles)
    for title in reversed(titles):
        if title:
            found = type_of_heading(title)
            if found:
                return found
    for title in titles:
        if title:
            return clean_title(title) or "其他"
    return "其他"
