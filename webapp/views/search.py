"""GET /: the search page, over the same reply the API gives."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from ..presenting import FILTER_LABELS, page_model
from indexer.search.errors import BadParameter

from ..searching import FILTER_PARAMS, RequestRefused, get_service, request_pairs
from ..urls import search_url, without

bp = Blueprint("search", __name__)

PARAM_LABELS = {**FILTER_LABELS, "sort": "排序", "page": "页码", "per_page": "每页条数", "q": "检索词"}


def _bad_parameter_message(bad: Exception, pairs) -> tuple[str, str | None]:
    """A Chinese sentence for a service BadParameter, and a link dropping the parameter it names."""
    name = getattr(bad, "name", None) or next(
        (n for n in PARAM_LABELS if re.match(rf"\W*{re.escape(n)}\b", str(bad))), None)
    if name not in PARAM_LABELS:
        return "检索条件有误，请修改后重试。", None
    fix_url = search_url(without(pairs, name)) if name != "q" else None
    return f"“{PARAM_LABELS[name]}”的取值有误，请修改后重试。", fix_url


@bp.get("/")
def index():
    service = get_service()
    query = request.args.get("q", "")
    try:
        pairs = request_pairs()
    except RequestRefused as refused:
        return render_template("search.html", query=query[:200], error=refused.chinese,
                               error_detail=str(refused), stats=service.stats()), 400
    try:
        reply = service.search_params(pairs)
    except BadParameter as bad:
        message, fix_url = _bad_parameter_message(bad, pairs)
        return render_template("search.html", query=query, error=message, error_detail=str(bad),
                               fix_url=fix_url, stats=service.stats()), 400

    model = page_model(reply, pairs)
    filters_active = any(n in FILTER_PARAMS for n, _ in pairs)
    unfiltered_total = None
    if reply["total"] == 0 and filters_active and query.strip():
        # The empty state says how much dropping every filter would find.
        try:
            unfiltered_total = service.search_params([("q", query), ("per_page", "1")])["total"]
        except BadParameter:
            unfiltered_total = None
    return render_template(
        "search.html", query=reply.get("query", query), filters_active=filters_active,
        unfiltered_total=unfiltered_total, stats=service.stats(), notice=reply.get("notice"),
        browsing=not query.strip(), dates={"from": request.args.get("from", ""),
                                            "to": request.args.get("to", "")},
        hidden_pairs=[(n, v) for n, v in pairs if n in ("department", "year", "type", "kind", "sort",
                                                        "per_page")],
        **model,
    )
