"""GET /: the search page, over the same reply the API gives."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request

from indexer.search.errors import BadParameter, PageOutOfRange
from indexer.search.params import FILTERS, LABELS, NAMES

from ..presenting import page_model
from ..searching import RequestRefused, get_service, request_pairs
from ..urls import on_page, search_url, without

bp = Blueprint("search", __name__)


def _bad_parameter_message(bad: BadParameter, pairs) -> tuple[str, str | None, str]:
    """A Chinese sentence for a service BadParameter, a link that fixes it (by dropping the
    parameter it names, or swapping a reversed date range) and that link's label."""
    name = bad.name  # every BadParameter names its parameter ("query string" is none of ours)
    if name not in LABELS:
        return "检索条件有误，请修改后重试。", None, ""
    if name == "to" and "reversed" in str(bad):
        swap = {"from": "to", "to": "from"}
        swapped = [(swap.get(n, n), v) for n, v in pairs if n != "page"]
        return "截止日期早于起始日期，这个日期范围内不可能有公报。", search_url(swapped), "调换起止日期重新检索"
    fix_url = search_url(without(pairs, name)) if name != "q" else None
    return f"“{LABELS[name]}”的取值有误，请修改后重试。", fix_url, "去掉这个条件重新检索"


def _with_empty_values() -> bool:
    """Whether the URL carries parameters with nothing in them (an untouched date box sends
    ``from=``): the search is the same without them, and its address should be too."""
    return any(not value.strip() for name, value in request.args.items(multi=True)
               if name in NAMES and name != "q")


@bp.get("/")
def index():
    service = get_service()
    query = request.args.get("q", "")
    try:
        pairs = request_pairs()
    except RequestRefused as refused:
        return render_template("search.html", query=query[:current_app.config["MAX_QUERY_CHARS"]],
                               error=refused.chinese,
                               error_detail=str(refused), stats=service.stats()), 400
    if _with_empty_values():
        return redirect(search_url(pairs), code=302)
    try:
        reply = service.search_params(pairs)
    except PageOutOfRange as past:  # an old bookmark, a shrunk result: the last page it has
        return redirect(search_url(on_page(pairs, past.last_page)), code=302)
    except BadParameter as bad:
        message, fix_url, fix_label = _bad_parameter_message(bad, pairs)
        return render_template("search.html", query=query, error=message, error_detail=str(bad),
                               fix_url=fix_url, fix_label=fix_label, stats=service.stats()), 400

    model = page_model(reply, pairs)
    filters_active = any(n in FILTERS for n, _ in pairs)
    unfiltered_total = None
    if reply["total"] == 0 and filters_active and query.strip():
        # The empty state says how much dropping every filter would find.
        try:
            unfiltered_total = service.search_params([("q", query), ("per_page", "1")])["total"]
        except BadParameter:
            unfiltered_total = None
    return render_template(
        "search.html", query=reply.get("query", query), filters_active=filters_active,
        unfiltered_total=unfiltered_total, stats=service.stats(),
        notice=service.without_paths(reply.get("notice")),
        browsing=not query.strip(), dates={"from": request.args.get("from", ""),
                                            "to": request.args.get("to", "")},
        # the form's own boxes (q, from, to) are not repeated as hidden fields; a new search is page 1
        hidden_pairs=[(n, v) for n, v in pairs if n not in ("q", "from", "to", "page")],
        **model,
    )
