"""What the search page shows, as plain data computed once from the service's reply.

Facet values carry their count, whether they are selected and the URL that toggles them
(Datasette's facets); the template only lays this out.
"""
from __future__ import annotations

import math

from indexer.parsing.departments import canonical_department, written_forms
from indexer.search.params import FACETS, FILTERS, LABELS, PAGING

from .urls import Pairs, on_page, paragraph_link, search_url, toggled, with_value, without

SORTS = (("relevance", "相关度"), ("newest", "最新"), ("oldest", "最早"))


def _same_value(name: str, chosen: str, value: str) -> bool:
    """Whether a value given in the request selects a facet value (a department in any form)."""
    if chosen == value:
        return True
    return name == "department" and canonical_department(chosen) == value


def facet_groups(reply: dict, pairs: Pairs) -> list[dict]:
    groups = []
    for name in FACETS:
        label = LABELS[name]
        chosen = [v for n, v in pairs if n == name]
        values = []
        for item in reply.get("facets", {}).get(name, []):
            value = str(item["value"])
            matching = [c for c in chosen if _same_value(name, c, value)]
            if matching:
                url_pairs = pairs
                for c in matching:
                    url_pairs = without(url_pairs, name, c)
            else:
                url_pairs = with_value(pairs, name, value)
            values.append({"value": value, "count": item["count"], "selected": bool(matching),
                           "toggle_url": search_url(url_pairs)})
        # A chosen value with no match left still shows, so it can be switched off here too.
        for c in chosen:
            if not any(_same_value(name, c, v["value"]) for v in values):
                values.insert(0, {"value": c, "count": 0, "selected": True,
                                  "toggle_url": search_url(without(pairs, name, c))})
        # Selected values on top, so a long list never hides what is switched on (stable sort:
        # otherwise the service's order stays).
        values.sort(key=lambda v: not v["selected"])
        if name == "department":  # the facet's filter box also finds 应急厅 under 应急管理厅
            for v in values:
                v["forms"] = " ".join(written_forms(v["value"]))
        groups.append({"name": name, "label": label, "options": values})
    return groups


def chips(pairs: Pairs) -> list[dict]:
    """The active filters, each with the URL that removes it."""
    return [{"name": n, "label": LABELS[n], "value": v,
             "remove_url": search_url(without(pairs, n, v))}
            for n, v in pairs if n in FILTERS]


def current_sort(pairs: Pairs) -> str:
    given = [v for n, v in pairs if n == "sort"]
    if given:
        return given[-1]
    has_query = any(n == "q" and v.strip() for n, v in pairs)
    return "relevance" if has_query else "newest"


def sort_options(pairs: Pairs) -> list[dict]:
    chosen = current_sort(pairs)
    return [{"value": value, "label": label, "selected": value == chosen,
             "url": search_url(with_value(pairs, "sort", value))} for value, label in SORTS]


def pagination(reply: dict, pairs: Pairs) -> dict:
    page, per_page, total = reply["page"], reply["per_page"], reply["total"]
    last = max(1, math.ceil(total / per_page)) if per_page else 1
    shown = sorted({1, last} | set(range(max(1, page - 2), min(last, page + 2) + 1)))
    links, previous = [], 0
    for number in shown:
        if number - previous > 1:
            links.append({"gap": True})
        links.append({"number": number, "current": number == page,
                      "url": search_url(on_page(pairs, number))})
        previous = number
    return {
        "page": page, "last": last, "links": links if last > 1 else [],
        "previous_url": search_url(on_page(pairs, page - 1)) if page > 1 else None,
        "next_url": search_url(on_page(pairs, page + 1)) if page < last else None,
        "first_shown": (page - 1) * per_page + 1 if total else 0,
        "last_shown": min(total, page * per_page),
    }


def hit_views(reply: dict, pairs: Pairs) -> list[dict]:
    chosen = [v for n, v in pairs if n == "department"]
    views = []
    for hit in reply["hits"]:
        badges = []
        for department in hit.get("departments") or []:
            selected = any(_same_value("department", c, department) for c in chosen)
            badges.append({"name": department, "selected": selected,
                           "url": search_url(toggled(pairs, "department", department, selected))})
        views.append({**hit, "paragraph_link": paragraph_link(hit["url"], pairs),
                      "department_badges": badges})
    return views


def segment_labels(segments) -> list[str]:
    """How the query was segmented, one label per word (the service gives dicts; plain lists of
    words or of segments are read too)."""
    if not segments:
        return []
    if isinstance(segments, str):
        return [segments]
    labels = []
    for item in segments:
        if isinstance(item, (list, tuple)):
            label = " / ".join(str(s) for s in item)
        elif isinstance(item, dict):  # {"word", "segments", "phrase", "department", "apart", "excluded"}
            word = str(item.get("word", ""))
            label = " / ".join(str(s) for s in (item.get("segments") or [word]))
            if item.get("phrase"):
                label = f"“{word}”（整个短语）"
            elif (item.get("apart") is False and len(item.get("segments") or []) > 1
                  and not item.get("department")):
                label = f"{word}（整词）"  # numbers, single characters: found only as written
            elif item.get("department"):
                label = f"{word}（部门：{item['department']}）"
            elif item.get("column"):
                label = f"{word}（栏目：{item['column']}）"
            elif item.get("issue"):
                label = f"{word}（期次：{item['issue']}）"
            elif item.get("parts"):
                label = " + ".join(str(p) for p in item["parts"])  # 应急厅的上门服务 -> 应急厅 + 上门服务
            if item.get("excluded"):
                label = f"排除 {word}"
        else:
            label = str(item)
        if label:
            labels.append(label)
    return labels


def query_without(query: str, word: str) -> str:
    """The query with one word taken out (the word as the service read it: folded, no spaces),
    also from inside an unspaced word (2022年第40期应急厅 -> 应急厅)."""
    from indexer.search.analysis import compact

    kept = []
    for token in query.split():
        folded = compact(token)
        if folded == word:
            continue
        if word in folded:
            token = folded.replace(word, "", 1)
        kept.append(token)
    return " ".join(kept)


def issue_chips(reply: dict, pairs: Pairs) -> list[dict]:
    """The issue references of the query, each with the URL that searches without it."""
    query = reply.get("query") or ""
    out = []
    for ref in reply.get("issue_refs") or []:
        rest = query_without(query, ref["word"])
        url_pairs = [(n, v) for n, v in pairs if n not in ("q", "page")]
        out.append({"label": "期次", "value": ref["label"],
                    "remove_url": search_url(([("q", rest)] if rest else []) + url_pairs)})
    return out


def page_model(reply: dict, pairs: Pairs) -> dict:
    return {
        "reply": reply,
        "facets": facet_groups(reply, pairs),
        "chips": chips(pairs),
        "issue_chips": issue_chips(reply, pairs),
        # the corrected query with the same filters; offered, never run in the user's place
        "did_you_mean_url": (search_url(with_value(pairs, "q", reply["did_you_mean"]))
                             if reply.get("did_you_mean") else None),
        "clear_filters_url": search_url([(n, v) for n, v in pairs if n not in FILTERS and n != "page"]),
        "sorts": sort_options(pairs),
        "pagination": pagination(reply, pairs),
        "hits": hit_views(reply, pairs),
        "segments": segment_labels(reply.get("segments")),
        "export_url": search_url([(n, v) for n, v in pairs if n not in PAGING],
                                 path="/export.csv"),
        "feed_url": search_url([(n, v) for n, v in pairs if n not in (*PAGING, "sort")],
                               path="/feed.atom"),
    }
